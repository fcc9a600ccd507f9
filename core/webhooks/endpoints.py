"""The caller's side of webhooks: register, change and remove endpoints (the signing secret
shown once, at creation or rotation; stored encrypted), list them and their deliveries, and
queue a delivery again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from core.accounts.model import Principal
from core.history.model import SUBJECT_TYPES, EntityType
from core.notify import channels
from core.shared.clock import Clock
from core.shared.errors import Conflict, InvalidInput, NotFound
from core.webhooks import rules, signing
from core.webhooks.model import (
    Attempt,
    Delivery,
    Endpoint,
    EndpointChanges,
    EndpointInput,
    NewEndpoint,
    Policy,
)
from core.webhooks.ports import Resolver, SecretBox, UowFactory

T = TypeVar("T")
MAX_PAGE = 100
ATTEMPTS_SHOWN = 20
"""A delivery shows its newest attempts, at most this many."""


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    has_next: bool


class WebhookEndpoints:
    def __init__(
        self,
        uow: UowFactory,
        clock: Clock,
        box: SecretBox,
        resolver: Resolver,
        policy: Policy,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._box = box
        self._resolver = resolver
        self._policy = policy

    async def create(self, caller: Principal, data: EndpointInput) -> NewEndpoint:
        await self._check_target(data.url)
        _check_types(data.event_types)
        values = {
            "url": data.url,
            "description": rules.checked_description(data.description),
            "event_types": data.event_types,
            "enabled": data.enabled,
        }
        secret = signing.new_secret()
        async with self._uow() as uow:
            store = uow.webhooks.endpoints
            if await store.count(caller.account_id) >= self._policy.max_endpoints:
                raise Conflict(
                    f"an account has at most {self._policy.max_endpoints} webhook endpoints"
                )
            endpoint = await store.add(
                caller.account_id, values, self._box.encrypt(secret), self._clock.now()
            )
            await uow.commit()
        return NewEndpoint(endpoint, secret)

    async def update(
        self, caller: Principal, endpoint_id: int, changes: EndpointChanges
    ) -> tuple[Endpoint, str | None]:
        """The endpoint, and its new secret when ``rotate_secret`` (else None)."""
        values: dict[str, object] = {}
        if changes.url is not None:
            await self._check_target(changes.url)
            values["url"] = changes.url
        if changes.event_types is not None:
            _check_types(changes.event_types)
            values["event_types"] = changes.event_types
        if changes.description is not None:
            values["description"] = rules.checked_description(changes.description)
        if changes.enabled is not None:
            values["enabled"] = changes.enabled
        secret = signing.new_secret() if changes.rotate_secret else None
        sealed = None if secret is None else self._box.encrypt(secret)
        async with self._uow() as uow:
            endpoint = await uow.webhooks.endpoints.update(
                caller.account_id, endpoint_id, values, sealed, self._clock.now()
            )
            if endpoint is None:
                raise NotFound("webhook endpoint", endpoint_id)
            await uow.commit()
        return endpoint, secret

    async def delete(self, caller: Principal, endpoint_id: int) -> None:
        async with self._uow() as uow:
            if not await uow.webhooks.endpoints.delete(caller.account_id, endpoint_id):
                raise NotFound("webhook endpoint", endpoint_id)
            await uow.commit()

    async def get(self, caller: Principal, endpoint_id: int) -> Endpoint:
        async with self._uow(read_only=True) as uow:
            found = await uow.webhooks.endpoints.get(caller.account_id, endpoint_id)
        if found is None:
            raise NotFound("webhook endpoint", endpoint_id)
        return found

    async def delivery(self, caller: Principal, delivery_id: int) -> Delivery:
        async with self._uow(read_only=True) as uow:
            found = await uow.webhooks.deliveries.get(caller.account_id, delivery_id)
        if found is None:
            raise NotFound("webhook delivery", delivery_id)
        return found

    async def page(
        self, caller: Principal, *, first: int, after_id: int | None
    ) -> tuple[Page[Endpoint], int]:
        _check_first(first)
        async with self._uow(read_only=True) as uow:
            store = uow.webhooks.endpoints
            rows = await store.page(caller.account_id, after_id, first + 1)
            total = await store.count(caller.account_id)
        return Page(rows[:first], len(rows) > first), total

    async def deliveries(
        self, caller: Principal, *, endpoint_id: int | None, first: int, after_id: int | None
    ) -> Page[Delivery]:
        """Newest first; of one endpoint (NotFound when not the caller's) or of all."""
        _check_first(first)
        async with self._uow(read_only=True) as uow:
            store = uow.webhooks
            if endpoint_id is not None and (
                await store.endpoints.get(caller.account_id, endpoint_id) is None
            ):
                raise NotFound("webhook endpoint", endpoint_id)
            rows = await store.deliveries.page(caller.account_id, endpoint_id, after_id, first + 1)
        return Page(rows[:first], len(rows) > first)

    async def attempts(self, caller: Principal, delivery_ids: list[int]) -> list[list[Attempt]]:
        """Each delivery's newest attempts, oldest first, in the order asked (one query)."""
        async with self._uow(read_only=True) as uow:
            found = await uow.webhooks.deliveries.attempts_of(
                caller.account_id, delivery_ids, ATTEMPTS_SHOWN
            )
        return [found.get(i, []) for i in delivery_ids]

    async def endpoints_by_id(self, caller: Principal, ids: list[int]) -> list[Endpoint | None]:
        async with self._uow(read_only=True) as uow:
            found = await uow.webhooks.endpoints.by_ids(caller.account_id, ids)
        return [found.get(i) for i in ids]

    async def redeliver(self, caller: Principal, delivery_id: int) -> Delivery:
        """Queue a delivery again, due now, with a fresh attempt budget."""
        async with self._uow() as uow:
            delivery = await uow.webhooks.deliveries.requeue(
                caller.account_id, delivery_id, self._clock.now()
            )
            if delivery is None:
                raise NotFound("webhook delivery", delivery_id)
            await uow.notify(channels.WEBHOOKS, str(caller.account_id))
            await uow.commit()
        return delivery

    async def _check_target(self, url: str) -> None:
        target = rules.checked_url(url)
        if self._policy.allow_private:
            return
        addresses = await self._resolver.resolve(target.host, target.port)
        if not addresses:
            raise InvalidInput.single("url", "the host does not resolve")
        if rules.refused_among(addresses) is not None:
            raise InvalidInput.single("url", rules.REFUSED, "ADDRESS_REFUSED")


def _check_types(types: frozenset[EntityType]) -> None:
    extra = types - SUBJECT_TYPES
    if extra:
        names = ", ".join(sorted(t.value for t in extra))
        raise InvalidInput.single("event_types", f"not a subject type: {names}")


def _check_first(first: int) -> None:
    if not 1 <= first <= MAX_PAGE:
        raise InvalidInput.single("first", f"must be between 1 and {MAX_PAGE}", "OUT_OF_RANGE")
