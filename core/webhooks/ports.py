"""Ports of the webhooks context: the account's endpoints and deliveries (tenant-scoped), the
delivery queue's cross-tenant side (:class:`WebhookQueue`: claim, settle), the history reads
the fan-out follows, and the outside world (DNS, HTTP)."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Protocol

from core.history.ports import HistoryRepository
from core.webhooks.model import Attempt, Delivery, DeliveryStatus, Endpoint, SendResult

Row = Mapping[str, object]


class EndpointRepository(Protocol):
    async def add(self, account_id: int, values: Row, secret: str, now: int) -> Endpoint:
        """``values``: url, description, event_types, enabled; ``secret`` encrypted. The new
        endpoint starts at the account's current feed position (only later changes)."""
        ...

    async def get(self, account_id: int, endpoint_id: int) -> Endpoint | None: ...

    async def update(
        self, account_id: int, endpoint_id: int, values: Row, secret: str | None, now: int
    ) -> Endpoint | None: ...

    async def delete(self, account_id: int, endpoint_id: int) -> bool:
        """The endpoint, its deliveries and their attempts."""
        ...

    async def page(self, account_id: int, after_id: int | None, limit: int) -> list[Endpoint]:
        """In id order after ``after_id``."""
        ...

    async def count(self, account_id: int) -> int: ...

    async def by_ids(self, account_id: int, ids: Collection[int]) -> dict[int, Endpoint]: ...


class DeliveryRepository(Protocol):
    async def page(
        self, account_id: int, endpoint_id: int | None, after_id: int | None, limit: int
    ) -> list[Delivery]:
        """Newest first (ids below ``after_id``), of one endpoint or of all."""
        ...

    async def get(self, account_id: int, delivery_id: int) -> Delivery | None: ...

    async def requeue(self, account_id: int, delivery_id: int, now: int) -> Delivery | None:
        """Pending again, due now, its attempt count reset (the log keeps every attempt)."""
        ...

    async def attempts_of(
        self, account_id: int, delivery_ids: Sequence[int], per_delivery: int
    ) -> dict[int, list[Attempt]]:
        """The newest ``per_delivery`` attempts of each delivery, oldest first (one query)."""
        ...


class WebhookQueue(Protocol):
    """Cross-tenant by design (workers serve every account): what a worker claims carries its
    account, and everything done for it afterwards is scoped to that account."""

    async def anything_behind(self) -> bool:
        """Whether an enabled endpoint's account feed moved past its position (no lock: a
        worker's look before it opens a write transaction)."""
        ...

    async def anything_due(self, now: int) -> bool:
        """Whether a delivery is due or its claim lease ran out (no lock, as above)."""
        ...

    async def endpoint_behind(self, now: int) -> tuple[Endpoint, int] | None:
        """An enabled endpoint whose account's feed moved past its position (the one served
        longest ago), locked for this transaction (others skip it), and the feed's position;
        None when every endpoint is up to date."""
        ...

    async def fan_out(
        self, endpoint: Endpoint, rows: Sequence[Row], position: int, now: int
    ) -> None:
        """Queue ``rows`` (message_id, event_type, change_position, payload) for the endpoint,
        due now, and move its position on. A change already queued for it is not queued
        twice."""
        ...

    async def claim(self, now: int, lease_seconds: int, token: str) -> Delivery | None:
        """The next due delivery (or one whose claim lease ran out), claimed with ``token``."""
        ...

    async def secret_of(self, endpoint_id: int) -> tuple[str, str] | None:
        """The endpoint's URL and encrypted secret; None once it is deleted or disabled."""
        ...

    async def settle(
        self,
        delivery: Delivery,
        status: DeliveryStatus,
        result: SendResult,
        next_attempt_at: int | None,
        now: int,
    ) -> bool:
        """Record the attempt and move the delivery on; False when the claim was lost."""
        ...


class WebhookStorage(Protocol):
    @property
    def endpoints(self) -> EndpointRepository: ...

    @property
    def deliveries(self) -> DeliveryRepository: ...

    @property
    def queue(self) -> WebhookQueue: ...


class WebhooksUnitOfWork(Protocol):
    @property
    def webhooks(self) -> WebhookStorage: ...

    @property
    def history_reads(self) -> HistoryRepository: ...

    async def notify(self, channel: str, payload: str) -> None: ...

    async def commit(self) -> None: ...


UowFactory = Callable[..., AbstractAsyncContextManager[WebhooksUnitOfWork]]


class SecretBox(Protocol):
    def encrypt(self, plain: str) -> str: ...

    def decrypt(self, token: str) -> str: ...


class Resolver(Protocol):
    async def resolve(self, host: str, port: int) -> list[str]:
        """The addresses ``host`` resolves to; an empty list when it does not resolve."""
        ...


class Sender(Protocol):
    async def post(
        self, url: str, headers: Mapping[str, str], body: bytes, within_seconds: float
    ) -> SendResult:
        """POST once; connects only to addresses the policy allows (checked again here, at
        connection time: DNS may answer differently than at registration)."""
        ...
