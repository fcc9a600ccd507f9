"""Resolving a request's credentials to a Principal.

Accepted on every path: ``access_token: <token>`` (Bsale's header), ``Authorization: Bearer
<token>`` and ``Authorization: Basic`` with an account's API user.
"""

from __future__ import annotations

import base64
import binascii

from starlette.requests import HTTPConnection

from clientgate.container import Services
from core.accounts.model import Principal
from core.shared.errors import AuthenticationFailed


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


async def authenticate(conn: HTTPConnection, services: Services) -> Principal:
    """The caller's principal, or AuthenticationFailed (never another tenant's)."""
    known = conn.scope.get("state", {}).get(_PRINCIPAL)
    if known is not None:
        return known  # type: ignore[no-any-return]
    token = conn.headers.get("access_token") or conn.headers.get("access-token")
    if token:
        return await services.accounts.authenticate_token(token.strip())
    authorization = conn.headers.get("authorization", "")
    scheme, _, value = authorization.partition(" ")
    scheme = scheme.lower()
    if scheme == "bearer" and value.strip():
        return await services.accounts.authenticate_token(value.strip())
    if scheme == "basic" and value.strip():
        username, password = _basic(value.strip())
        return await services.accounts.authenticate_basic(username, password)
    raise AuthenticationFailed("missing credentials")
