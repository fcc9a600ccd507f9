"""Domain errors of the resellers context (no HTTP codes: each face maps them)."""

from __future__ import annotations

from core.resellers.model import ItemError
from core.shared.errors import DomainError


class BatchInvalid(DomainError):
    """One or more items of a batch are invalid; nothing was applied."""

    code = "INVALID_BATCH"

    def __init__(self, errors: list[ItemError], message: str | None = None) -> None:
        super().__init__(
            message or f"{len({e.index for e in errors})} item(s) of the batch are invalid"
        )
        self.errors = errors


class EmptyBatch(DomainError):
    """A batch without items."""

    code = "EMPTY_BATCH"


class BatchTooLarge(DomainError):
    """More items than ``MAX_BATCH``."""

    code = "BATCH_TOO_LARGE"


class RucTaken(Exception):
    """Raised by the repository when a RUC was onboarded concurrently (the service retries)."""
