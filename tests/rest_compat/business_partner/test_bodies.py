"""The dialect's bodies into the core's typed inputs, without a database (moved from
tests/core/test_partners_parsing.py with the parser)."""

from __future__ import annotations

from typing import Any

import pytest

from core.partners import queue_codec
from core.partners.errors import BadField, InvalidFormat, MissingField
from core.partners.inputs import PartnerField
from core.partners.rules import MAX_ITEMS
from core.shared.errors import DomainError
from rest_compat.business_partner.bodies import (
    BodyError,
    parse_assignments,
    parse_create_body,
    parse_partner,
)


def body(**overrides: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "idRemote": "P1",
        "roleId": "client",
        "statusId": 1,
        "companyId": "ACME",
        "contactName": " Ana ",
        "commercialName": "Bodega",
        "tin": "20100070970",
        "active": True,
        "locations": [{"locationId": 7}],
        "contacts": [
            {
                "name": "Ana",
                "default": True,
                "active": True,
                "contactMethods": [
                    {
                        "idRemote": "m",
                        "contactTypeId": "email",
                        "value": "a@b.pe",
                        "send_by_mail": True,
                    }
                ],
            }
        ],
    }
    item.update(overrides)
    return item


def answer(exc: DomainError) -> str:
    """The error message the dialect answers for ``exc`` (see errors.EXCEPTION_HANDLERS)."""
    if isinstance(exc, MissingField | BadField):
        return f"Parameter {exc.field} {exc.reason}"
    return exc.message


def test_a_complete_item_round_trips_through_the_stored_payload() -> None:
    [item] = parse_create_body([body()])
    assert item.contact_name == "Ana"  # trimmed
    assert item.status_id == "1"  # integer ids are taken as their decimal string
    assert item.locations is not None and item.locations[0].location_ref == "7"
    assert item.contacts is not None and item.contacts[0].contact_methods[0].send_by_mail
    assert queue_codec.decode(queue_codec.encode([item])) == [item]


def test_both_spellings_of_the_commercial_name() -> None:
    raw = body()
    raw["comercialName"] = raw.pop("commercialName")
    assert parse_partner(raw, full=True).comercial_name == "Bodega"


@pytest.mark.parametrize(
    ("raw", "exc", "message"),
    [
        ({}, BodyError, "the body must be a JSON array"),
        ([], InvalidFormat, "the array is empty"),
        ([body()] * (MAX_ITEMS + 1), InvalidFormat, f"at most {MAX_ITEMS} partners"),
        (["x"], BodyError, "Parameter body must be an object"),
        ([body(idRemote="  ")], MissingField, "Parameter idRemote is required"),
        ([body(active=None)], MissingField, "Parameter active is required"),
        ([body(active=1)], BodyError, "Parameter active must be a boolean"),
        ([body(roleId=True)], BodyError, "Parameter roleId must be a string"),
        ([body(contactName="x" * 256)], BadField, "at most 255 characters"),
        (
            [body(locations=[{"idRemote": "L"}])],
            MissingField,
            "Parameter locations[0].name is required",
        ),
    ],
)
def test_structure_errors_name_the_parameter(raw: Any, exc: type, message: str) -> None:
    with pytest.raises(DomainError) as info:
        parse_create_body(raw)
    assert isinstance(info.value, exc)
    assert message in answer(info.value)


def test_update_needs_something_and_clears_the_agent_with_null() -> None:
    with pytest.raises(InvalidFormat):
        parse_partner({}, full=False)
    item = parse_partner({"agentId": None}, full=False)
    assert item.present == frozenset({PartnerField.AGENT_ID}) and item.agent_id is None


def test_assignments() -> None:
    [a] = parse_assignments([{"agentId": 5, "clients": [{"idRemote": "C1"}]}])
    assert (a.agent_ref, a.client_remote_ids) == ("5", ["C1"])
    with pytest.raises(MissingField) as missing:
        parse_assignments([{"agentId": "A", "clients": []}])
    assert answer(missing.value) == "Parameter clients is required"
    with pytest.raises(MissingField) as missing:
        parse_assignments([{"agentId": "A", "clients": [{}]}])
    assert answer(missing.value) == "Parameter clients.idRemote is required"
