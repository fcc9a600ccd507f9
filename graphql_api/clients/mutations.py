"""Root mutation fields of the clients context.

Every mutation is ``name(input: NameInput!): NamePayload``. Expected failures (invalid
input, unknown or another tenant's ids, malformed global ids) come back as ``userErrors``
with nothing written; only a missing or bad credential is a top-level error.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, TypeVar

import strawberry
from strawberry.types import Info

from core.clients import model as m
from core.shared.errors import FieldError, InvalidInput
from graphql_api.clients import loaders, loading
from graphql_api.clients import types as t
from graphql_api.context import Context
from graphql_api.errors import UserError, attempt
from graphql_api.relay import local_id
from graphql_api.scalars import Long, RecordState

GqlInfo = Info[Context, None]
T = TypeVar("T")
UNSET: Any = strawberry.UNSET


# -- inputs ---------------------------------------------------------------------------------------


@strawberry.input(description="A value for one additional attribute.")
class AttributeValueInput:
    dynamic_attribute_id: strawberry.ID = strawberry.field(
        description="Global id of a DynamicAttribute."
    )
    value: str


@strawberry.input
class _ClientFields:
    first_name: str | None = UNSET
    last_name: str | None = UNSET
    email: str | None = UNSET
    code: str | None = strawberry.field(
        default=UNSET, description="Tax id; checked for the account's country."
    )
    phone: str | None = UNSET
    company: str | None = UNSET
    note: str | None = UNSET
    facebook: str | None = UNSET
    twitter: str | None = UNSET
    has_credit: bool | None = UNSET
    max_credit: float | None = UNSET
    state: RecordState | None = UNSET
    activity: str | None = UNSET
    city: str | None = UNSET
    district: str | None = strawberry.field(
        default=UNSET, description="Same as `municipality`; give either (or both, equal)."
    )
    municipality: str | None = strawberry.field(
        default=UNSET, description="Same as `district`; give either (or both, equal)."
    )
    address: str | None = UNSET
    company_or_person: t.CompanyOrPerson | None = UNSET
    accumulate_points: bool | None = UNSET
    send_dte: bool | None = UNSET
    is_foreigner: bool | None = strawberry.field(
        default=UNSET, description="A foreigner without `code` gets the generic 55555555-5."
    )
    prestashop_client_id: int | None = UNSET
    payment_type_id: strawberry.ID | None = UNSET
    price_list_id: strawberry.ID | None = UNSET
    sale_condition_id: strawberry.ID | None = UNSET
    attributes: list[AttributeValueInput] | None = strawberry.field(
        default=UNSET, description="Values of additional attributes to set."
    )


@strawberry.input(description="A new client. At least a name, a company or a code.")
class CreateClientInput(_ClientFields):
    pass


@strawberry.input(description="Changes to a client: only the fields given are written.")
class UpdateClientInput(_ClientFields):
    id: strawberry.ID


@strawberry.input
class DeactivateClientInput:
    id: strawberry.ID


@strawberry.input
class AddContactInput:
    client_id: strawberry.ID
    first_name: str | None = UNSET
    last_name: str | None = UNSET
    phone: str | None = UNSET
    email: str | None = UNSET


@strawberry.input
class UpdateContactInput:
    client_id: strawberry.ID
    id: strawberry.ID
    first_name: str | None = UNSET
    last_name: str | None = UNSET
    phone: str | None = UNSET
    email: str | None = UNSET


@strawberry.input
class DeleteContactInput:
    client_id: strawberry.ID
    id: strawberry.ID


@strawberry.input
class AddAddressInput:
    client_id: strawberry.ID
    address: str
    address_name: str | None = UNSET
    city: str | None = UNSET
    district: str | None = UNSET
    municipality: str | None = UNSET


@strawberry.input
class UpdateAddressInput:
    client_id: strawberry.ID
    id: strawberry.ID
    address: str | None = UNSET
    address_name: str | None = UNSET
    city: str | None = UNSET
    district: str | None = UNSET
    municipality: str | None = UNSET
    state: RecordState | None = UNSET


@strawberry.input
class DeactivateAddressInput:
    client_id: strawberry.ID
    id: strawberry.ID


@strawberry.input
class CreateDynamicAttributeInput:
    name: str


@strawberry.input(description="Set (insert or overwrite) attribute values of a client.")
class SetClientAttributesInput:
    client_id: strawberry.ID
    attributes: list[AttributeValueInput]


@strawberry.input
class CreateCatalogItemInput:
    name: str


@strawberry.input
class ChangePointsInput:
    client_id: strawberry.ID
    operation: t.PointsOperation
    points: int = strawberry.field(description="A positive number of points.")
    description: str
    order_id: str | None = None


@strawberry.input
class CreateDocumentInput:
    client_id: strawberry.ID
    name: str
    number: Long
    emission_date: datetime
    expiration_date: datetime
    total_amount: Decimal


@strawberry.input
class RecordPaymentInput:
    document_id: strawberry.ID
    amount: Decimal


# -- payloads -------------------------------------------------------------------------------------

_ERRORS = "Why the input was refused; empty on success. Nothing is written when not empty."


@strawberry.type
class ClientPayload:
    client: t.Client | None
    user_errors: list[UserError] = strawberry.field(description=_ERRORS)


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
    client: t.Client | None = strawberry.field(description="The client with its new balance.")
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


# -- input conversion -----------------------------------------------------------------------------


class _Ids:
    """Converts global ids, collecting every bad one so they are reported together."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def local(self, global_id: str, type_name: str, field: str) -> int:
        try:
            return local_id(global_id, type_name, field)
        except InvalidInput as exc:
            self.errors.extend(exc.errors)
            return 0

    def check(self) -> None:
        if self.errors:
            raise InvalidInput(self.errors)


