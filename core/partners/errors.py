"""Expected failures of the partners context (no HTTP codes: each face maps them)."""

from __future__ import annotations

from core.shared.errors import Conflict, DomainError, NotFound


class FieldRefused(DomainError):
    """A field of an input breaks a rule of ``rules.py``. ``field`` is the name the checker was
    given (the core's path, e.g. ``locations[0].country_id``, or the face's own name when a
    face runs the rule); ``reason`` the rule's words. Each face words the whole."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field} {reason}")
        self.field = field
        self.reason = reason


class MissingField(FieldRefused):
    """A required field is not given (or blank)."""

    code = "REQUIRED"

    def __init__(self, field: str) -> None:
        super().__init__(field, "is required")


class BadField(FieldRefused):
    """A field is given but refused (too long, too many items). Its code stays
    ``WRONG_TYPE``, the one these errors have always had in GraphQL's ``userErrors``."""

    code = "WRONG_TYPE"


class InvalidFormat(DomainError):
    """The input as a whole is refused (no partners, too many, nothing to update)."""

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
