"""Expected failures of the partners context (no HTTP codes: each face maps them)."""

from __future__ import annotations

from core.shared.errors import Conflict, DomainError, NotFound


class MissingParameter(DomainError):
    """A required parameter is absent from the input's structure."""

    code = "REQUIRED"

    def __init__(self, parameter: str) -> None:
        super().__init__(f"Parameter {parameter} is required")
        self.parameter = parameter


class BadParameter(DomainError):
    """A parameter is present but of the wrong type or shape."""

    code = "WRONG_TYPE"

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(f"Parameter {parameter} {message}")
        self.parameter = parameter


class InvalidFormat(DomainError):
    """The body is not of the documented top-level shape."""

    code = "INVALID"


class PartnerNotFound(NotFound):
    def __init__(self, ident: object) -> None:
        super().__init__("Business Partner", ident)


class EntityNotFound(NotFound):
    """A referenced row (company, message, status ...) that this tenant does not have."""


class UnknownReference(DomainError):
    """An item names a role, status, company, country, location ... that does not exist."""

    code = "NOT_FOUND"


class RuleViolation(DomainError):
    """A business rule refuses the write (e.g. assigning a client to a non-agent)."""

    code = "INVALID"


class DuplicateEntry(Conflict):
    pass


class DeletionBlocked(Conflict):
    """Invoices, delivery notes or orders still reference the partner."""


class ItemFailed(DomainError):
    """One item of a queued message failed: the whole message fails, nothing applied."""

    code = "INVALID"

    def __init__(self, index: int, id_remote: str | None, reason: str) -> None:
        super().__init__(f"item {index} (idRemote {id_remote!r}): {reason}")
        self.index = index
        self.id_remote = id_remote
        self.reason = reason
