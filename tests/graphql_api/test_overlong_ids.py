"""Ids whose number would overflow BIGINT are refused as input, never an internal error."""

from __future__ import annotations

import base64
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
