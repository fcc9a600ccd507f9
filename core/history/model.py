"""Change events: who changed what, through which face, when, and where it sits in the
account's change feed. Plain data; timestamps are Unix seconds (UTC).

A change is recorded by the use case that makes it, inside the same unit of work, so it is
committed (or rolled back) with the write itself. Positions in the feed are given at commit,
in commit order per account (see ``core/storage/repositories/history.py`` and docs/history.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from core.accounts.model import FaceName, Principal, PrincipalKind

JsonValue = str | int | float | bool | None
"""A field's old or new value as stored: JSON scalars (decimals and dates as strings)."""


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    MERGE = "merge"


class EntityType(StrEnum):
    """What changed. The first group are also *subjects*: the records a history hangs on and
    the ``types`` a change-feed reader filters on."""

    CLIENT = "client"
    BUSINESS_PARTNER = "business_partner"
    ONBOARDED_ACCOUNT = "onboarded_account"
    COMPANY = "company"
    LOCATION = "location"
    API_TOKEN = "api_token"  # noqa: S105 - an entity type, not a secret
    # Parts of a client.
    CLIENT_CONTACT = "client_contact"
    CLIENT_ADDRESS = "client_address"
    CLIENT_ATTRIBUTES = "client_attributes"
    POINTS = "points"
    DOCUMENT = "document"
    PAYMENT = "payment"
    # Parts of a business partner.
    PARTNER_CONTACT = "partner_contact"
    # Parts of an onboarded account.
    E_INVOICING = "e_invoicing"
    CREDENTIALS = "credentials"


SUBJECT_TYPES = frozenset(
    {
        EntityType.CLIENT,
        EntityType.BUSINESS_PARTNER,
        EntityType.ONBOARDED_ACCOUNT,
        EntityType.COMPANY,
        EntityType.LOCATION,
        EntityType.API_TOKEN,
    }
)


@dataclass(frozen=True)
class FieldChange:
    """One field's change. A secret's values are never kept: ``secret`` is set and ``old``
    and ``new`` are None (the field reads as "changed")."""

    field: str
    old: JsonValue = None
    new: JsonValue = None
    secret: bool = False


@dataclass(frozen=True)
class Actor:
    """Who made a change: the kind of principal, its credential and user ids and a label
    (a token's label, a user's name). Never a secret."""

    kind: PrincipalKind
    credential_id: int | None = None
    user_id: int | None = None
    label: str = ""


@dataclass(frozen=True)
class Author:
    """Everything about a change's origin the recorder keeps: actor, face and request id."""

    actor: Actor
    face: FaceName | None = None
    request_id: str | None = None

    @classmethod
    def of(cls, caller: Principal) -> Author:
        actor = Actor(
            kind=caller.kind,
            credential_id=caller.credential_id or None,
            user_id=caller.user_id,
            label=caller.label,
        )
        return cls(actor, caller.origin.face, caller.origin.request_id)


OPERATOR = Author(Actor(PrincipalKind.OPERATOR, label="clientgate CLI"), FaceName.CLI)
"""The author of the operator's changes (the CLI on the server: no credential)."""


@dataclass(frozen=True)
class Change:
    """What a use case records: the entity changed, the subject it belongs to (a client for
    its contact; itself for a client), the action and the fields."""

    entity_type: EntityType
    entity_id: int
    action: Action
    fields: tuple[FieldChange, ...] = ()
    subject_type: EntityType | None = None
    subject_id: int | None = None

    @property
    def subject(self) -> tuple[EntityType, int]:
        if self.subject_type is None or self.subject_id is None:
            return self.entity_type, self.entity_id
        return self.subject_type, self.subject_id


@dataclass(frozen=True)
class PendingChange:
    """A recorded change waiting for its unit of work to commit."""

    account_id: int
    author: Author
    change: Change
    at: int


@dataclass(frozen=True)
class ChangeEvent:
    """A committed change. ``position`` orders an account's changes in commit order (the
    change feed's cursor); ``id`` is unique across accounts."""

    id: int
    position: int
    account_id: int
    entity_type: EntityType
    entity_id: int
    subject_type: EntityType
    subject_id: int
    action: Action
    actor: Actor
    face: FaceName | None
    request_id: str | None
    at: int
    fields: tuple[FieldChange, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class AuditFilter:
    """``auditEvents`` filters; None means any."""

    entity_types: frozenset[EntityType] | None = None
    actor_kind: PrincipalKind | None = None
    actor_credential_id: int | None = None
    face: FaceName | None = None
    since: int | None = None
    """Inclusive lower bound on ``at``."""
    until: int | None = None
    """Exclusive upper bound on ``at``."""
