"""Refusals of a request with an ``Idempotency-Key`` (each face answers them in its dialect)."""

from __future__ import annotations

from core.shared.errors import Conflict, DomainError


class InvalidIdempotencyKey(DomainError):
    code = "INVALID_IDEMPOTENCY_KEY"

    def __init__(self, max_length: int) -> None:
        super().__init__(f"Idempotency-Key must be 1 to {max_length} printable ASCII characters.")


class KeyReused(DomainError):
    """The key was used with another request (method, path, query or body differ)."""

    code = "IDEMPOTENCY_KEY_REUSED"

    def __init__(self) -> None:
        super().__init__(
            "This Idempotency-Key was already used with a different request; "
            "use a new key for a new request."
        )


class RequestInFlight(Conflict):
    """Another request with the same key is still being answered."""

    code = "IDEMPOTENCY_KEY_IN_FLIGHT"

    def __init__(self) -> None:
        super().__init__(
            "A request with this Idempotency-Key is still being processed; retry later."
        )
