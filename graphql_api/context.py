"""Per-request GraphQL context: services, the caller (authenticated lazily, once) and
per-request loaders. Nothing here outlives the request."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import HTTPConnection

from core.accounts.model import Account, Principal
from httpkit.auth import authenticate
from httpkit.services import FaceServices


@dataclass
class Context:
    services: FaceServices
    request: HTTPConnection
    loaders: dict[str, Any] = field(default_factory=dict)
    _principal: Principal | None = None

    async def principal(self) -> Principal:
        """The caller; raises AuthenticationFailed (a GraphQL error, UNAUTHENTICATED)."""
        if self._principal is None:
            self._principal = await authenticate(self.request, self.services.accounts)
        return self._principal

    async def account(self) -> Account:
        return (await self.principal()).account
