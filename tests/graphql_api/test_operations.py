"""GraphQL over HTTP details: a document of several operations needs ``operationName``, and a
variable of the wrong type is refused without echoing the value it carried."""

from __future__ import annotations

from typing import Any

import httpx

from tests.graphql_api.conftest import Gql, answer

TWO = 'query A { __typename } mutation B { createPaymentType(input: {name: "x"}) { userErrors { code } } }'  # noqa: E501


async def test_several_operations_need_a_name(
    http: httpx.AsyncClient, make_account: Any, gql: Gql
) -> None:
    acc = await make_account("PE")
    headers = {"Authorization": f"Bearer {acc.token}"}
    refused = await http.post("/graphql", json={"query": TWO}, headers=headers)
    assert refused.status_code == 400
    assert refused.json() == {
        "errors": [
            {
                "message": "Must provide operation name if query contains multiple operations.",
                "extensions": {"code": "BAD_REQUEST"},
            }
        ]
    }
    # Nothing ran: no payment type was created.
    assert answer(await gql("{ paymentTypes { id } }", token=acc.token)) == {
        "data": {"paymentTypes": []}
    }
    named = await http.post("/graphql", json={"query": TWO, "operationName": "A"}, headers=headers)
    assert answer(named.json()) == {"data": {"__typename": "Query"}}
    one = await http.post("/graphql", json={"query": "query A { __typename }"}, headers=headers)
    assert answer(one.json()) == {"data": {"__typename": "Query"}}


async def test_variable_errors_do_not_echo_values(make_account: Any, gql: Gql) -> None:
    acc = await make_account("PE", is_reseller=True)
    secret = "TOPSECRET-0s3-pa55w0rd"
    item = {
        "ruc": "20100070970",
        "companyName": "ACME",
        "validatorEntity": secret,
        "externalOsePassword": {"value": secret},
    }
    body = await gql(
        "mutation($i: [OnboardClientInput!]!) "
        "{ onboardClients(input: $i) { userErrors { code } } }",
        {"i": [item]},
        token=acc.token,
    )
    assert secret not in str(body)
    assert [e["message"] for e in body["errors"]] == [
        "Variable '$i' has invalid value at [0].validatorEntity: "
        "not a value of the 'ValidatorEntity' enum.",
        "Variable '$i' has invalid value at [0]: "
        "Expected value of type 'OnboardClientInput' to include required field "
        "'integrationType'.",
        "Variable '$i' has invalid value at [0].externalOsePassword: "
        "String cannot represent a non string value.",
    ]
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"

    number = await gql(
        "query($n: Int!) { clients(first: $n) { totalCount } }", {"n": secret}, token=acc.token
    )
    assert secret not in str(number)
    assert number["errors"][0]["message"] == (
        "Variable '$n' has invalid value: Int cannot represent non-integer value."
    )
