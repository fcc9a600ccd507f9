"""Structure checks of partner bodies and the static geography, without a database."""

from __future__ import annotations

from typing import Any

import pytest

from core.partners import geo
from core.partners.errors import BadParameter, InvalidFormat, MissingParameter
from core.partners.parsing import (
    MAX_ITEMS,
    parse_assignments,
    parse_create_body,
    parse_partner,
    partner_to_payload,
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


def test_a_complete_item_round_trips_through_the_stored_payload() -> None:
    [item] = parse_create_body([body()])
    assert item.contact_name == "Ana"  # trimmed
    assert item.status_id == "1"  # integer ids are taken as their decimal string
    assert item.locations is not None and item.locations[0].location_ref == "7"
    assert item.contacts is not None and item.contacts[0].contact_methods[0].send_by_mail
    again = parse_partner(partner_to_payload(item), full=True)
    assert partner_to_payload(again) == partner_to_payload(item)


def test_both_spellings_of_the_commercial_name() -> None:
    raw = body()
    raw["comercialName"] = raw.pop("commercialName")
    assert parse_partner(raw, full=True).comercial_name == "Bodega"


@pytest.mark.parametrize(
    ("raw", "exc", "message"),
    [
        ({}, InvalidFormat, "the body must be a JSON array"),
        ([], InvalidFormat, "the array is empty"),
        ([body()] * (MAX_ITEMS + 1), InvalidFormat, f"at most {MAX_ITEMS} partners"),
        (["x"], BadParameter, "Parameter body must be an object"),
        ([body(idRemote="  ")], MissingParameter, "Parameter idRemote is required"),
        ([body(active=None)], MissingParameter, "Parameter active is required"),
        ([body(active=1)], BadParameter, "Parameter active must be a boolean"),
        ([body(roleId=True)], BadParameter, "Parameter roleId must be a string"),
        ([body(contactName="x" * 256)], BadParameter, "at most 255 characters"),
        (
            [body(locations=[{"idRemote": "L"}])],
            MissingParameter,
            "Parameter locations[0].name is required",
        ),
    ],
)
def test_structure_errors_name_the_parameter(raw: Any, exc: type, message: str) -> None:
    with pytest.raises(exc) as info:
        parse_create_body(raw)
    assert message in str(info.value)


def test_update_needs_something_and_clears_the_agent_with_null() -> None:
    with pytest.raises(InvalidFormat):
        parse_partner({}, full=False)
    item = parse_partner({"agentId": None}, full=False)
    assert item.present == frozenset({"agent_id"}) and item.agent_id is None


def test_assignments() -> None:
    [a] = parse_assignments([{"agentId": 5, "clients": [{"idRemote": "C1"}]}])
    assert (a.agent_ref, a.client_remote_ids) == ("5", ["C1"])
    with pytest.raises(MissingParameter, match="Parameter clients is required"):
        parse_assignments([{"agentId": "A", "clients": []}])
    with pytest.raises(MissingParameter, match=r"clients\.idRemote"):
        parse_assignments([{"agentId": "A", "clients": [{}]}])


def test_countries_and_states() -> None:
    assert geo.country("pe") == geo.country("604")
    assert geo.country("ZZ") is None
    region = geo.region("pe-lim")
    assert region is not None and region.country_iso == "PE"
    for cc, at_least in (("PE", 25), ("CL", 16), ("MX", 32), ("ES", 17)):
        assert len(geo.regions_of(cc)) >= at_least
    assert {c.iso for c in geo.COUNTRIES} >= {"AR", "BR", "CL", "CO", "ES", "MX", "PE", "US"}
