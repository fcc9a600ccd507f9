"""GraphQL: one character over any client, contact, address or attribute-value text limit is a
``TOO_LONG`` userError naming the field, on both databases, never an internal error."""

from __future__ import annotations

from typing import Any

import pytest

from core.clients.rules import (
    ADDRESS_TEXT_LIMITS,
    ATTRIBUTE_VALUE_LIMIT,
    CLIENT_TEXT_LIMITS,
    CONTACT_TEXT_LIMITS,
)
from tests.graphql_api.conftest import Gql
from tests.rest_compat.bsale.test_text_limits import text

ERRORS = "userErrors { field message code }"


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(p.title() for p in rest)


async def _create(gql: Gql, token: str, values: dict[str, Any]) -> dict[str, Any]:
    body = await gql(
        f"""mutation($in: CreateClientInput!) {{
              createClient(input: $in) {{ client {{ id }} {ERRORS} }} }}""",
        {"in": values},
        token=token,
    )
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"]["createClient"]
    return payload


@pytest.mark.parametrize("field", sorted(CLIENT_TEXT_LIMITS))
async def test_client_fields(make_account: Any, gql: Gql, field: str) -> None:
    acc = await make_account("PE")
    name, limit = camel(field), CLIENT_TEXT_LIMITS[field]
    extra = {} if field == "first_name" else {"firstName": "N"}
    ok = await _create(gql, acc.token, {**extra, name: text(field, limit)})
    assert ok["userErrors"] == [] and ok["client"], ok
    refused = await _create(gql, acc.token, {**extra, name: text(field, limit + 1)})
    assert refused == {
        "client": None,
        "userErrors": [
            {
                "field": ["input", name],
                "message": f"must be at most {limit} characters",
                "code": "TOO_LONG",
            }
        ],
    }


async def _client_id(gql: Gql, token: str) -> str:
    created = await _create(gql, token, {"firstName": "C"})
    client_id: str = created["client"]["id"]
    return client_id


@pytest.mark.parametrize("field", sorted(CONTACT_TEXT_LIMITS))
async def test_contact_fields(make_account: Any, gql: Gql, field: str) -> None:
    acc = await make_account("CL")
    client_id = await _client_id(gql, acc.token)
    name, limit = camel(field), CONTACT_TEXT_LIMITS[field]
    query = f"""mutation($in: AddContactInput!) {{
        addContact(input: $in) {{ contact {{ id }} {ERRORS} }} }}"""
    answers = []
    for length in (limit, limit + 1):
        body = await gql(
            query, {"in": {"clientId": client_id, name: text(field, length)}}, token=acc.token
        )
        answers.append(body["data"]["addContact"])
    assert answers[0]["userErrors"] == [] and answers[0]["contact"]
    assert answers[1]["userErrors"] == [
        {
            "field": ["input", name],
            "message": f"must be at most {limit} characters",
            "code": "TOO_LONG",
        }
    ]


@pytest.mark.parametrize("field", sorted(ADDRESS_TEXT_LIMITS))
async def test_address_fields(make_account: Any, gql: Gql, field: str) -> None:
    acc = await make_account("CL")
    client_id = await _client_id(gql, acc.token)
    name, limit = camel(field), ADDRESS_TEXT_LIMITS[field]
    query = f"""mutation($in: AddAddressInput!) {{
        addAddress(input: $in) {{ address {{ id }} {ERRORS} }} }}"""
    answers = []
    for length in (limit, limit + 1):
        values = {"clientId": client_id, "address": "A", name: text(field, length)}
        body = await gql(query, {"in": values}, token=acc.token)
        answers.append(body["data"]["addAddress"])
    assert answers[0]["userErrors"] == [] and answers[0]["address"]
    assert answers[1]["userErrors"] == [
        {
            "field": ["input", name],
            "message": f"must be at most {limit} characters",
            "code": "TOO_LONG",
        }
    ]


async def test_attribute_values(make_account: Any, gql: Gql) -> None:
    acc = await make_account("PE")
    client_id = await _client_id(gql, acc.token)
    attr = await gql(
        'mutation { createDynamicAttribute(input: {name: "Edad"}) { dynamicAttribute { id } } }',
        token=acc.token,
    )
    attr_id = attr["data"]["createDynamicAttribute"]["dynamicAttribute"]["id"]
    query = f"""mutation($in: SetClientAttributesInput!) {{
        setClientAttributes(input: $in) {{ client {{ id }} {ERRORS} }} }}"""
    limit = ATTRIBUTE_VALUE_LIMIT
    answers = []
    for length in (limit, limit + 1):
        values = {
            "clientId": client_id,
            "attributes": [{"dynamicAttributeId": attr_id, "value": "x" * length}],
        }
        body = await gql(query, {"in": values}, token=acc.token)
        answers.append(body["data"]["setClientAttributes"])
    assert answers[0]["userErrors"] == [] and answers[0]["client"]
    assert answers[1]["userErrors"] == [
        {
            "field": ["input", "attributes", "0", "value"],
            "message": f"must be at most {limit} characters",
            "code": "TOO_LONG",
        }
    ]
