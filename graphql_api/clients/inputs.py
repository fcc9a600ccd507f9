"""Input types of the clients mutations, and their conversion into the core's inputs.

Global ids are decoded here, every bad one collected so that they are reported together with
the other field errors (``Ids``); what the core checks (text, tax ids, catalogs ...) is left to
the core."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import strawberry

from core.clients import model as m
from core.clients import rules
from core.shared.errors import FieldError, InvalidInput
from graphql_api.clients import types as t
from graphql_api.relay import local_id
from graphql_api.scalars import Long, RecordState

UNSET: Any = strawberry.UNSET


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


# -- conversion ------------------------------------------------------------------------------------


class Ids:
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


def given(obj: object, names: tuple[str, ...]) -> dict[str, Any]:
    return {n: v for n in names if (v := getattr(obj, n)) is not UNSET}


def district(values: dict[str, Any], ids: Ids) -> None:
    """``district`` and ``municipality`` are one field: the core's rule merges them."""
    error = rules.merge_district(values)
    if error is not None:
        ids.errors.append(error)


def attribute_inputs(
    attrs: list[AttributeValueInput], ids: Ids, root: str = "attributes"
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
    ids = Ids()
    values = given(data, _CLIENT_INPUT_FIELDS)
    for key, value in list(values.items()):
        if key in _ID_FIELDS and value is not None:
            values[key] = ids.local(value, _ID_FIELDS[key], key)
        elif key in _BOOL_FIELDS and value is not None:
            values[key] = 1 if value else 0
        elif isinstance(value, RecordState | t.CompanyOrPerson):
            values[key] = value.value
    district(values, ids)
    attributes = None
    if data.attributes is not UNSET and data.attributes is not None:
        attributes = attribute_inputs(data.attributes, ids)
    ids.check()
    return m.ClientChanges(values=values, attributes=attributes)


def unix(value: datetime) -> int:
    # A DateTime without offset is taken as UTC, like every timestamp of the API.
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return int(value.timestamp())
