"""Root mutation fields of the clients context.

Every mutation is ``name(input: NameInput!): NamePayload``. Expected failures (invalid
input, unknown or another tenant's ids, malformed global ids) come back as ``userErrors``
with nothing written; only a missing or bad credential is a top-level error. Each body runs
through ``graphql_api.errors.attempt``.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import strawberry
from strawberry.types import Info

from core.clients import model as m
from core.shared.errors import FieldError, InvalidInput
from graphql_api.clients import build, convert, selection
from graphql_api.clients.client import Client
from graphql_api.clients.inputs import (
    AddAddressInput,
    AddContactInput,
    ChangePointsInput,
    CreateCatalogItemInput,
    CreateClientInput,
    CreateDocumentInput,
    CreateDynamicAttributeInput,
    DeactivateAddressInput,
    DeactivateClientInput,
    DeleteContactInput,
    Ids,
    RecordPaymentInput,
    SetClientAttributesInput,
    UpdateAddressInput,
    UpdateClientInput,
    UpdateContactInput,
    attribute_inputs,
    client_changes,
    district,
    given,
    unix,
)
from graphql_api.clients.payloads import (
    AddressPayload,
    ChangePointsPayload,
    ClientPayload,
    ContactPayload,
    DeleteContactPayload,
    DocumentPayload,
    DynamicAttributePayload,
    PaymentTypePayload,
    PriceListPayload,
    RecordPaymentPayload,
    SaleConditionPayload,
)
from graphql_api.context import Context
from graphql_api.errors import UserError, attempt
from graphql_api.relay import local_id

GqlInfo = Info[Context, None]
T = TypeVar("T")


def _sub_selections(info: GqlInfo, name: str) -> list[Any] | None:
    """Selections under the payload's ``name`` field; None when it is not selected."""
    found: list[Any] | None = None
    for f in selection.fields(info.selected_fields[0].selections, frozenset()):
        if f.name == name:
            found = [*(found or []), *f.selections]
    return found


async def _client_for(info: GqlInfo, entity: m.Client, name: str = "client") -> Client | None:
    selections = _sub_selections(info, name)
    if selections is None:
        return None
    return await build.build_one(info, entity, selections)


def _input_field(core_field: str) -> str:
    # The service names attribute values ``dynamic_attributes[i]``; inputs call them
    # ``attributes``.
    return re.sub(r"^dynamic_attributes", "attributes", core_field)


async def _attempt(action: Callable[[], Awaitable[T]]) -> tuple[T | None, list[UserError]]:
    return await attempt(action, rename=_input_field)


# -- mutations ------------------------------------------------------------------------------------


