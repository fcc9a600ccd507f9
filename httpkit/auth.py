"""Resolving a request's credentials to a Principal.

Accepted on every path, in this order: ``access_token: <token>`` (Bsale's header),
``Authorization: Bearer <token>`` and ``Authorization: Basic`` with an account's API user.
``presented_credential`` is the one place that order is written; the rate limiter keys on it
and ``authenticate`` verifies it.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, replace
from enum import Enum

from starlette.requests import HTTPConnection

from core.accounts.model import FaceName, Origin, Principal
from core.accounts.service import AccountService
from core.shared.errors import AuthenticationFailed


class Scheme(Enum):
    TOKEN = "token"  # noqa: S105 - a scheme name: access_token header or Bearer
    BASIC = "basic"


@dataclass(frozen=True)
class Credential:
    scheme: Scheme
    value: str = ""

    def __repr__(self) -> str:  # never print the secret
        return f"Credential({self.scheme.value})"


def presented_credential(conn: HTTPConnection) -> Credential | None:
    """The credential a request carries, or None."""
    token = conn.headers.get("access_token") or conn.headers.get("access-token")
    if token and token.strip():
        return Credential(Scheme.TOKEN, token.strip())
    scheme, _, value = conn.headers.get("authorization", "").partition(" ")
    scheme, value = scheme.lower(), value.strip()
    if scheme == "bearer" and value:
        return Credential(Scheme.TOKEN, value)
    if scheme == "basic" and value:
        return Credential(Scheme.BASIC, value)
    return None


def _basic(header_value: str) -> tuple[str, str]:
    try:
        decoded = base64.b64decode(header_value, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise AuthenticationFailed("malformed Basic credentials") from None
    username, sep, password = decoded.partition(":")
    if not sep or not username:
        raise AuthenticationFailed("malformed Basic credentials")
    return username, password


_PRINCIPAL = "clientgate.principal"


def remember_principal(conn: HTTPConnection, principal: Principal) -> None:
    """Keep a principal verified during this request, so later layers don't verify it again.
    It lives in the request's scope only: nothing is cached across requests."""
    conn.scope.setdefault("state", {})[_PRINCIPAL] = principal


async def authenticate(
    conn: HTTPConnection, accounts: AccountService, face: FaceName | None = None
) -> Principal:
    """The caller's principal, or AuthenticationFailed (never another tenant's). A face
    passes itself: the principal then carries its ``Origin`` (face and the request's id),
    which every change the call makes records."""
    principal = await _verified(conn, accounts)
    if face is None:
        return principal
    request_id = conn.scope.get("state", {}).get("request_id")
    return replace(principal, origin=Origin(face, request_id if request_id else None))


async def _verified(conn: HTTPConnection, accounts: AccountService) -> Principal:
    known = conn.scope.get("state", {}).get(_PRINCIPAL)
    if known is not None:
        return known  # type: ignore[no-any-return]
    credential = presented_credential(conn)
    if credential is None:
        raise AuthenticationFailed("missing credentials")
    if credential.scheme is Scheme.TOKEN:
        return await accounts.authenticate_token(credential.value)
    username, password = _basic(credential.value)
    return await accounts.authenticate_basic(username, password)
