"""Webhook endpoints, their deliveries and the attempts of each delivery. Plain data;
timestamps are Unix seconds (UTC)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from core.history.model import EntityType


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    """Waiting for its next attempt (``next_attempt_at``)."""
    DELIVERED = "delivered"
    """The endpoint answered 2xx."""
    FAILED = "failed"
    """Every allowed attempt failed; ``redeliverWebhook`` queues it again."""


@dataclass(frozen=True)
class Endpoint:
    id: int
    account_id: int
    url: str
    description: str
    event_types: frozenset[EntityType]
    """The subject types whose changes are sent; empty: every change."""
    enabled: bool
    position: int
    """The account's change-feed position fanned out to this endpoint so far."""
    created_at: int
    updated_at: int

    def wants(self, subject_type: EntityType) -> bool:
        return not self.event_types or subject_type in self.event_types


@dataclass(frozen=True)
class NewEndpoint:
    """A created endpoint and its signing secret (``whsec_...``), shown this once."""

    endpoint: Endpoint
    secret: str


@dataclass(frozen=True)
class EndpointInput:
    url: str
    event_types: frozenset[EntityType] = frozenset()
    description: str = ""
    enabled: bool = True


@dataclass(frozen=True)
class EndpointChanges:
    """An update; None leaves a field as it is."""

    url: str | None = None
    event_types: frozenset[EntityType] | None = None
    description: str | None = None
    enabled: bool | None = None
    rotate_secret: bool = False


@dataclass(frozen=True)
class Delivery:
    id: int
    account_id: int
    endpoint_id: int
    message_id: str
    """``webhook-id``: the same for every attempt and redelivery of one change."""
    event_type: str
    change_position: int
    payload: str
    status: DeliveryStatus
    attempts: int
    """Attempts since it was queued (or redelivered)."""
    next_attempt_at: int | None
    last_status_code: int | None
    last_error: str | None
    created_at: int
    delivered_at: int | None
    claim_token: str | None = None


@dataclass(frozen=True)
class Attempt:
    """One HTTP attempt of a delivery: the answer's status code, or why there was none."""

    id: int
    delivery_id: int
    at: int
    status_code: int | None
    error: str | None
    duration_ms: int


@dataclass(frozen=True)
class SendResult:
    status_code: int | None
    error: str | None
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclass(frozen=True)
class Policy:
    """Delivery settings (``CLIENTGATE_WEBHOOKS_*``)."""

    allow_private: bool = False
    """Endpoints on private, loopback or link-local addresses (tests only)."""
    max_attempts: int = 8
    backoff_seconds: float = 5.0
    """The first retry's delay; each later one doubles, up to ``max_backoff_seconds``."""
    max_backoff_seconds: float = 6 * 3600.0
    timeout_seconds: float = 10.0
    lease_seconds: int = 60
    """A claimed delivery whose worker died is claimed again after this."""
    max_endpoints: int = 10
    """Per account."""
