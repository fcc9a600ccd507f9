"""Domain entities -> GraphQL objects of the clients context (all but ``Client``, which
``build.py`` assembles with its children)."""

from __future__ import annotations

from core.clients import model as m
from graphql_api.clients import types as t
from graphql_api.relay import to_global_id
from graphql_api.scalars import Long, RecordState, utc_datetime

STATES = {0: RecordState.ACTIVE, 1: RecordState.INACTIVE}
_OPERATIONS = {
    m.PointsOperation.ADD: t.PointsOperation.ADD,
    m.PointsOperation.SUBTRACT: t.PointsOperation.SUBTRACT,
}


def payment_type(item: m.CatalogItem) -> t.PaymentType:
    return t.PaymentType(
        id=to_global_id("PaymentType", item.id),
        database_id=item.id,
        name=item.name,
        state=STATES[item.state],
    )


def price_list(item: m.CatalogItem) -> t.PriceList:
    return t.PriceList(
        id=to_global_id("PriceList", item.id),
        database_id=item.id,
        name=item.name,
        state=STATES[item.state],
    )


def sale_condition(item: m.CatalogItem) -> t.SaleCondition:
    return t.SaleCondition(
        id=to_global_id("SaleCondition", item.id),
        database_id=item.id,
        name=item.name,
        state=STATES[item.state],
    )


def dynamic_attribute(item: m.DynamicAttribute) -> t.DynamicAttribute:
    return t.DynamicAttribute(
        id=to_global_id("DynamicAttribute", item.id),
        database_id=item.id,
        name=item.name,
        state=STATES[item.state],
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
        state=STATES[a.state],
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
