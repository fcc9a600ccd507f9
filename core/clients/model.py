"""Entities of the clients context. Plain data; timestamps are Unix seconds (UTC)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from decimal import Decimal
from enum import Enum, StrEnum
from typing import Any

ACTIVE = 0
INACTIVE = 1


@dataclass(slots=True)
class Client:
    id: int
    account_id: int
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    code: str = ""
    code_valid: bool | None = None
    phone: str | None = None
    company: str | None = None
    note: str | None = None
    facebook: str | None = None
    twitter: str | None = None
    has_credit: int | None = 0
    max_credit: float | None = None
    state: int = ACTIVE
    activity: str | None = None
    city: str | None = None
    district: str | None = None
    """District (Peru) or municipality/comuna (Chile, Mexico): one concept, two names."""
    address: str | None = None
    company_or_person: int = 0
    accumulate_points: int = 0
    points: float = 0.0
    points_updated: int | None = None
    send_dte: int = 0
    is_foreigner: int | None = 0
    prestashop_client_id: int = 0
    payment_type_id: int | None = None
    price_list_id: int | None = None
    sale_condition_id: int | None = None
    created_at: int = 0
    updated_at: int = 0


CLIENT_FIELD_NAMES = tuple(f.name for f in fields(Client))


def client_fields(client: Client) -> dict[str, Any]:
    """Every field of ``client`` by name (entities have slots: no ``vars()``)."""
    return {name: getattr(client, name) for name in CLIENT_FIELD_NAMES}


# Fields a caller may write on a client, with the Python types they take.
CLIENT_WRITABLE: dict[str, tuple[type, ...]] = {
    "first_name": (str,),
    "last_name": (str,),
    "email": (str,),
    "code": (str,),
    "phone": (str,),
    "company": (str,),
    "note": (str,),
    "facebook": (str,),
    "twitter": (str,),
    "has_credit": (int,),
    "max_credit": (float, int),
    "state": (int,),
    "activity": (str,),
    "city": (str,),
    "district": (str,),
    "address": (str,),
    "company_or_person": (int,),
    "accumulate_points": (int,),
    "send_dte": (int,),
    "is_foreigner": (int,),
    "prestashop_client_id": (int,),
    "payment_type_id": (int,),
    "price_list_id": (int,),
    "sale_condition_id": (int,),
}
FLAG_FIELDS = frozenset(
    {"has_credit", "state", "company_or_person", "accumulate_points", "send_dte", "is_foreigner"}
)


@dataclass(frozen=True)
class AttributeInput:
    dynamic_attribute_id: int
    value: str


@dataclass
class ClientChanges:
    """A create or a partial update: only the keys present in ``values`` are written."""

    values: dict[str, object] = field(default_factory=dict)
    attributes: list[AttributeInput] | None = None


@dataclass(slots=True)
class Contact:
    id: int
    account_id: int
    client_id: int
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    email: str | None = None


@dataclass(slots=True)
class Address:
    id: int
    account_id: int
    client_id: int
    address_name: str | None = None
    address: str | None = None
    city: str | None = None
    district: str | None = None
    state: int = ACTIVE


@dataclass(slots=True)
class DynamicAttribute:
    id: int
    account_id: int
    name: str
    state: int = ACTIVE


@dataclass(slots=True)
class AttributeValue:
    client_id: int
    attribute: DynamicAttribute
    value: str


@dataclass(slots=True)
class CatalogItem:
    """Payment types, price lists and sale conditions share this shape."""

    id: int
    account_id: int
    name: str
    state: int = ACTIVE


class CatalogKind(StrEnum):
    PAYMENT_TYPE = "payment_type"
    PRICE_LIST = "price_list"
    SALE_CONDITION = "sale_condition"


class PointsOperation(int, Enum):
    ADD = 0
    SUBTRACT = 1


@dataclass
class PointsEntry:
    id: int
    account_id: int
    client_id: int
    operation: PointsOperation
    points: int
    balance: float
    description: str
    order_id: str | None
    created_at: int


@dataclass
class Document:
    """A sale document issued to a client; ``paid_amount`` is the sum of its payments."""

    id: int
    account_id: int
    client_id: int
    name: str
    number: int
    emission_date: int
    expiration_date: int
    total_amount: Decimal
    paid_amount: Decimal = Decimal(0)

    @property
    def amount_owed(self) -> Decimal:
        return amount_owed(self.total_amount, self.paid_amount)


def amount_owed(total_amount: Decimal, paid_amount: Decimal) -> Decimal:
    """What is still owed on a document."""
    return total_amount - paid_amount


def is_overdue(expiration_date: int, comparison_date: int) -> bool:
    """Whether an unpaid document counts as overdue at ``comparison_date`` (expired before)."""
    return expiration_date < comparison_date


def debt(owed: Iterable[Decimal]) -> Decimal:
    """The sum of amounts owed (``Decimal(0)`` for none)."""
    return sum(owed, Decimal(0))


@dataclass
class Payment:
    id: int
    account_id: int
    document_id: int
    amount: Decimal
    paid_at: int


@dataclass
class UnpaidSummary:
    client: Client
    comparison_date: int
    overdue: list[Document]
    upcoming: list[Document]

    @property
    def overdue_debt(self) -> Decimal:
        return debt(d.amount_owed for d in self.overdue)

    @property
    def upcoming_debt(self) -> Decimal:
        return debt(d.amount_owed for d in self.upcoming)

    @property
    def total_debt(self) -> Decimal:
        return self.overdue_debt + self.upcoming_debt


class ClientSortField(StrEnum):
    ID = "id"
    CREATED_AT = "created_at"
    UPDATED_AT = "updated_at"
    CODE = "code"
    RELEVANCE = "relevance"
    """Best search matches first (``core/shared/search.py``); all tie without a search."""


@dataclass(frozen=True)
class ClientFilter:
    """Filters shared by both faces. Text filters are case- and accent-insensitive substring
    matches, except ``code``, which matches the normalised tax id exactly."""

    code: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    payment_type_id: int | None = None
    sale_condition_id: int | None = None
    state: int | None = None
    ids: tuple[int, ...] | None = None
    search: str | None = None
    """Words a person typed (``core/shared/search.py``): names, company, e-mail, phone, tax id."""


@dataclass(frozen=True)
class AddressFilter:
    address: str | None = None
    city: str | None = None
    district: str | None = None
    state: int | None = None


@dataclass(frozen=True)
class ClientRelated:
    """Children of a page of clients, loaded in bulk: one query per relation."""

    contacts: dict[int, list[Contact]] = field(default_factory=dict)
    addresses: dict[int, list[Address]] = field(default_factory=dict)
    attributes: dict[int, list[AttributeValue]] = field(default_factory=dict)
    payment_types: dict[int, CatalogItem] = field(default_factory=dict)
    price_lists: dict[int, CatalogItem] = field(default_factory=dict)
    sale_conditions: dict[int, CatalogItem] = field(default_factory=dict)


@dataclass(frozen=True)
class Projection:
    """What a projected read needs (GraphQL's planner asks for exactly what a query selects):
    client columns (``id`` first), the catalogs joined to each row with their columns (``id``
    first), and the child relations with their columns: ``contacts``, ``addresses``,
    ``attributes``, ``documents``, ``unpaid`` (the unpaid documents, ``UNPAID_COLUMNS``
    first) and ``points`` (the latest movements, as many as the read's ``limits`` say).

    Rows come back as tuples: the client columns in order, then each catalog's columns; a
    child row is ``(client id, *columns)``."""

    columns: tuple[str, ...]
    catalogs: tuple[tuple[CatalogKind, tuple[str, ...]], ...] = ()
    children: tuple[tuple[str, tuple[str, ...]], ...] = ()


# The columns an ``unpaid`` projection starts with: what splits and sums a summary.
UNPAID_COLUMNS = ("expiration_date", "total_amount", "paid_amount")
# A projected summary's row: (client id, comparison date, overdue, upcoming, total debt).
SUMMARY_DATE, SUMMARY_OVERDUE, SUMMARY_UPCOMING, SUMMARY_TOTAL = 1, 2, 3, 4


@dataclass(frozen=True)
class ProjectedSummary:
    """``UnpaidSummary`` of one client from projected rows: its row (``SUMMARY_*``) and
    its overdue and upcoming rows of the ``unpaid`` relation."""

    row: tuple[Any, ...]
    overdue: list[tuple[Any, ...]]
    upcoming: list[tuple[Any, ...]]


@dataclass(frozen=True)
class ProjectedRows:
    """Rows of a projected read, in the list's order, with their children by relation."""

    rows: list[tuple[Any, ...]]
    children: dict[str, list[tuple[Any, ...]]]
    has_next: bool = False
    has_previous: bool = False


RELATIONS = frozenset(
    {"contacts", "addresses", "attributes", "payment_type", "price_list", "sale_condition"}
)
# Catalog relations are joined into the page query itself instead of a query of their own.
CATALOG_RELATIONS = {
    "payment_type": CatalogKind.PAYMENT_TYPE,
    "price_list": CatalogKind.PRICE_LIST,
    "sale_condition": CatalogKind.SALE_CONDITION,
}
CatalogsById = dict[CatalogKind, dict[int, CatalogItem]]


# -- duplicates and merges ----------------------------------------------------------------------


class DuplicateReason(StrEnum):
    """Why two clients look like the same customer."""

    TAX_ID = "tax_id"
    EMAIL = "email"
    PHONE = "phone"
    NAME_AND_CITY = "name_and_city"


@dataclass(frozen=True)
class DuplicateKeys:
    """A client's normalised keys (``core.clients.duplicates.keys_of``); None: nothing to
    compare on."""

    tax_id: str | None = None
    email: str | None = None
    phone: str | None = None
    name_and_city: tuple[str, str] | None = None

    def of(self, reason: DuplicateReason) -> object:
        return getattr(self, reason.value)


@dataclass(frozen=True)
class DuplicateCandidate:
    """Another client sharing at least one key with the one asked about."""

    client: Client
    reasons: tuple[DuplicateReason, ...]


@dataclass(frozen=True)
class DuplicateGroup:
    """Clients of an account sharing one key: ``size`` of them, the first few in ``clients``."""

    reason: DuplicateReason
    key: str
    size: int
    clients: list[Client]


# Fields a merge may take from any of the clients merged (the rest are the survivor's).
MERGE_FIELDS: tuple[str, ...] = tuple(CLIENT_WRITABLE)


@dataclass(frozen=True)
class MergeCounts:
    """What a merge moves (or would move) from the merged clients to the survivor."""

    contacts: int = 0
    addresses: int = 0
    attribute_values: int = 0
    documents: int = 0
    points_entries: int = 0


@dataclass(frozen=True)
class FieldConflict:
    """A field the clients hold different non-empty values of: each client's value (the
    survivor's first, then the merged clients' in the order given) and whose is kept."""

    field: str
    values: tuple[tuple[int, object], ...]
    chosen_client_id: int


@dataclass(frozen=True)
class MergePlan:
    """A merge worked out without writing: the survivor as it will be, the field each value
    comes from, the conflicts, and what moves."""

    result: Client
    merged: list[Client]
    field_sources: dict[str, int]
    conflicts: list[FieldConflict]
    counts: MergeCounts


@dataclass(frozen=True)
class MergeRecord:
    """One client merged into another, as recorded: who merged it, when, and the client each
    field the survivor took from a merged client came from."""

    id: int
    account_id: int
    survivor_id: int
    merged_id: int
    principal_kind: str
    principal_id: int
    merged_at: int
    field_choices: dict[str, int]
