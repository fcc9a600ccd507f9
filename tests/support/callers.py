"""Callers for tests that call services directly: services act for a ``Principal``."""

from __future__ import annotations

from core.accounts.model import Account, Principal, PrincipalKind


def caller(account: Account) -> Principal:
    """The account acting through an API token (the kind the REST dialects authenticate)."""
    return Principal(account=account, kind=PrincipalKind.API_TOKEN, credential_id=0)
