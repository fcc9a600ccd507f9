"""Ids and numbers in the BusinessPartner dialect are ASCII digits only (hardening §5): other
Unicode digits are never taken as a local id, and none of them reaches a 500."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.rest_compat.business_partner.conftest import Tenant, partner_body

BP = "/BusinessPartner"
# Arabic-Indic and fullwidth digits: int() reads both as numbers, str.isdigit() accepts both.
ARABIC_INDIC = str.maketrans("0123456789", "".join(chr(0x660 + d) for d in range(10)))
FULLWIDTH = str.maketrans("0123456789", "".join(chr(0xFF10 + d) for d in range(10)))


async def _partner_ids(http: httpx.AsyncClient, tenant: Tenant) -> list[str]:
    page = (await http.get(f"{BP}/getBPartner?pageSize=100", headers=tenant.headers)).json()
    return [p["id"] for p in page["data"]]


async def test_other_digits_never_name_a_local_id(
    http: httpx.AsyncClient, tenant: Tenant, create_and_drain: Any
) -> None:
    assert (await create_and_drain(tenant, [partner_body("D1")]))["status"] == "completed"
    [local] = await _partner_ids(http, tenant)
    for table in (ARABIC_INDIC, FULLWIDTH):
        ref = local.translate(table)
        resp = await http.put(f"{BP}/update/{ref}", json={"tin": "1"}, headers=tenant.headers)
        assert (resp.status_code, resp.json()) == (
            404,
            {"code": 404, "error": f"No entity found for Business Partner with {ref}."},
        )
        resp = await http.delete(f"{BP}/delete/{ref}", headers=tenant.headers)
        assert (resp.status_code, resp.json()) == (
            404,
            {"code": 404, "error": f"No entity found for Business Partner with {ref}."},
        )
    assert await _partner_ids(http, tenant) == [local]  # still there, unchanged
    page = (await http.get(f"{BP}/getBPartner", headers=tenant.headers)).json()
    assert page["data"][0]["tin"] == "20100070970"


@pytest.mark.parametrize("ref", ["²", "¹²", "1²"])
async def test_superscript_refs_are_unknown_partners(
    http: httpx.AsyncClient, tenant: Tenant, create_and_drain: Any, ref: str
) -> None:
    assert (await create_and_drain(tenant, [partner_body("AG", roleId="agent")]))[
        "status"
    ] == "completed"
    expected = {"code": 404, "error": f"No entity found for Business Partner with {ref}."}
    resp = await http.put(f"{BP}/update/{ref}", json={"tin": "1"}, headers=tenant.headers)
    assert (resp.status_code, resp.json()) == (404, expected)
    resp = await http.delete(f"{BP}/delete/{ref}", headers=tenant.headers)
    assert (resp.status_code, resp.json()) == (404, expected)
    resp = await http.post(
        f"{BP}/assignClientsToAgent",
        json=[{"agentId": ref, "clients": [{"idRemote": "C1"}]}],
        headers=tenant.headers,
    )
    assert (resp.status_code, resp.json()) == (404, expected)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"companyId": "²"}, "unknown companyId '²'"),
        ({"companyId": "\u0661"}, "unknown companyId '\u0661'"),
        ({"locations": [{"locationId": "²"}]}, "unknown locationId '²'"),
        ({"agentId": "²"}, "unknown agentId '²' in the company"),
    ],
)
async def test_queued_references_with_other_digits_are_item_errors(
    http: httpx.AsyncClient,
    tenant: Tenant,
    create_and_drain: Any,
    change: dict[str, Any],
    reason: str,
) -> None:
    """Before: ``int("²")`` raised in the worker, the message went back to pending and failed
    five attempts later with "ValueError"."""
    status = await create_and_drain(tenant, [partner_body("X", **change)])
    assert status == {"status": "failed", "errorMessage": f"item 0 (idRemote 'X'): {reason}"}


@pytest.mark.parametrize("value", ["\u0661", "\u0662\u0660", "\uff11", "+5", "1_0", "²"])
async def test_page_numbers_are_ascii_digits(
    http: httpx.AsyncClient, tenant: Tenant, value: str
) -> None:
    for name in ("page", "pageSize"):
        resp = await http.get(f"{BP}/getBPartner", params={name: value}, headers=tenant.headers)
        assert (resp.status_code, resp.json()) == (
            400,
            {"code": 400, "error": f"Parameter {name} must be a positive integer"},
        )