_ID_FIELDS = {
    "payment_type_id": "PaymentType",
    "price_list_id": "PriceList",
    "sale_condition_id": "SaleCondition",
}
_BOOL_FIELDS = ("has_credit", "accumulate_points", "send_dte", "is_foreigner")


def _given(obj: object, names: tuple[str, ...]) -> dict[str, Any]:
    return {n: v for n in names if (v := getattr(obj, n)) is not UNSET}


def _district(values: dict[str, Any], ids: _Ids) -> None:
    """``district`` and ``municipality`` are one column; accept either name."""
    if "municipality" not in values:
        return
    municipality = values.pop("municipality")
    if "district" in values and values["district"] != municipality:
        ids.errors.append(
            FieldError("municipality", "must equal district when both are given", "INVALID")
        )
    values["district"] = municipality


def _attribute_inputs(
    attrs: list[AttributeValueInput], ids: _Ids, root: str = "attributes"
) -> list[m.AttributeInput]:
    return [
        m.AttributeInput(
            ids.local(
                a.dynamic_attribute_id, "DynamicAttribute", f"{root}[{i}].dynamic_attribute_id"
            ),
            a.value,
        )
        for i, a in enumerate(attrs)
    ]


_CLIENT_INPUT_FIELDS = tuple(
    f for f in _ClientFields.__dataclass_fields__ if f not in ("attributes",)
)


def client_changes(data: _ClientFields) -> m.ClientChanges:
    ids = _Ids()
    values = _given(data, _CLIENT_INPUT_FIELDS)
    for key, value in list(values.items()):
        if key in _ID_FIELDS and value is not None:
            values[key] = ids.local(value, _ID_FIELDS[key], key)
        elif key in _BOOL_FIELDS and value is not None:
            values[key] = 1 if value else 0
        elif isinstance(value, RecordState | t.CompanyOrPerson):
            values[key] = value.value
    _district(values, ids)
    attributes = None
    if data.attributes is not UNSET and data.attributes is not None:
        attributes = _attribute_inputs(data.attributes, ids)
    ids.check()
    return m.ClientChanges(values=values, attributes=attributes)


def _unix(value: datetime) -> int:
    # A DateTime without offset is taken as UTC, like every timestamp of the API.
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return int(value.timestamp())


def _sub_selections(info: GqlInfo, name: str) -> list[Any] | None:
    """Selections under the payload's ``name`` field; None when it is not selected."""
    found: list[Any] | None = None
    for f in loading.fields(info.selected_fields[0].selections, frozenset()):
        if f.name == name:
            found = [*(found or []), *f.selections]
    return found


