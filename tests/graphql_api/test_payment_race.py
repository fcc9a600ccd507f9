"""Money under concurrency: payments racing on one document never overpay it.

Fifty concurrent ``recordPayment`` of 10 on a document of 100: exactly ten are accepted, the
rest are refused with ``OVERPAYMENT``, and the document owes exactly 0 — on both databases.
(Before the document row was locked, PostgreSQL accepted 27-29 and owed -190.)
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

from tests.graphql_api.conftest import Gql

ERRORS = "userErrors { field message code }"
PAY = f"""mutation($d: ID!) {{ recordPayment(input: {{documentId: $d, amount: "10"}}) {{
    payment {{ amount }} {ERRORS} }} }}"""


async def test_concurrent_payments_never_overpay(make_account: Any, gql: Gql) -> None:
    acc = await make_account("PE")
    made = await gql(
        f'mutation {{ createClient(input: {{firstName: "Ana", code: "1-9"}}) {{ client {{ id }} {ERRORS} }} }}',  # noqa: E501
        token=acc.token,
    )
    client_id = made["data"]["createClient"]["client"]["id"]
    doc = await gql(
        f"""mutation($c: ID!) {{ createDocument(input: {{clientId: $c, name: "Factura",
              number: 1, emissionDate: "2026-01-01T00:00:00Z",
              expirationDate: "2026-02-01T00:00:00Z", totalAmount: "100"}})
            {{ document {{ id }} {ERRORS} }} }}""",
        {"c": client_id},
        token=acc.token,
    )
    doc_id = doc["data"]["createDocument"]["document"]["id"]

    answers = await asyncio.gather(*(gql(PAY, {"d": doc_id}, token=acc.token) for _ in range(50)))

    accepted = [a for a in answers if a["data"]["recordPayment"]["payment"] is not None]
    refused = [a["data"]["recordPayment"]["userErrors"] for a in answers]
    assert len(accepted) == 10, answers
    assert all(errors == [] or errors[0]["code"] == "OVERPAYMENT" for errors in refused)
    after = await gql(
        "query($d: ID!) { node(id: $d) { ... on Document { amountOwed paidAmount } } }",
        {"d": doc_id},
        token=acc.token,
    )
    node = after["data"]["node"]
    assert Decimal(node["amountOwed"]) == 0 and Decimal(node["paidAmount"]) == 100, after
