"""Domain exceptions. They carry no HTTP status: each face maps them to its own dialect."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldError:
    """One problem with one input field. ``field`` uses the domain's snake_case names."""

    field: str
    message: str
    code: str = "INVALID"


class DomainError(Exception):
    """Base of every expected failure. ``code`` is stable and machine readable."""

    code = "ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The entity does not exist for this tenant (another tenant's rows look the same)."""

    code = "NOT_FOUND"

    def __init__(self, entity: str, ident: object) -> None:
        super().__init__(f"{entity} {ident} not found")
        self.entity = entity
        self.ident = ident


class InvalidInput(DomainError):
    """One or more fields are invalid; nothing was written."""

    code = "INVALID_INPUT"

    def __init__(self, errors: list[FieldError]) -> None:
        if not errors:
            raise ValueError("InvalidInput needs at least one FieldError")
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors

    @classmethod
    def single(cls, field: str, message: str, code: str = "INVALID") -> InvalidInput:
        return cls([FieldError(field, message, code)])


class Conflict(DomainError):
    """The write would break a uniqueness or state rule."""

    code = "CONFLICT"


class PermissionDenied(DomainError):
    """The caller is known but may not do this (e.g. a non-reseller on a reseller path)."""

    code = "FORBIDDEN"


class AuthenticationFailed(DomainError):
    """Missing, unknown, expired or revoked credentials."""

    code = "UNAUTHENTICATED"


class ServiceUnavailable(Exception):
    """The storage could not serve in time (no free connection, a lock or a statement timed
    out). Not the caller's fault and nothing was written: every face answers 503 with
    ``Retry-After``."""

    def __init__(self, reason: str, retry_after: int = 1) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
