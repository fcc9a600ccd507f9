"""Payload types of the clients mutations: the result (null when refused) and ``userErrors``."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from graphql_api.clients import loaders
from graphql_api.clients import types as t
from graphql_api.clients.client import Client, DuplicateCandidate
from graphql_api.context import Context
from graphql_api.errors import UserError

_ERRORS = "Why the input was refused; empty on success. Nothing is written when not empty."


@strawberry.type
class ClientPayload:
    client: Client | None
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)
    checked_id: strawberry.Private[int | None] = None
    """The client written by createClient/updateClient, whose duplicates are looked up."""

    @strawberry.field(
        description="createClient and updateClient: other clients that may be the same "
        "customer (a warning; the write was done). Empty for other mutations and when refused."
    )
    async def possible_duplicates(self, info: Info[Context, None]) -> list[DuplicateCandidate]:
        if self.checked_id is None:
            return []
        found = await loaders.possible_duplicates(info, self.checked_id)
        return [DuplicateCandidate.of(c) for c in found]


@strawberry.type
class ContactPayload:
    contact: t.Contact | None
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type
class DeleteContactPayload:
    deleted_contact_id: strawberry.ID | None
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type
class AddressPayload:
    address: t.Address | None
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type
class DynamicAttributePayload:
    dynamic_attribute: t.DynamicAttribute | None
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type
class PaymentTypePayload:
    payment_type: t.PaymentType | None
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type
class PriceListPayload:
    price_list: t.PriceList | None
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type
class SaleConditionPayload:
    sale_condition: t.SaleCondition | None
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type
class ChangePointsPayload:
    entry: t.PointsEntry | None
    client: Client | None = strawberry.field(description="The client with its new balance.")
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type
class DocumentPayload:
    document: t.Document | None
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


@strawberry.type
class RecordPaymentPayload:
    payment: t.Payment | None
    document: t.Document | None = strawberry.field(description="The document after payment.")
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)
