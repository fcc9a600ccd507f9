"""The schema's own scalars refuse bad input as the caller's mistake (a validation error),
written in the document or sent as a variable."""

from __future__ import annotations

from typing import Any

import pytest

from tests.graphql_api.conftest import Gql

DOCUMENT = (
    'mutation DECLARED { createDocument(input: {clientId: "x", name: "F", number: NUMBER,'
    ' emissionDate: "2020-01-01T00:00:00Z", expirationDate: "2020-01-01T00:00:00Z",'
    ' totalAmount: "1"}) { document { id } } }'
)


@pytest.mark.parametrize(
    ("literal", "message"),
    [
        ("[]", "Long must be an integer"),
        ("true", "Long must be an integer"),
        ('"x"', "Long must be written with the digits 0-9"),
        ('"²"', "Long must be written with the digits 0-9"),
        (str(2**70), "Long must fit in 64 bits"),
    ],
)
async def test_a_bad_long_literal_is_a_validation_error(
    make_account: Any, gql: Gql, literal: str, message: str
) -> None:
    acc = await make_account("PE")
    body = await gql(
        DOCUMENT.replace("DECLARED", "").replace("NUMBER", literal),
        token=acc.token,
    )
    assert body.get("data") is None, body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED", body
    assert message in error["message"]


@pytest.mark.parametrize("value", [[], "x", "²", 2**70, True])
async def test_a_bad_long_variable_is_a_validation_error(
    make_account: Any, gql: Gql, value: Any
) -> None:
    acc = await make_account("PE")
    body = await gql(
        DOCUMENT.replace("DECLARED", "($n: Long!)").replace("NUMBER", "$n"),
        {"n": value},
        token=acc.token,
    )
    assert body.get("data") is None, body
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED", body
