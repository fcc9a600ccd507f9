"""The BusinessPartner dialect through the ASGI app, on SQLite and PostgreSQL."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from clientgate.container import Services
from core.partners.model import DocumentKind
from core.storage.tables.partners import bp_messages, bp_partners
from tests.rest_compat.business_partner.conftest import Tenant, partner_body

BP = "/BusinessPartner"
PARTNER_KEYS = {
    "id",
    "idRemote",
    "rol",
    "status",
    "company",
    "locations",
    "contacts",
    "contactName",
    "comercialName",
    "tin",
    "observation",
    "origin",
    "updatedAt",
    "active",
}
COMPANY_KEYS = {"id", "idRemote", "companyName", "comercialName", "tin"}
LOCATION_KEYS = {
    "id",
    "idRemote",
    "name",
    "address",
    "city",
    "state",
    "postalCode",
    "shippingAddress",
    "billingAddress",
    "country",
    "default",
    "active",
    "createdAt",
    "updatedAt",
}
CONTACT_KEYS = {"id", "idRemote", "name", "position", "default", "active", "contactMethods"}
METHOD_KEYS = {
    "id",
    "idRemote",
    "contactTypeId",
    "value",
    "send_by_whatsapp",
    "send_by_mail",
    "send_by_telegram",
    "send_by_sms",
}
PAGINATION_KEYS = {"totalItems", "itemsPerPage", "currentPage", "totalPages", "nextPageUrl"}


async def _count(services: Services, table: Any, account_id: int) -> int:
    async with services.uow(read_only=True) as uow:
        result = await uow.connection.execute(
            select(func.count()).select_from(table).where(table.c.account_id == account_id)
        )
        return int(result.scalar_one())


async def test_create_is_queued_then_listed_field_by_field(
    http: httpx.AsyncClient, tenant: Tenant, drain: Any
) -> None:
    resp = await http.post(f"{BP}/create", json=[partner_body("P1")], headers=tenant.headers)
    assert resp.status_code == 201
    body = resp.json()
    assert body["code"] == 201
    assert body["message"] == (
        "BusinessPartner message created successfully and dispatched to the queue."
    )
    assert body["statusUrl"].startswith("http://testserver/api/database/v1/message/status/")
    pending = (await http.get(body["statusUrl"], headers=tenant.headers)).json()
    assert pending["data"] == [{"status": "pending", "errorMessage": None}]
    await drain()
    done = (await http.get(body["statusUrl"], headers=tenant.headers)).json()
    assert done == {
        "data": [{"status": "completed", "errorMessage": None}],
        "pagination": {
            "totalItems": 1,
            "itemsPerPage": 10,
            "currentPage": 1,
            "totalPages": 1,
            "nextPageUrl": None,
        },
    }

    page = (await http.get(f"{BP}/getBPartner", headers=tenant.headers)).json()
    assert set(page) == {"data", "pagination"}
    assert set(page["pagination"]) == PAGINATION_KEYS
    [partner] = page["data"]
    assert set(partner) == PARTNER_KEYS
    assert set(partner["company"]) == COMPANY_KEYS
    assert partner["idRemote"] == "P1"
    assert partner["rol"] == "cliente"
    assert partner["status"] == "Activo"
    assert partner["company"]["idRemote"] == "ACME"
    assert partner["comercialName"] == "Shop P1"
    assert partner["tin"] == "20100070970"
    assert partner["active"] is True
    [location] = partner["locations"]
    assert set(location) == LOCATION_KEYS
    assert location["country"] == {"id": "604", "description": "Peru", "iso": "PE"}
    assert location["state"] == "Lima"
    assert location["default"] is True
    [contact] = partner["contacts"]
    assert set(contact) == CONTACT_KEYS
    [method] = contact["contactMethods"]
    assert set(method) == METHOD_KEYS
    assert method["value"] == "a@b.pe"


async def test_xml_export_matches_the_documented_elements(
    http: httpx.AsyncClient, tenant: Tenant, create_and_drain: Any
) -> None:
    body = partner_body("X1", observation="a < b & c")
    assert (await create_and_drain(tenant, [body]))["status"] == "completed"
    for accept in ("application/xml", "text/xml"):
        resp = await http.get(f"{BP}/getBPartner", headers={**tenant.headers, "Accept": accept})
        assert resp.status_code == 200
        assert resp.headers["content-type"].startswith("application/xml")
        assert resp.text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
        root = ET.fromstring(resp.content)
        assert root.tag == "export"
        assert [c.tag for c in root] == ["data", "pagination"]
        data = root.find("data")
        assert data is not None
        [item] = data
        assert item.tag == "item"
        assert [c.tag for c in item] == [
            "id",
            "idRemote",
            "rol",
            "status",
            "company",
            "locations",
            "contacts",
            "contactName",
            "comercialName",
            "tin",
            "observation",
            "origin",
            "updatedAt",
            "active",
        ]
        assert item.findtext("observation") == "a < b & c"
        assert item.findtext("active") == "true"
        assert item.findtext("locations/country/iso") == "PE"
        assert item.findtext("contacts/contactMethods/value") == "a@b.pe"
        assert [c.tag for c in root.find("pagination")] == [  # type: ignore[union-attr]
            "totalItems",
            "itemsPerPage",
            "currentPage",
            "totalPages",
            "nextPageUrl",
        ]
    # JSON stays the default, and errors speak XML too when asked.
    assert (
        (await http.get(f"{BP}/getBPartner", headers=tenant.headers))
        .headers["content-type"]
        .startswith("application/json")
    )
    err = await http.get(f"{BP}/getBPartner?page=0", headers={"Accept": "application/xml"})
    assert err.status_code == 401
    assert ET.fromstring(err.content).findtext("error") == "Unauthorized."


async def test_pagination_next_page_url_and_bounds(
    http: httpx.AsyncClient, tenant: Tenant, create_and_drain: Any
) -> None:
    items = [partner_body(f"N{i:02d}", locations=[], contacts=[]) for i in range(12)]
    assert (await create_and_drain(tenant, items))["status"] == "completed"
    first = (await http.get(f"{BP}/getBPartner?pageSize=5", headers=tenant.headers)).json()
    assert first["pagination"] == {
        "totalItems": 12,
        "itemsPerPage": 5,
        "currentPage": 1,
        "totalPages": 3,
        "nextPageUrl": "http://testserver/BusinessPartner/getBPartner?page=2&pageSize=5",
    }
    second = (await http.get(first["pagination"]["nextPageUrl"], headers=tenant.headers)).json()
    assert [p["idRemote"] for p in second["data"]] == [f"N{i:02d}" for i in range(5, 10)]
    last = (await http.get(f"{BP}/getBPartner?pageSize=5&page=3", headers=tenant.headers)).json()
    assert len(last["data"]) == 2
    assert last["pagination"]["nextPageUrl"] is None
    default = (await http.get(f"{BP}/getBPartner", headers=tenant.headers)).json()
    assert default["pagination"]["itemsPerPage"] == 10 and len(default["data"]) == 10

    for query, message in [
        ("page=0", "Parameter page must be a positive integer"),
        ("page=abc", "Parameter page must be a positive integer"),
        ("page=" + "9" * 30, "Parameter page must be a positive integer"),
        ("pageSize=0", "Parameter pageSize must be a positive integer"),
        ("pageSize=101", "Parameter pageSize must be between 1 and 100"),
    ]:
        resp = await http.get(f"{BP}/getBPartner?{query}", headers=tenant.headers)
        assert resp.status_code == 400, query
        assert resp.json() == {"code": 400, "error": message}


async def test_updated_from(http: httpx.AsyncClient, tenant: Tenant, create_and_drain: Any) -> None:
    assert (await create_and_drain(tenant, [partner_body("U1")]))["status"] == "completed"
    default = (await http.get(f"{BP}/updatedFrom", headers=tenant.headers)).json()
    assert [p["idRemote"] for p in default["data"]] == ["U1"]
    future = await http.get(
        f"{BP}/updatedFrom", params={"date": "2999-01-01 00:00:00"}, headers=tenant.headers
    )
    assert future.status_code == 200
    assert future.json()["data"] == [] and future.json()["pagination"]["totalItems"] == 0
    bad = await http.get(f"{BP}/updatedFrom", params={"date": "yesterday"}, headers=tenant.headers)
    assert bad.status_code == 400
    assert bad.json() == {
        "code": 400,
        "error": "Parameter date must be a date like 1999-01-01 01:00:00",
    }


async def test_catalog_paths(http: httpx.AsyncClient, tenant: Tenant) -> None:
    statuses = (await http.get(f"{BP}/getBPartnerStatus", headers=tenant.headers)).json()
    assert [s["idRemote"] for s in statuses["data"]] == ["active", "inactive", "blocked"]
    assert set(statuses["data"][0]) == {"id", "idRemote", "description"}
    types = (await http.get(f"{BP}/getContactTypes?pageSize=2", headers=tenant.headers)).json()
    assert [set(t) for t in types["data"]] == [{"id", "value"}] * 2
    assert types["pagination"]["totalItems"] == 4
    assert types["pagination"]["nextPageUrl"].endswith("?page=2&pageSize=2")


async def test_contacts_path(
    http: httpx.AsyncClient, tenant: Tenant, create_and_drain: Any
) -> None:
    assert (await create_and_drain(tenant, [partner_body("K1")]))["status"] == "completed"
    body = (await http.get(f"{BP}/getContacts", headers=tenant.headers)).json()
    [contact] = body["data"]
    assert set(contact) == {
        "id",
        "idRemote",
        "businessPartner",
        "name",
        "position",
        "default",
        "active",
        "contactMethods",
    }
    assert contact["businessPartner"]["contactName"] == "Contact K1"
    assert contact["contactMethods"] == [
        {
            "contactType": {
                "id": contact["contactMethods"][0]["contactType"]["id"],
                "value": "Email",
            },
            "value": "a@b.pe",
        }
    ]


async def test_roles_agents_and_assignment(
    http: httpx.AsyncClient, tenant: Tenant, tenant_factory: Any, create_and_drain: Any
) -> None:
    for path in ("getClients", "getAgents", "getClientsAssignedToAgent"):
        resp = await http.get(f"{BP}/{path}", headers=tenant.headers)
        assert resp.status_code == 204, path
        assert resp.content == b""
    items = [
        partner_body("AG1", roleId="agent"),
        partner_body("CL1"),
        partner_body("CL2", agentId="AG1"),  # an agent created earlier in the same message
    ]
    failed = await create_and_drain(tenant, items)
    # The agent must exist before the message: the item names it.
    assert failed["status"] == "failed"
    assert "item 2 (idRemote 'CL2')" in failed["errorMessage"]
    assert "unknown agentId 'AG1'" in failed["errorMessage"]
    assert await _count_partners(http, tenant) == 0  # nothing half-applied

    assert (await create_and_drain(tenant, items[:2]))["status"] == "completed"
    assert (await create_and_drain(tenant, [items[2]]))["status"] == "completed"
    clients = (await http.get(f"{BP}/getClients", headers=tenant.headers)).json()
    assert [p["idRemote"] for p in clients["data"]] == ["CL1", "CL2"]
    agents = (await http.get(f"{BP}/getAgents", headers=tenant.headers)).json()
    assert [p["idRemote"] for p in agents["data"]] == ["AG1"]
    assert agents["data"][0]["rol"] == "representante"

    resp = await http.post(
        f"{BP}/assignClientsToAgent",
        json=[{"agentId": "AG1", "clients": [{"idRemote": "CL1"}]}],
        headers=tenant.headers,
    )
    assert resp.status_code == 200, resp.text
    assigned = (await http.get(f"{BP}/getClientsAssignedToAgent", headers=tenant.headers)).json()
    agent_id = agents["data"][0]["id"]
    [entry] = assigned["data"]
    assert entry["agentId"] == agent_id
    assert entry["companyId"] == str(tenant.company.id)
    assert sorted(c["id"] for c in entry["clients"]) == sorted(p["id"] for p in clients["data"])

    # To a non-agent: 400; a client missing from the agent's company: 404; all or nothing.
    resp = await http.post(
        f"{BP}/assignClientsToAgent",
        json=[{"agentId": "CL1", "clients": [{"idRemote": "CL2"}]}],
        headers=tenant.headers,
    )
    assert resp.status_code == 400
    assert resp.json() == {"code": 400, "error": "Business Partner CL1 is not an agent"}
    other = await tenant_factory(company_remote="OTHER")
    assert (await create_and_drain(other, [partner_body("CL9", companyId="OTHER")]))[
        "status"
    ] == "completed"
    resp = await http.post(
        f"{BP}/assignClientsToAgent",
        json=[{"agentId": "AG1", "clients": [{"idRemote": "CL9"}]}],
        headers=tenant.headers,
    )
    assert resp.status_code == 404
    assert resp.json() == {"code": 404, "error": "No entity found for Business Partner with CL9."}
    resp = await http.post(
        f"{BP}/assignClientsToAgent",
        json=[{"agentId": "AG1"}],
        headers=tenant.headers,
    )
    assert resp.json() == {"code": 400, "error": "Parameter clients is required"}


async def _count_partners(http: httpx.AsyncClient, tenant: Tenant) -> int:
    body = (await http.get(f"{BP}/getBPartner", headers=tenant.headers)).json()
    return int(body["pagination"]["totalItems"])


@pytest.mark.parametrize(
    "missing",
    [
        "idRemote",
        "roleId",
        "statusId",
        "companyId",
        "contactName",
        "commercialName",
        "tin",
        "active",
    ],
)
async def test_create_names_each_missing_parameter(
    http: httpx.AsyncClient, services: Services, tenant: Tenant, missing: str
) -> None:
    body = partner_body("M1")
    body.pop("comercialName" if missing == "commercialName" else missing)
    resp = await http.post(f"{BP}/create", json=[partner_body("OK"), body], headers=tenant.headers)
    assert resp.status_code == 400
    assert resp.json() == {"code": 400, "error": f"Parameter {missing} is required"}
    assert await _count(services, bp_messages, tenant.account_id) == 0


@pytest.mark.parametrize(
    ("payload", "status", "error"),
    [
        (b"{not json", 400, "Invalid business partner data format, malformed JSON"),
        (b"", 400, "Invalid business partner data format, a JSON body is required"),
        (
            b'{"idRemote": "x"}',
            400,
            "Invalid business partner data format, the body must be a JSON array",
        ),
        (b"[]", 400, "Invalid business partner data format, the array is empty"),
        (b"[1]", 400, "Parameter body must be an object"),
    ],
)
async def test_create_refuses_malformed_bodies(
    http: httpx.AsyncClient,
    services: Services,
    tenant: Tenant,
    payload: bytes,
    status: int,
    error: str,
) -> None:
    resp = await http.post(
        f"{BP}/create",
        content=payload,
        headers={**tenant.headers, "Content-Type": "application/json"},
    )
    assert resp.status_code == status
    assert resp.json()["code"] == status
    assert resp.json()["error"].startswith(error)
    assert await _count(services, bp_messages, tenant.account_id) == 0


@pytest.mark.parametrize(
    ("change", "error"),
    [
        ({"active": "yes"}, "Parameter active must be a boolean"),
        ({"tin": 20100070970}, "Parameter tin must be a string"),
        ({"tin": "1" * 65}, "Parameter tin must be at most 64 characters"),
        (
            {"locations": [{**partner_body("x")["locations"][0], "postalCode": "9" * 33}]},
            "Parameter locations[0].postalCode must be at most 32 characters",
        ),
        ({"roleId": ["client"]}, "Parameter roleId must be a string"),
        ({"locations": {}}, "Parameter locations must be an array"),
        (
            {"locations": [{"idRemote": "L", "name": "n"}]},
            "Parameter locations[0].address is required",
        ),
        (
            {"contacts": [{"name": "a", "default": True, "active": True}]},
            "Parameter contacts[0].contactMethods is required",
        ),
        (
            {
                "contacts": [
                    {
                        "name": "a",
                        "default": True,
                        "active": True,
                        "contactMethods": [{"idRemote": "m", "value": "v"}],
                    }
                ]
            },
            "Parameter contacts[0].contactMethods[0].contactTypeId is required",
        ),
    ],
)
async def test_create_refuses_wrong_types(
    http: httpx.AsyncClient, services: Services, tenant: Tenant, change: dict[str, Any], error: str
) -> None:
    resp = await http.post(
        f"{BP}/create", json=[partner_body("T1", **change)], headers=tenant.headers
    )
    assert resp.status_code == 400
    assert resp.json() == {"code": 400, "error": error}
    assert await _count(services, bp_messages, tenant.account_id) == 0


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"roleId": "boss"}, "unknown roleId 'boss'"),
        ({"statusId": "gone"}, "unknown statusId 'gone'"),
        ({"companyId": "NOPE"}, "unknown companyId 'NOPE'"),
        ({"locations": [{"locationId": "999999"}]}, "unknown locationId '999999'"),
        (
            {"locations": [{**partner_body("x")["locations"][0], "countryId": "ZZ"}]},
            "unknown countryId 'ZZ'",
        ),
        (
            {"locations": [{**partner_body("x")["locations"][0], "stateId": "MX-JAL"}]},
            "unknown stateId 'MX-JAL' for country PE",
        ),
        (
            {
                "contacts": [
                    {
                        **partner_body("x")["contacts"][0],
                        "contactMethods": [{"idRemote": "m", "contactTypeId": "fax", "value": "1"}],
                    }
                ]
            },
            "unknown contactTypeId 'fax'",
        ),
        ({"idRemote": "OK"}, "duplicate idRemote within the message"),
        ({"roleId": "agent", "agentId": "OK"}, "only a partner with role client"),
    ],
)
async def test_worker_fails_a_bad_item_without_applying_any(
    http: httpx.AsyncClient,
    services: Services,
    tenant: Tenant,
    create_and_drain: Any,
    change: dict[str, Any],
    reason: str,
) -> None:
    status = await create_and_drain(tenant, [partner_body("OK"), partner_body("BAD", **change)])
    assert status["status"] == "failed"
    bad_remote = change.get("idRemote", "BAD")
    assert status["errorMessage"].startswith(f"item 1 (idRemote '{bad_remote}'): {reason}")
    assert await _count(services, bp_partners, tenant.account_id) == 0


async def test_location_reference_and_upsert_never_duplicates(
    http: httpx.AsyncClient, services: Services, tenant: Tenant, create_and_drain: Any
) -> None:
    assert (await create_and_drain(tenant, [partner_body("R1")]))["status"] == "completed"
    page = (await http.get(f"{BP}/getBPartner", headers=tenant.headers)).json()
    location_id = page["data"][0]["locations"][0]["id"]
    again = [
        partner_body("R1", contactName="Renamed"),
        partner_body("R2", locations=[{"locationId": location_id}]),
        partner_body("R3", locations=[{"locationId": "L-R1"}]),
    ]
    assert (await create_and_drain(tenant, again))["status"] == "completed"
    assert (await create_and_drain(tenant, again))["status"] == "completed"
    page = (await http.get(f"{BP}/getBPartner", headers=tenant.headers)).json()
    assert [p["idRemote"] for p in page["data"]] == ["R1", "R2", "R3"]
    assert page["data"][0]["contactName"] == "Renamed"
    assert len(page["data"][0]["contacts"]) == 1  # replaced, not appended
    assert {p["locations"][0]["id"] for p in page["data"]} == {location_id}


async def test_tax_ids_flagged_or_refused_when_strict(
    http: httpx.AsyncClient, services: Services, tenant_factory: Any, create_and_drain: Any
) -> None:
    lenient = await tenant_factory()
    assert (await create_and_drain(lenient, [partner_body("T1", tin="20100070971")]))[
        "status"
    ] == "completed"
    async with services.uow(read_only=True) as uow:
        [partner] = await uow.partners.partners.with_remote_id(lenient.account_id, "T1")
    assert partner.tin == "20100070971" and partner.tin_valid is False

    strict = await tenant_factory(strict_tax_ids=True)
    status = await create_and_drain(strict, [partner_body("T1", tin="20100070971")])
    assert status["status"] == "failed"
    assert status["errorMessage"].startswith("item 0 (idRemote 'T1'): tin: not a valid")
    # The tax id is checked against the location's country (a Chilean RUT here).
    chile = partner_body("T2", tin="12.345.678-5")
    chile["locations"][0].update(countryId="CL", stateId="CL-RM")
    assert (await create_and_drain(strict, [chile]))["status"] == "completed"


async def test_update_by_local_id_or_id_remote(
    http: httpx.AsyncClient, tenant: Tenant, tenant_factory: Any, create_and_drain: Any
) -> None:
    items = [partner_body("U1"), partner_body("U2")]
    assert (await create_and_drain(tenant, items))["status"] == "completed"
    resp = await http.put(
        f"{BP}/update/U1", json={"commercialName": "New name"}, headers=tenant.headers
    )
    assert resp.status_code == 200, resp.text
    [updated] = resp.json()["data"]
    assert updated["comercialName"] == "New name"
    assert updated["contactName"] == "Contact U1"  # untouched
    assert len(updated["locations"]) == 1 and len(updated["contacts"]) == 1

    resp = await http.put(
        f"{BP}/update/{updated['id']}",
        json={"comercialName": "Other", "contacts": [], "statusId": "blocked"},
        headers=tenant.headers,
    )
    assert resp.status_code == 200
    assert resp.json()["data"][0]["comercialName"] == "Other"
    assert resp.json()["data"][0]["status"] == "Bloqueado"
    assert resp.json()["data"][0]["contacts"] == []

    cases = [
        ("U1", {"idRemote": "U2"}, 409),
        ("U1", {"roleId": "nope", "comercialName": "Half"}, 400),
        ("U1", {"comercialName": "Half", "locations": [{"locationId": "404"}]}, 400),
        ("U1", {"active": "no"}, 400),
        ("U1", {}, 400),
        ("NOPE", {"comercialName": "x"}, 404),
    ]
    for ref, change, code in cases:
        resp = await http.put(f"{BP}/update/{ref}", json=change, headers=tenant.headers)
        assert resp.status_code == code, (ref, change, resp.text)
        assert resp.json()["code"] == code
    page = (await http.get(f"{BP}/getBPartner", headers=tenant.headers)).json()
    assert "Half" not in {p["comercialName"] for p in page["data"]}  # nothing half-applied
    resp = await http.put(f"{BP}/update/NOPE", json={"tin": "1"}, headers=tenant.headers)
    assert resp.json() == {"code": 404, "error": "No entity found for Business Partner with NOPE."}
    # Another tenant's partner reads exactly like a missing one.
    other = await tenant_factory()
    for ref in ("U1", updated["id"]):
        resp = await http.put(f"{BP}/update/{ref}", json={"tin": "1"}, headers=other.headers)
        assert resp.status_code == 404
        assert resp.json() == {
            "code": 404,
            "error": f"No entity found for Business Partner with {ref}.",
        }
        resp = await http.delete(f"{BP}/delete/{ref}", headers=other.headers)
        assert resp.status_code == 404


async def test_delete_is_blocked_by_documents_and_kept_in_history(
    http: httpx.AsyncClient, services: Services, tenant: Tenant, create_and_drain: Any
) -> None:
    assert (await create_and_drain(tenant, [partner_body("D1"), partner_body("D2")]))[
        "status"
    ] == "completed"
    await services.partners.writes.record_document(
        tenant.caller, "D1", DocumentKind.INVOICE, "F001-1"
    )
    resp = await http.delete(f"{BP}/delete/D1", headers=tenant.headers)
    assert resp.status_code == 409
    assert resp.json()["code"] == 409 and "invoice" in resp.json()["error"]
    assert await _count_partners(http, tenant) == 2

    resp = await http.delete(f"{BP}/delete/D2", headers=tenant.headers)
    assert resp.status_code == 200
    assert resp.json() == {"code": 200, "message": "BusinessPartner deleted successfully."}
    assert await _count_partners(http, tenant) == 1
    assert (await http.delete(f"{BP}/delete/D2", headers=tenant.headers)).status_code == 404
    history = await services.partners.reads.deletions(tenant.caller, 1, 10)
    [entry] = history.items
    assert entry.id_remote == "D2"
    assert '"comercial_name": "Shop D2"' in entry.snapshot
    assert '"L-D2"' in entry.snapshot


async def test_auth_and_tenant_scoping(
    http: httpx.AsyncClient, tenant: Tenant, tenant_factory: Any
) -> None:
    for method, path in [
        ("GET", f"{BP}/getBPartner"),
        ("POST", f"{BP}/create"),
        ("PUT", f"{BP}/update/1"),
        ("DELETE", f"{BP}/delete/1"),
        ("GET", "/api/database/v1/message/status/abc"),
    ]:
        resp = await http.request(method, path, headers={"access_token": "wrong"})
        assert resp.status_code == 401
        assert resp.json() == {"code": 401, "error": "Unauthorized."}
    created = await http.post(f"{BP}/create", json=[partner_body("S1")], headers=tenant.headers)
    url = created.json()["statusUrl"]
    other = await tenant_factory()
    resp = await http.get(url, headers=other.headers)
    assert resp.status_code == 404
    message_id = url.rsplit("/", 1)[-1]
    assert resp.json() == {"code": 404, "error": f"No entity found for message with {message_id}."}


async def test_page_statement_count_does_not_grow(
    http: httpx.AsyncClient, tenant: Tenant, create_and_drain: Any, count_statements: Any
) -> None:
    items = [partner_body(f"Q{i}") for i in range(30)]
    assert (await create_and_drain(tenant, items))["status"] == "completed"
    counts = []
    for size in (2, 30):
        await http.get(f"{BP}/getBPartner?pageSize=1", headers=tenant.headers)  # warm caches
        with count_statements() as counter:
            resp = await http.get(f"{BP}/getBPartner?pageSize={size}", headers=tenant.headers)
        assert len(resp.json()["data"]) == size
        counts.append(counter.count)
    assert counts[0] == counts[1]
    assert counts[1] <= 10


async def test_unknown_paths_and_methods_answer_in_the_dialect(
    http: httpx.AsyncClient, tenant: Tenant
) -> None:
    resp = await http.get(f"{BP}/getNothing", headers=tenant.headers)
    assert resp.status_code == 404
    assert resp.json() == {"code": 404, "error": "Not Found."}
    resp = await http.get(f"{BP}/create", headers=tenant.headers)
    assert resp.status_code == 405
    assert resp.json() == {"code": 405, "error": "Method Not Allowed."}
    assert "POST" in resp.headers["allow"]
    resp = await http.get(f"{BP}/getNothing", headers={**tenant.headers, "Accept": "text/xml"})
    assert ET.fromstring(resp.content).findtext("code") == "404"
