"""Ids whose number would overflow BIGINT are refused as input, never an internal error."""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

BIG = "9" * 23


def gid(kind: str) -> str:
    return base64.b64encode(f"{kind}:{BIG}".encode()).decode()


@pytest.mark.parametrize(
    ("query", "variables"),
    [
        ("query($id: ID!) { node(id: $id) { id } }", {"id": gid("BusinessPartner")}),
        ("query($id: ID!) { node(id: $id) { id } }", {"id": gid("Client")}),
        (
            "query($id: ID!) { businessPartner(id: $id) { idRemote } }",
            {"id": gid("BusinessPartner")},
        ),
        (
            "query($c: ID!) { businessPartners(first: 2, filter: {companyId: $c}) { totalCount } }",
            {"c": gid("Company")},
        ),
    ],
)
async def test_overlong_ids_are_input_errors(
    http: httpx.AsyncClient, make_account: Any, query: str, variables: dict[str, str]
) -> None:
    account = await make_account("PE")
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": variables},
        headers={"access_token": account.token},
    )
    assert response.status_code == 200
    errors = response.json()["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["INVALID_INPUT"], errors


def forged_cursor(values: list[object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("query", "cursor"),
    [
        # The old partner cursor format with a number past BIGINT (an internal error before).
        (
            "query($a: String) { businessPartners(first: 2, after: $a) { totalCount } }",
            base64.b64encode(f"bp:{BIG}".encode()).decode(),
        ),
        (
            "query($a: String) { businessPartners(first: 2, after: $a) { totalCount } }",
            forged_cursor(["bp", 2**70]),
        ),
        (
            "query($a: String) { businessPartners(first: 2, after: $a) { totalCount } }",
            forged_cursor(["oa", 5]),
        ),
        (
            "query($a: String) { clients(first: 2, after: $a) { totalCount } }",
            forged_cursor(["id", "asc", 2**70, 1]),
        ),
    ],
)
async def test_forged_cursors_are_input_errors(
    http: httpx.AsyncClient, make_account: Any, query: str, cursor: str
) -> None:
    account = await make_account("PE")
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": {"a": cursor}},
        headers={"access_token": account.token},
    )
    errors = response.json()["errors"]
    assert [e["extensions"]["code"] for e in errors] == ["INVALID_INPUT"], errors
    assert errors[0]["extensions"]["fields"][0]["field"] == ["after"]


@pytest.mark.parametrize("digit", ["\u00b2", "\u0661", "\uff11"])
async def test_global_ids_take_ascii_digits_only(
    http: httpx.AsyncClient, make_account: Any, digit: str
) -> None:
    account = await make_account("PE")
    for kind in ("Client", "BusinessPartner", "OnboardedAccount"):
        global_id = base64.b64encode(f"{kind}:{digit}".encode()).decode()
        response = await http.post(
            "/graphql",
            json={
                "query": "query($id: ID!) { node(id: $id) { id } }",
                "variables": {"id": global_id},
            },
            headers={"access_token": account.token},
        )
        errors = response.json()["errors"]
        assert [e["extensions"]["code"] for e in errors] == ["INVALID_INPUT"], (kind, errors)
