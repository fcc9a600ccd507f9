"""The partners context's rules on typed inputs, its queue payload codec and its static
geography, without a database."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from core.partners import geo, queue_codec, rules
from core.partners.errors import BadField, InvalidFormat, MissingField
from core.partners.inputs import (
    Assignment,
    ContactInput,
    ContactMethodInput,
    LocationInput,
    PartnerField,
    PartnerInput,
)
from core.shared.errors import InvalidInput
from tests.support.partners import location_input, partner_input


def test_a_new_partner_needs_the_required_fields_in_order() -> None:
    item = replace(partner_input("P1"), role_id=None, tin=None)
    with pytest.raises(MissingField) as info:
        rules.checked_partner(item, new=True)
    assert (info.value.field, info.value.reason) == ("role_id", "is required")


def test_checked_inputs_are_trimmed_and_references_may_not_be_blank() -> None:
    item = replace(partner_input(" P1 "), contact_name="  Ana ")
    checked = rules.checked_partner(item, new=True)
    assert (checked.id_remote, checked.contact_name) == ("P1", "Ana")
    with pytest.raises(MissingField) as info:
        rules.checked_partner(replace(item, status_id="   "), new=True)
    assert info.value.field == "status_id"


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"tin": "1" * 65}, "tin", "must be at most 64 characters"),
        ({"observation": "o" * 2001}, "observation", "must be at most 2000 characters"),
        ({"comercial_name": "c" * 256}, "comercial_name", "must be at most 255 characters"),
        (
            {"locations": [location_input("L", postal_code="9" * 33)]},
            "locations[0].postal_code",
            "must be at most 32 characters",
        ),
        (
            {"locations": [LocationInput(location_ref=" ")]},
            "locations[0].location_ref",
            "is required",
        ),
        (
            {"locations": [LocationInput(id_remote="L", name="n")]},
            "locations[0].address",
            "is required",
        ),
        (
            {
                "contacts": [
                    ContactInput(
                        name="a",
                        is_default=True,
                        active=True,
                        contact_methods=[ContactMethodInput("m", " ", "v")],
                    )
                ]
            },
            "contacts[0].contact_methods[0].contact_type_id",
            "is required",
        ),
        ({"locations": [location_input("L")] * 1001}, "locations", "must hold at most 1000 items"),
    ],
)
def test_field_rules_name_the_core_path(change: dict[str, object], field: str, reason: str) -> None:
    with pytest.raises((MissingField, BadField)) as info:
        rules.checked_partner(replace(partner_input("P1"), **change), new=True)  # type: ignore[arg-type]
    assert (info.value.field, info.value.reason) == (field, reason)


def test_batches_and_updates() -> None:
    with pytest.raises(InvalidFormat, match="the array is empty"):
        rules.checked_batch([])
    with pytest.raises(InvalidFormat, match="at most 1000 partners"):
        rules.checked_batch([partner_input("P")] * 1001)
    with pytest.raises(InvalidFormat, match="nothing to update"):
        rules.checked_partner(PartnerInput(), new=False)
    cleared = PartnerInput(present=frozenset({PartnerField.AGENT_ID}))
    assert rules.checked_partner(cleared, new=False).agent_id is None


def test_assignments_need_clients_and_an_agent() -> None:
    with pytest.raises(MissingField) as info:
        rules.checked_assignment(Assignment("AG", []))
    assert info.value.field == "clients"
    with pytest.raises(MissingField) as info:
        rules.checked_assignment(Assignment("AG", ["C1", " "]))
    assert info.value.field == "clients.id_remote"
    with pytest.raises(MissingField) as info:
        rules.checked_assignment(Assignment(" ", ["C1"]))
    assert info.value.field == "agent_id"
    assert rules.checked_assignment(Assignment(" AG ", [" C1"])) == Assignment("AG", ["C1"])


def test_the_queue_payload_is_versioned_and_round_trips() -> None:
    items = [
        partner_input("P1", locations=[LocationInput(location_ref="7")]),
        replace(partner_input("P2", agent_id=None), present=frozenset(PartnerField)),
    ]
    payload = queue_codec.encode(items)
    body = json.loads(payload)
    assert body["version"] == 1
    assert body["items"][0]["locations"] == [{"location_ref": "7"}]
    assert body["items"][1]["agent_id"] is None  # given as null: clears the agent
    assert "agent_id" not in body["items"][0]
    assert queue_codec.decode(payload) == items


@pytest.mark.parametrize(
    "payload",
    [
        "{broken",
        json.dumps([{"idRemote": "P1"}]),  # the dialect's shape, before version 1
        json.dumps({"version": 2, "items": []}),
        json.dumps({"version": 1, "items": [{"idRemote": "P1"}]}),
        json.dumps({"version": 1, "items": [{"active": "yes"}]}),
        json.dumps({"version": 1, "items": [{"contacts": [{"name": "a"}]}]}),
    ],
)
def test_the_codec_refuses_what_it_did_not_write(payload: str) -> None:
    with pytest.raises(queue_codec.PayloadError):
        queue_codec.decode(payload)


def test_countries_and_states() -> None:
    assert geo.country("pe") == geo.country("604")
    assert geo.country("ZZ") is None
    region = geo.region("pe-lim")
    assert region is not None and region.country_iso == "PE"
    for cc, at_least in (("PE", 25), ("CL", 16), ("MX", 32), ("ES", 17)):
        assert len(geo.regions_of(cc)) >= at_least
    assert {c.iso for c in geo.COUNTRIES} >= {"AR", "BR", "CL", "CO", "ES", "MX", "PE", "US"}


def test_the_core_refuses_nul_characters_in_every_text() -> None:
    """Not only the JSON readers: the rule holds for inputs built by any face."""
    with pytest.raises(BadField, match="NUL"):
        rules.ref("C-\x001", "id_remote", "idRemote")
    with pytest.raises(BadField, match="NUL"):
        rules.text("Bodega\x00", "comercial_name", "comercialName")
    with pytest.raises(InvalidInput, match="NUL"):
        rules.check_catalog_values({"id_remote": "a\x00"}, required=True)
    with pytest.raises(InvalidInput, match="NUL"):
        rules.check_company_values({"id_remote": "X", "company_name": "A\x00"}, required=True)
    with pytest.raises(InvalidInput, match="NUL"):
        rules.check_document_number("F-\x001")
