"""Per-request GraphQL context: the services, the caller (authenticated once, before the
document is even parsed: see ``extensions.RequireCaller``) and per-request loaders under
typed keys. Nothing here outlives the request."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from starlette.requests import HTTPConnection
from strawberry.dataloader import DataLoader

from core.accounts.model import Account, FaceName, Principal
from httpkit.auth import authenticate
from httpkit.services import FaceServices

K = TypeVar("K")
V = TypeVar("V")
T = TypeVar("T")


class LoaderKey(Generic[K, V]):
    """Names one per-request DataLoader; declared once per module, compared by identity."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"LoaderKey({self.name})"


class OnceKey(Generic[T]):
    """Names one value fetched at most once per request (e.g. an account's catalogs)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"OnceKey({self.name})"


@dataclass
class Context:
    services: FaceServices
    request: HTTPConnection
    answered_objects: int | None = None
    """Objects in the answer, counted by the query planner as it wrote it (the cost report
    uses it instead of walking the answer); None when stock execution answered."""
    _principal: asyncio.Future[Principal] | None = None
    _loaders: dict[LoaderKey[Any, Any], DataLoader[Any, Any]] = field(default_factory=dict)
    _once: dict[OnceKey[Any], asyncio.Future[Any]] = field(default_factory=dict)

    async def principal(self) -> Principal:
        """The caller; raises AuthenticationFailed (a GraphQL error, UNAUTHENTICATED). Fields
        running concurrently share one lookup."""
        if self._principal is None:
            self._principal = asyncio.ensure_future(
                authenticate(self.request, self.services.accounts, FaceName.GRAPHQL)
            )
        return await self._principal

    async def account(self) -> Account:
        return (await self.principal()).account

    def loader(
        self,
        key: LoaderKey[K, V],
        load: Callable[[list[K]], Awaitable[list[V]]],
        cache_key: Callable[[K], Hashable] | None = None,
    ) -> DataLoader[K, V]:
        """This request's loader for ``key``, made with ``load`` on first use."""
        found = self._loaders.get(key)
        if found is None:
            found = self._loaders[key] = DataLoader(load_fn=load, cache_key_fn=cache_key)
        return found

    async def once(self, key: OnceKey[T], fetch: Callable[[], Awaitable[T]]) -> T:
        """``fetch()``'s value, fetched once per request however many fields ask for it."""
        pending = self._once.get(key)
        if pending is None:
            pending = self._once[key] = asyncio.ensure_future(fetch())
        result: T = await pending
        return result
