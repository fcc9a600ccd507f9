"""Domain errors of the resellers context (no HTTP codes: each face maps them)."""

from __future__ import annotations

from core.resellers.model import ItemError
from core.shared.errors import DomainError, PermissionDenied

RESELLERS_ONLY = "only reseller accounts may use the reseller API"


class NotAReseller(PermissionDenied):
    """The caller's account is not a reseller (an onboarded account is not one either). One
    message for every face: the REST 403 and the GraphQL ``FORBIDDEN`` both come from here."""

    def __init__(self) -> None:
        super().__init__(RESELLERS_ONLY)


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

    code = "REQUIRED"


class BatchTooLarge(DomainError):
    """More items than the service's ``max_batch``."""

    code = "OUT_OF_RANGE"


class RucTaken(Exception):
    """Raised by the repository when a RUC was onboarded concurrently (the service retries)."""
