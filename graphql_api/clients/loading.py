"""Loading: from a GraphQL selection set to fully built objects.

Why: per-object async resolvers with DataLoaders cost one coroutine and one future per
field per row, which dominates the time of a list query. Instead the connection resolver
reads the selection set once, asks ``ClientService.page`` for exactly the relations
selected (catalogs joined into the page query, other children one statement each), and
builds plain objects with every child attached, so the whole tree resolves synchronously.

The module is independent of how the result is executed: a faster execution path can call
``requested_relations`` / ``build_client`` without going through Strawberry's resolvers.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from core.clients import model as m
from graphql_api.clients import types as t
from graphql_api.relay import to_global_id
from graphql_api.scalars import Long, RecordState, utc_datetime

# GraphQL field of Client -> relation name understood by ClientService.
RELATION_FIELDS = {
    "contacts": "contacts",
    "addresses": "addresses",
    "attributes": "attributes",
    "paymentType": "payment_type",
    "priceList": "price_list",
    "saleCondition": "sale_condition",
}
CLIENT_TYPES = frozenset({"Client", "Node"})

_STATES = {0: RecordState.ACTIVE, 1: RecordState.INACTIVE}
_KINDS = {0: t.CompanyOrPerson.PERSON, 1: t.CompanyOrPerson.COMPANY}
_OPERATIONS = {
    m.PointsOperation.ADD: t.PointsOperation.ADD,
    m.PointsOperation.SUBTRACT: t.PointsOperation.SUBTRACT,
}


# -- selection sets ----------------------------------------------------------------------------


def _skipped(selection: SelectedField | InlineFragment | FragmentSpread) -> bool:
    directives = selection.directives or {}
    skip = directives.get("skip")
    include = directives.get("include")
    return bool(skip and skip.get("if") is True) or bool(include and include.get("if") is False)


def fields(selections: Iterable[Selection], types: frozenset[str]) -> Iterator[SelectedField]:
    """The fields of a selection set, looking through fragments that apply to ``types``."""
    for selection in selections:
        if _skipped(selection):
            continue
        if isinstance(selection, SelectedField):
            yield selection
        elif selection.type_condition is None or selection.type_condition in types:
            yield from fields(selection.selections, types)


def client_relations(selections: Iterable[Selection]) -> set[str]:
    """Relations selected on a Client (directly or through fragments)."""
    return {
        RELATION_FIELDS[f.name]
        for f in fields(selections, CLIENT_TYPES)
        if f.name in RELATION_FIELDS
    }


def connection_relations(connection: SelectedField) -> set[str]:
    """Relations selected under ``edges { node { ... } }`` and ``nodes { ... }``."""
    found: set[str] = set()
    for f in fields(connection.selections, frozenset({"ClientConnection"})):
        if f.name == "edges":
            for edge_field in fields(f.selections, frozenset({"ClientEdge"})):
                if edge_field.name == "node":
                    found |= client_relations(edge_field.selections)
        elif f.name == "nodes":
            found |= client_relations(f.selections)
    return found


def selects(connection: SelectedField, name: str) -> bool:
    return any(
        f.name == name for f in fields(connection.selections, frozenset({"ClientConnection"}))
    )


# -- entities -> GraphQL objects ------------------------------------------------------------------


def payment_type(item: m.CatalogItem) -> t.PaymentType:
    return t.PaymentType(
        id=to_global_id("PaymentType", item.id),
        database_id=item.id,
        name=item.name,
        state=_STATES[item.state],
    )


def price_list(item: m.CatalogItem) -> t.PriceList:
    return t.PriceList(
        id=to_global_id("PriceList", item.id),
        database_id=item.id,
        name=item.name,
        state=_STATES[item.state],
    )


def sale_condition(item: m.CatalogItem) -> t.SaleCondition:
    return t.SaleCondition(
        id=to_global_id("SaleCondition", item.id),
        database_id=item.id,
        name=item.name,
        state=_STATES[item.state],
    )


def dynamic_attribute(item: m.DynamicAttribute) -> t.DynamicAttribute:
    return t.DynamicAttribute(
        id=to_global_id("DynamicAttribute", item.id),
        database_id=item.id,
        name=item.name,
        state=_STATES[item.state],
    )


def contact(c: m.Contact) -> t.Contact:
    return t.Contact(
        id=to_global_id("Contact", c.id),
        database_id=c.id,
        first_name=c.first_name,
        last_name=c.last_name,
        phone=c.phone,
        email=c.email,
    )


def address(a: m.Address) -> t.Address:
    return t.Address(
        id=to_global_id("Address", a.id),
        database_id=a.id,
        address_name=a.address_name,
        address=a.address,
        city=a.city,
        district=a.district,
        municipality=a.district,
        state=_STATES[a.state],
    )


def attribute(v: m.AttributeValue) -> t.ClientAttribute:
    return t.ClientAttribute(
        definition_id=to_global_id("DynamicAttribute", v.attribute.id),
        name=v.attribute.name,
        value=v.value,
    )


def points_entry(e: m.PointsEntry) -> t.PointsEntry:
    return t.PointsEntry(
        id=to_global_id("PointsEntry", e.id),
        operation=_OPERATIONS[e.operation],
        points=e.points,
        balance=e.balance,
        description=e.description,
        order_id=e.order_id,
        created_at=utc_datetime(e.created_at),
    )


def document(d: m.Document) -> t.Document:
    return t.Document(
        id=to_global_id("Document", d.id),
        database_id=d.id,
        client_id=to_global_id("Client", d.client_id),
        name=d.name,
        number=Long(d.number),
        emission_date=utc_datetime(d.emission_date),
        expiration_date=utc_datetime(d.expiration_date),
        total_amount=d.total_amount,
        paid_amount=d.paid_amount,
        amount_owed=d.amount_owed,
    )


def payment(p: m.Payment) -> t.Payment:
    return t.Payment(
        id=to_global_id("Payment", p.id),
        database_id=p.id,
        document_id=to_global_id("Document", p.document_id),
        amount=p.amount,
        paid_at=utc_datetime(p.paid_at),
    )


def unpaid_summary(s: m.UnpaidSummary) -> t.UnpaidSummary:
    return t.UnpaidSummary(
        comparison_date=utc_datetime(s.comparison_date),
        overdue_debt=s.overdue_debt,
        upcoming_debt=s.upcoming_debt,
        total_debt=s.total_debt,
        overdue_documents=[document(d) for d in s.overdue],
        upcoming_documents=[document(d) for d in s.upcoming],
    )


class _Catalogs:
    """Builds each catalog object once per page: many clients share one payment type."""

    def __init__(self, related: m.ClientRelated) -> None:
        self.related = related
        self.payment_types: dict[int, t.PaymentType] = {}
        self.price_lists: dict[int, t.PriceList] = {}
        self.sale_conditions: dict[int, t.SaleCondition] = {}

    def payment_type(self, item_id: int | None) -> t.PaymentType | None:
        if item_id is None:
            return None
        found = self.payment_types.get(item_id)
        if found is None and (item := self.related.payment_types.get(item_id)) is not None:
            found = self.payment_types[item_id] = payment_type(item)
        return found

    def price_list(self, item_id: int | None) -> t.PriceList | None:
        if item_id is None:
            return None
        found = self.price_lists.get(item_id)
        if found is None and (item := self.related.price_lists.get(item_id)) is not None:
            found = self.price_lists[item_id] = price_list(item)
        return found

    def sale_condition(self, item_id: int | None) -> t.SaleCondition | None:
        if item_id is None:
            return None
        found = self.sale_conditions.get(item_id)
        if found is None and (item := self.related.sale_conditions.get(item_id)) is not None:
            found = self.sale_conditions[item_id] = sale_condition(item)
        return found


def _flag(value: int | None) -> bool | None:
    return None if value is None else value == 1


def build_client(
    c: m.Client, related: m.ClientRelated, catalogs: _Catalogs | None = None
) -> t.Client:
    """A Client with the children present in ``related`` attached (empty when not loaded)."""
    catalogs = catalogs or _Catalogs(related)
    return t.Client(
        id=to_global_id("Client", c.id),
        database_id=c.id,
        first_name=c.first_name,
        last_name=c.last_name,
        email=c.email,
        code=c.code,
        code_valid=c.code_valid,
        phone=c.phone,
        company=c.company,
        note=c.note,
        facebook=c.facebook,
        twitter=c.twitter,
        has_credit=_flag(c.has_credit),
        max_credit=c.max_credit,
        state=_STATES[c.state],
        activity=c.activity,
        city=c.city,
        district=c.district,
        municipality=c.district,
        address=c.address,
        company_or_person=_KINDS[c.company_or_person],
        accumulate_points=c.accumulate_points == 1,
        points=c.points,
        points_updated=utc_datetime(c.points_updated) if c.points_updated else None,
        send_dte=c.send_dte == 1,
        is_foreigner=_flag(c.is_foreigner),
        prestashop_client_id=c.prestashop_client_id,
        created_at=utc_datetime(c.created_at),
        updated_at=utc_datetime(c.updated_at),
        payment_type=catalogs.payment_type(c.payment_type_id),
        price_list=catalogs.price_list(c.price_list_id),
        sale_condition=catalogs.sale_condition(c.sale_condition_id),
        contacts=[contact(x) for x in related.contacts.get(c.id, ())],
        addresses=[address(x) for x in related.addresses.get(c.id, ())],
        attributes=[attribute(x) for x in related.attributes.get(c.id, ())],
    )


def build_clients(items: Sequence[m.Client], related: m.ClientRelated) -> list[t.Client]:
    catalogs = _Catalogs(related)
    return [build_client(c, related, catalogs) for c in items]