@strawberry.type
class ClientMutation:
    @strawberry.mutation(description="Create a client.")
    async def create_client(self, info: GqlInfo, input: CreateClientInput) -> ClientPayload:
        caller = await info.context.principal()
        svc = info.context.services.clients

        async def run() -> m.Client:
            return await svc.create(caller, client_changes(input))

        entity, errors = await _attempt(run)
        client = await _client_for(info, entity) if entity else None
        return ClientPayload(
            client=client, user_errors=errors, checked_id=entity.id if entity else None
        )

    @strawberry.mutation(description="Change a client; only the fields given are written.")
    async def update_client(self, info: GqlInfo, input: UpdateClientInput) -> ClientPayload:
        caller = await info.context.principal()
        svc = info.context.services.clients

        async def run() -> m.Client:
            # Report a bad id together with the field errors, not one after the other.
            ids = Ids()
            client_id = ids.local(input.id, "Client", "id")
            try:
                changes = client_changes(input)
            except InvalidInput as exc:
                ids.errors.extend(exc.errors)
            ids.check()
            return await svc.update(caller, client_id, changes)

        entity, errors = await _attempt(run)
        client = await _client_for(info, entity) if entity else None
        return ClientPayload(
            client=client, user_errors=errors, checked_id=entity.id if entity else None
        )

    @strawberry.mutation(description="Deactivate a client (state INACTIVE); documents stay.")
    async def deactivate_client(
        self,
        info: GqlInfo,
        input: DeactivateClientInput,
    ) -> ClientPayload:
        caller = await info.context.principal()
        svc = info.context.services.clients

        async def run() -> m.Client:
            return await svc.deactivate(caller, local_id(input.id, "Client"))

        entity, errors = await _attempt(run)
        client = await _client_for(info, entity) if entity else None
        return ClientPayload(client=client, user_errors=errors)

    @strawberry.mutation(description="Add a contact person to a client.")
    async def add_contact(self, info: GqlInfo, input: AddContactInput) -> ContactPayload:
        caller = await info.context.principal()
        svc = info.context.services.clients

        async def run() -> m.Contact:
            client_id = local_id(input.client_id, "Client", "client_id")
            values = given(input, ("first_name", "last_name", "phone", "email"))
            return await svc.add_contact(caller, client_id, values)

        entity, errors = await _attempt(run)
        return ContactPayload(
            contact=convert.contact(entity) if entity else None, user_errors=errors
        )

    @strawberry.mutation(description="Change a contact; only the fields given are written.")
    async def update_contact(self, info: GqlInfo, input: UpdateContactInput) -> ContactPayload:
        caller = await info.context.principal()
        svc = info.context.services.clients

        async def run() -> m.Contact:
            ids = Ids()
            client_id = ids.local(input.client_id, "Client", "client_id")
            contact_id = ids.local(input.id, "Contact", "id")
            ids.check()
            values = given(input, ("first_name", "last_name", "phone", "email"))
            return await svc.update_contact(caller, client_id, contact_id, values)

        entity, errors = await _attempt(run)
        return ContactPayload(
            contact=convert.contact(entity) if entity else None, user_errors=errors
        )

    @strawberry.mutation(description="Remove a contact from a client.")
    async def delete_contact(
        self,
        info: GqlInfo,
        input: DeleteContactInput,
    ) -> DeleteContactPayload:
        caller = await info.context.principal()
        svc = info.context.services.clients

        async def run() -> strawberry.ID:
            ids = Ids()
            client_id = ids.local(input.client_id, "Client", "client_id")
            contact_id = ids.local(input.id, "Contact", "id")
            ids.check()
            await svc.delete_contact(caller, client_id, contact_id)
            return input.id

        deleted, errors = await _attempt(run)
        return DeleteContactPayload(deleted_contact_id=deleted, user_errors=errors)

    @strawberry.mutation(description="Add an address to a client.")
    async def add_address(self, info: GqlInfo, input: AddAddressInput) -> AddressPayload:
        caller = await info.context.principal()
        svc = info.context.services.clients

        async def run() -> m.Address:
            ids = Ids()
            client_id = ids.local(input.client_id, "Client", "client_id")
            values = given(input, ("address", "address_name", "city", "district", "municipality"))
            district(values, ids)
            ids.check()
            return await svc.add_address(caller, client_id, values)

        entity, errors = await _attempt(run)
        return AddressPayload(
            address=convert.address(entity) if entity else None, user_errors=errors
        )

    @strawberry.mutation(description="Change an address; only the fields given are written.")
    async def update_address(self, info: GqlInfo, input: UpdateAddressInput) -> AddressPayload:
        caller = await info.context.principal()
        svc = info.context.services.clients

        async def run() -> m.Address:
            ids = Ids()
            client_id = ids.local(input.client_id, "Client", "client_id")
            address_id = ids.local(input.id, "Address", "id")
            values = given(
                input, ("address", "address_name", "city", "district", "municipality", "state")
            )
            if "state" in values:
                if values["state"] is None:
                    ids.errors.append(FieldError("state", "must not be null", "REQUIRED"))
                else:
                    values["state"] = values["state"].value
            district(values, ids)
            ids.check()
            return await svc.update_address(caller, client_id, address_id, values)

        entity, errors = await _attempt(run)
        return AddressPayload(
            address=convert.address(entity) if entity else None, user_errors=errors
        )

    @strawberry.mutation(description="Deactivate an address (state INACTIVE).")
    async def deactivate_address(
        self,
        info: GqlInfo,
        input: DeactivateAddressInput,
    ) -> AddressPayload:
        caller = await info.context.principal()
        svc = info.context.services.clients

        async def run() -> m.Address:
            ids = Ids()
            client_id = ids.local(input.client_id, "Client", "client_id")
            address_id = ids.local(input.id, "Address", "id")
            ids.check()
            return await svc.deactivate_address(caller, client_id, address_id)

        entity, errors = await _attempt(run)
        return AddressPayload(
            address=convert.address(entity) if entity else None, user_errors=errors
        )

    @strawberry.mutation(description="Define a new additional client attribute.")
    async def create_dynamic_attribute(
        self,
        info: GqlInfo,
        input: CreateDynamicAttributeInput,
    ) -> DynamicAttributePayload:
        caller = await info.context.principal()
        svc = info.context.services.clients
        entity, errors = await _attempt(lambda: svc.add_attribute_definition(caller, input.name))
        return DynamicAttributePayload(
            dynamic_attribute=convert.dynamic_attribute(entity) if entity else None,
            user_errors=errors,
        )

    @strawberry.mutation(description="Set attribute values of a client (others are kept).")
    async def set_client_attributes(
        self,
        info: GqlInfo,
        input: SetClientAttributesInput,
    ) -> ClientPayload:
        caller = await info.context.principal()
        svc = info.context.services.clients

        async def run() -> m.Client:
            ids = Ids()
            client_id = ids.local(input.client_id, "Client", "client_id")
            attributes = attribute_inputs(input.attributes, ids)
            ids.check()
            return await svc.update(caller, client_id, m.ClientChanges(attributes=attributes))

        entity, errors = await _attempt(run)
        client = await _client_for(info, entity) if entity else None
        return ClientPayload(client=client, user_errors=errors)

    @strawberry.mutation(description="Create a payment type.")
    async def create_payment_type(
        self,
        info: GqlInfo,
        input: CreateCatalogItemInput,
    ) -> PaymentTypePayload:
        caller = await info.context.principal()
        svc = info.context.services.clients
        entity, errors = await _attempt(
            lambda: svc.add_catalog_item(caller, m.CatalogKind.PAYMENT_TYPE, input.name)
        )
        return PaymentTypePayload(
            payment_type=convert.payment_type(entity) if entity else None, user_errors=errors
        )

    @strawberry.mutation(description="Create a price list.")
    async def create_price_list(
        self,
        info: GqlInfo,
        input: CreateCatalogItemInput,
    ) -> PriceListPayload:
        caller = await info.context.principal()
        svc = info.context.services.clients
        entity, errors = await _attempt(
            lambda: svc.add_catalog_item(caller, m.CatalogKind.PRICE_LIST, input.name)
        )
        return PriceListPayload(
            price_list=convert.price_list(entity) if entity else None, user_errors=errors
        )

    @strawberry.mutation(description="Create a sale condition.")
    async def create_sale_condition(
        self,
        info: GqlInfo,
        input: CreateCatalogItemInput,
    ) -> SaleConditionPayload:
        caller = await info.context.principal()
        svc = info.context.services.clients
        entity, errors = await _attempt(
            lambda: svc.add_catalog_item(caller, m.CatalogKind.SALE_CONDITION, input.name)
        )
        return SaleConditionPayload(
            sale_condition=convert.sale_condition(entity) if entity else None, user_errors=errors
        )

    @strawberry.mutation(
        description="Add or subtract loyalty points; the balance never goes below 0."
    )
    async def change_points(self, info: GqlInfo, input: ChangePointsInput) -> ChangePointsPayload:
        caller = await info.context.principal()
        svc = info.context.services.clients

        async def run() -> m.PointsEntry:
            client_id = local_id(input.client_id, "Client", "client_id")
            return await svc.change_points(
                caller,
                client_id,
                m.PointsOperation(input.operation.value),
                input.points,
                input.description,
                input.order_id,
            )

        entry, errors = await _attempt(run)
        client = None
        if entry is not None and (selections := _sub_selections(info, "client")) is not None:
            client = await build.client_by_id(info, entry.client_id, selections)
        return ChangePointsPayload(
            entry=convert.points_entry(entry) if entry else None, client=client, user_errors=errors
        )

    @strawberry.mutation(description="Record a sale document issued to a client.")
    async def create_document(self, info: GqlInfo, input: CreateDocumentInput) -> DocumentPayload:
        caller = await info.context.principal()
        svc = info.context.services.clients

        async def run() -> m.Document:
            client_id = local_id(input.client_id, "Client", "client_id")
            return await svc.add_document(
                caller,
                client_id,
                name=input.name,
                number=input.number,
                emission_date=unix(input.emission_date),
                expiration_date=unix(input.expiration_date),
                total_amount=input.total_amount,
            )

        entity, errors = await _attempt(run)
        return DocumentPayload(
            document=convert.document(entity) if entity else None, user_errors=errors
        )

    @strawberry.mutation(description="Record a payment on a document; overpaying is refused.")
    async def record_payment(
        self,
        info: GqlInfo,
        input: RecordPaymentInput,
    ) -> RecordPaymentPayload:
        caller = await info.context.principal()
        svc = info.context.services.clients

        async def run() -> m.Payment:
            document_id = local_id(input.document_id, "Document", "document_id")
            return await svc.add_payment(caller, document_id, input.amount)

        entity, errors = await _attempt(run)
        document = None
        if entity is not None and _sub_selections(info, "document") is not None:
            document = convert.document(await svc.get_document(caller, entity.document_id))
        return RecordPaymentPayload(
            payment=convert.payment(entity) if entity else None,
            document=document,
            user_errors=errors,
        )
