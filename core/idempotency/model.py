"""What is kept per account and idempotency key."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class EntryState(StrEnum):
    IN_FLIGHT = "in_flight"
    """A request holds the key and is being answered (for at most its lease)."""
    DONE = "done"
    """The answer is stored and replayed until the entry expires."""


@dataclass(frozen=True)
class Answer:
    """An HTTP answer as it was sent: replayed byte for byte."""

    status: int
    content_type: str
    body: bytes = field(repr=False)


@dataclass(frozen=True)
class Entry:
    """A key's row. ``sealed_body`` is the encrypted body of the stored answer (when done)."""

    key: str
    fingerprint: str
    state: EntryState
    owner: str
    """The token of the request that holds (or held) the key."""
    created_at: int
    expires_at: int
    lease_until: int
    status: int | None = None
    content_type: str | None = None
    sealed_body: bytes | None = field(default=None, repr=False)


@dataclass(frozen=True)
class Claim:
    """Proof that this request holds the key: only its owner can store or release it."""

    key: str
    owner: str