async def _client_for(info: GqlInfo, entity: m.Client, name: str = "client") -> t.Client | None:
    selections = _sub_selections(info, name)
    if selections is None:
        return None
    return await loaders.build_one(info, entity, selections)


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
        return ClientPayload(client=client, user_errors=errors)

    @strawberry.mutation(description="Change a client; only the fields given are written.")
    async def update_client(self, info: GqlInfo, input: UpdateClientInput) -> ClientPayload:
        caller = await info.context.principal()
        svc = info.context.services.clients

        async def run() -> m.Client:
            # Report a bad id together with the field errors, not one after the other.
            ids = _Ids()
            client_id = ids.local(input.id, "Client", "id")
            try:
                changes = client_changes(input)
            except InvalidInput as exc:
                ids.errors.extend(exc.errors)
            ids.check()
            return await svc.update(caller, client_id, changes)

        entity, errors = await _attempt(run)
        client = await _client_for(info, entity) if entity else None
        return ClientPayload(client=client, user_errors=errors)

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
            values = _given(input, ("first_name", "last_name", "phone", "email"))
            return await svc.add_contact(caller, client_id, values)

        entity, errors = await _attempt(run)
        return ContactPayload(
            contact=loading.contact(entity) if entity else None, user_errors=errors
        )

    @strawberry.mutation(description="Change a contact; only the fields given are written.")
    async def update_contact(self, info: GqlInfo, input: UpdateContactInput) -> ContactPayload:
        caller = await info.context.principal()
        svc = info.context.services.clients

        async def run() -> m.Contact:
            ids = _Ids()
            client_id = ids.local(input.client_id, "Client", "client_id")
            contact_id = ids.local(input.id, "Contact", "id")
            ids.check()
            values = _given(input, ("first_name", "last_name", "phone", "email"))
            return await svc.update_contact(caller, client_id, contact_id, values)

        entity, errors = await _attempt(run)
        return ContactPayload(
            contact=loading.contact(entity) if entity else None, user_errors=errors
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
            ids = _Ids()
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
            ids = _Ids()
            client_id = ids.local(input.client_id, "Client", "client_id")
            values = _given(input, ("address", "address_name", "city", "district", "municipality"))
            _district(values, ids)
            ids.check()
            return await svc.add_address(caller, client_id, values)

        entity, errors = await _attempt(run)
        return AddressPayload(
            address=loading.address(entity) if entity else None, user_errors=errors
        )

    @strawberry.mutation(description="Change an address; only the fields given are written.")
    async def update_address(self, info: GqlInfo, input: UpdateAddressInput) -> AddressPayload:
        caller = await info.context.principal()
        svc = info.context.services.clients

        async def run() -> m.Address:
            ids = _Ids()
            client_id = ids.local(input.client_id, "Client", "client_id")
            address_id = ids.local(input.id, "Address", "id")
            values = _given(
                input, ("address", "address_name", "city", "district", "municipality", "state")
            )
            if "state" in values:
                if values["state"] is None:
                    ids.errors.append(FieldError("state", "must not be null", "REQUIRED"))
                else:
                    values["state"] = values["state"].value
            _district(values, ids)
            ids.check()
            return await svc.update_address(caller, client_id, address_id, values)

        entity, errors = await _attempt(run)
        return AddressPayload(
            address=loading.address(entity) if entity else None, user_errors=errors
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
            ids = _Ids()
            client_id = ids.local(input.client_id, "Client", "client_id")
            address_id = ids.local(input.id, "Address", "id")
            ids.check()
            return await svc.deactivate_address(caller, client_id, address_id)

        entity, errors = await _attempt(run)
        return AddressPayload(
            address=loading.address(entity) if entity else None, user_errors=errors
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
            dynamic_attribute=loading.dynamic_attribute(entity) if entity else None,
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
            ids = _Ids()
            client_id = ids.local(input.client_id, "Client", "client_id")
            attributes = _attribute_inputs(input.attributes, ids)
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
            payment_type=loading.payment_type(entity) if entity else None, user_errors=errors
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
            price_list=loading.price_list(entity) if entity else None, user_errors=errors
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
            sale_condition=loading.sale_condition(entity) if entity else None, user_errors=errors
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
            client = await loaders.client_by_id(info, entry.client_id, selections)
        return ChangePointsPayload(
            entry=loading.points_entry(entry) if entry else None, client=client, user_errors=errors
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
                emission_date=_unix(input.emission_date),
                expiration_date=_unix(input.expiration_date),
                total_amount=input.total_amount,
            )

        entity, errors = await _attempt(run)
        return DocumentPayload(
            document=loading.document(entity) if entity else None, user_errors=errors
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
            document = loading.document(await svc.get_document(caller, entity.document_id))
        return RecordPaymentPayload(
            payment=loading.payment(entity) if entity else None,
            document=document,
            user_errors=errors,
        )
