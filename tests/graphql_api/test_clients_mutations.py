"""Client mutations over HTTP POST /graphql: results, userErrors, and no partial writes."""

# ruff: noqa: E501 - GraphQL documents read best on one line

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from clientgate.container import Services
from core.clients.model import ClientChanges, ClientFilter
from graphql_api.relay import to_global_id
from tests.graphql_api.conftest import Gql
from tests.support.callers import caller

ERRORS = "userErrors { field message code }"


def ok(body: dict[str, Any], name: str) -> dict[str, Any]:
    assert "errors" not in body, body
    payload: dict[str, Any] = body["data"][name]
    assert payload["userErrors"] == [], payload
    return payload


def refused(body: dict[str, Any], name: str) -> list[dict[str, Any]]:
    assert "errors" not in body, body
    payload = body["data"][name]
    assert payload["userErrors"], payload
    errors: list[dict[str, Any]] = payload["userErrors"]
    return errors


async def _count(services: Services, account: Any) -> int:
    return await services.clients.count(caller(account), ClientFilter())


async def test_create_update_deactivate_client(
    services: Services, make_account: Any, gql: Gql
) -> None:
    acc = await make_account("PE")
    pt = ok(
        await gql(
            f'mutation {{ createPaymentType(input: {{name: "Contado"}}) {{ paymentType {{ id name }} {ERRORS} }} }}',
            token=acc.token,
        ),
        "createPaymentType",
    )["paymentType"]
    attr = ok(
        await gql(
            f'mutation {{ createDynamicAttribute(input: {{name: "Rubro"}}) {{ dynamicAttribute {{ id }} {ERRORS} }} }}',
            token=acc.token,
        ),
        "createDynamicAttribute",
    )["dynamicAttribute"]
    created = ok(
        await gql(
            f"""mutation($input: CreateClientInput!) {{
                  createClient(input: $input) {{
                    client {{ id firstName code codeValid district municipality hasCredit
                              companyOrPerson state paymentType {{ name }}
                              attributes {{ name value }} }}
                    {ERRORS}
                  }}
                }}""",
            {
                "input": {
                    "firstName": "Ana",
                    "code": "20100070970",
                    "municipality": "Miraflores",
                    "hasCredit": True,
                    "companyOrPerson": "COMPANY",
                    "paymentTypeId": pt["id"],
                    "attributes": [{"dynamicAttributeId": attr["id"], "value": "Textil"}],
                }
            },
            token=acc.token,
        ),
        "createClient",
    )["client"]
    assert created["firstName"] == "Ana"
    assert created["district"] == created["municipality"] == "Miraflores"
    assert created["hasCredit"] is True and created["companyOrPerson"] == "COMPANY"
    assert created["paymentType"] == {"name": "Contado"}
    assert created["attributes"] == [{"name": "Rubro", "value": "Textil"}]
    assert created["codeValid"] is True

    updated = ok(
        await gql(
            f"""mutation($input: UpdateClientInput!) {{
                  updateClient(input: $input) {{ client {{ firstName lastName email phone }} {ERRORS} }}
                }}""",
            {"input": {"id": created["id"], "lastName": "Pérez", "phone": None}},
            token=acc.token,
        ),
        "updateClient",
    )["client"]
    # Only the fields given are written: firstName stays, phone set to null.
    assert updated == {"firstName": "Ana", "lastName": "Pérez", "email": None, "phone": None}

    gone = ok(
        await gql(
            f'mutation {{ deactivateClient(input: {{id: "{created["id"]}"}}) {{ client {{ state }} {ERRORS} }} }}',
            token=acc.token,
        ),
        "deactivateClient",
    )
    assert gone["client"] == {"state": "INACTIVE"}


async def test_invalid_client_input_writes_nothing(
    services: Services, make_account: Any, gql: Gql
) -> None:
    acc = await make_account("PE", strict_tax_ids=True)
    before = await _count(services, acc.account)
    errors = refused(
        await gql(
            f"""mutation($input: CreateClientInput!) {{
                  createClient(input: $input) {{ client {{ id }} {ERRORS} }} }}""",
            {
                "input": {
                    "firstName": "X",
                    "email": "not-an-email",
                    "code": "20100070971",
                    "paymentTypeId": to_global_id("PaymentType", 999999),
                    "district": "A",
                    "municipality": "B",
                    "attributes": [{"dynamicAttributeId": "garbage", "value": "v"}],
                }
            },
            token=acc.token,
        ),
        "createClient",
    )
    by_field = {tuple(e["field"]): e["code"] for e in errors}
    assert by_field[("input", "municipality")] == "INVALID", errors
    assert by_field[("input", "attributes", "0", "dynamicAttributeId")] == "INVALID"
    assert await _count(services, acc.account) == before

    errors = refused(
        await gql(
            f"""mutation($input: CreateClientInput!) {{
                  createClient(input: $input) {{ client {{ id }} {ERRORS} }} }}""",
            {
                "input": {
                    "firstName": "X",
                    "email": "not-an-email",
                    "code": "20100070971",
                    "paymentTypeId": to_global_id("PaymentType", 999999),
                }
            },
            token=acc.token,
        ),
        "createClient",
    )
    by_field = {tuple(e["field"]): e["code"] for e in errors}
    assert by_field == {
        ("input", "email"): "INVALID_EMAIL",
        ("input", "code"): "INVALID_TAX_ID",
        ("input", "paymentTypeId"): "NOT_FOUND",
    }
    assert await _count(services, acc.account) == before


async def test_contacts_and_addresses(services: Services, make_account: Any, gql: Gql) -> None:
    acc = await make_account("CL")
    client = await services.clients.create(caller(acc.account), ClientChanges({"first_name": "C"}))
    cid = to_global_id("Client", client.id)

    contact = ok(
        await gql(
            f"""mutation($c: ID!) {{ addContact(input: {{clientId: $c, firstName: "Rosa", email: "r@x.cl"}})
                {{ contact {{ id firstName email }} {ERRORS} }} }}""",
            {"c": cid},
            token=acc.token,
        ),
        "addContact",
    )["contact"]
    changed = ok(
        await gql(
            f"""mutation($c: ID!, $id: ID!) {{ updateContact(input: {{clientId: $c, id: $id, phone: "555"}})
                {{ contact {{ firstName phone }} {ERRORS} }} }}""",
            {"c": cid, "id": contact["id"]},
            token=acc.token,
        ),
        "updateContact",
    )["contact"]
    assert changed == {"firstName": "Rosa", "phone": "555"}
    deleted = ok(
        await gql(
            f"""mutation($c: ID!, $id: ID!) {{ deleteContact(input: {{clientId: $c, id: $id}})
                {{ deletedContactId {ERRORS} }} }}""",
            {"c": cid, "id": contact["id"]},
            token=acc.token,
        ),
        "deleteContact",
    )
    assert deleted["deletedContactId"] == contact["id"]
    again = refused(
        await gql(
            f"""mutation($c: ID!, $id: ID!) {{ deleteContact(input: {{clientId: $c, id: $id}})
                {{ deletedContactId {ERRORS} }} }}""",
            {"c": cid, "id": contact["id"]},
            token=acc.token,
        ),
        "deleteContact",
    )
    assert again[0]["code"] == "NOT_FOUND"

    address = ok(
        await gql(
            f"""mutation($c: ID!) {{ addAddress(input: {{clientId: $c, address: "Calle 1", municipality: "Ñuñoa"}})
                {{ address {{ id address district municipality state }} {ERRORS} }} }}""",
            {"c": cid},
            token=acc.token,
        ),
        "addAddress",
    )["address"]
    assert address["district"] == address["municipality"] == "Ñuñoa"
    moved = ok(
        await gql(
            f"""mutation($c: ID!, $id: ID!) {{ updateAddress(input: {{clientId: $c, id: $id, city: "Santiago"}})
                {{ address {{ address city }} {ERRORS} }} }}""",
            {"c": cid, "id": address["id"]},
            token=acc.token,
        ),
        "updateAddress",
    )["address"]
    assert moved == {"address": "Calle 1", "city": "Santiago"}
    off = ok(
        await gql(
            f"""mutation($c: ID!, $id: ID!) {{ deactivateAddress(input: {{clientId: $c, id: $id}})
                {{ address {{ state }} {ERRORS} }} }}""",
            {"c": cid, "id": address["id"]},
            token=acc.token,
        ),
        "deactivateAddress",
    )["address"]
    assert off == {"state": "INACTIVE"}
    empty = refused(
        await gql(
            f"""mutation($c: ID!) {{ addAddress(input: {{clientId: $c, address: ""}})
                {{ address {{ id }} {ERRORS} }} }}""",
            {"c": cid},
            token=acc.token,
        ),
        "addAddress",
    )
    assert empty == [{"field": ["input", "address"], "message": "is required", "code": "REQUIRED"}]


async def test_attributes_points_documents_payments(
    services: Services, make_account: Any, gql: Gql
) -> None:
    acc = await make_account("PE")
    client = await services.clients.create(caller(acc.account), ClientChanges({"first_name": "P"}))
    cid = to_global_id("Client", client.id)
    attr = await services.clients.add_attribute_definition(caller(acc.account), "Color")

    attrs = ok(
        await gql(
            f"""mutation($c: ID!, $a: ID!) {{
                  setClientAttributes(input: {{clientId: $c, attributes: [{{dynamicAttributeId: $a, value: "Azul"}}]}})
                  {{ client {{ attributes {{ name value }} }} {ERRORS} }} }}""",
            {"c": cid, "a": to_global_id("DynamicAttribute", attr.id)},
            token=acc.token,
        ),
        "setClientAttributes",
    )
    assert attrs["client"]["attributes"] == [{"name": "Color", "value": "Azul"}]
    unknown = refused(
        await gql(
            f"""mutation($c: ID!, $a: ID!) {{
                  setClientAttributes(input: {{clientId: $c, attributes: [{{dynamicAttributeId: $a, value: "x"}}]}})
                  {{ client {{ id }} {ERRORS} }} }}""",
            {"c": cid, "a": to_global_id("DynamicAttribute", 987654)},
            token=acc.token,
        ),
        "setClientAttributes",
    )
    assert unknown[0]["field"] == ["input", "attributes", "0", "dynamicAttributeId"]
    assert unknown[0]["code"] == "NOT_FOUND"

    points = f"""mutation($c: ID!, $op: PointsOperation!, $n: Int!) {{
        changePoints(input: {{clientId: $c, operation: $op, points: $n, description: "d"}}) {{
          entry {{ operation points balance }} client {{ points }} {ERRORS} }} }}"""
    added = ok(await gql(points, {"c": cid, "op": "ADD", "n": 10}, token=acc.token), "changePoints")
    assert added["entry"] == {"operation": "ADD", "points": 10, "balance": 10.0}
    assert added["client"] == {"points": 10.0}
    over = refused(
        await gql(points, {"c": cid, "op": "SUBTRACT", "n": 11}, token=acc.token), "changePoints"
    )
    assert over[0]["code"] == "INSUFFICIENT_POINTS" and over[0]["field"] == ["input", "points"]
    zero = refused(
        await gql(points, {"c": cid, "op": "ADD", "n": 0}, token=acc.token), "changePoints"
    )
    assert zero[0]["code"] == "OUT_OF_RANGE"
    assert (await services.clients.get(caller(acc.account), client.id)).points == 10.0

    doc = ok(
        await gql(
            f"""mutation($c: ID!) {{ createDocument(input: {{clientId: $c, name: "Factura",
                  number: 123123123217, emissionDate: "2015-07-21T00:00:00Z",
                  expirationDate: "2015-07-21T00:00:00Z", totalAmount: "200.50"}})
                {{ document {{ id number totalAmount amountOwed emissionDate }} {ERRORS} }} }}""",
            {"c": cid},
            token=acc.token,
        ),
        "createDocument",
    )["document"]
    assert doc["number"] == 123123123217
    assert Decimal(doc["totalAmount"]) == Decimal("200.50")
    assert doc["emissionDate"].startswith("2015-07-21T00:00:00")

    pay = f"""mutation($d: ID!, $a: Decimal!) {{ recordPayment(input: {{documentId: $d, amount: $a}}) {{
        payment {{ amount }} document {{ amountOwed paidAmount }} {ERRORS} }} }}"""
    paid = ok(await gql(pay, {"d": doc["id"], "a": "50.25"}, token=acc.token), "recordPayment")
    assert Decimal(paid["payment"]["amount"]) == Decimal("50.25")
    assert Decimal(paid["document"]["amountOwed"]) == Decimal("150.25")
    too_much = refused(
        await gql(pay, {"d": doc["id"], "a": "1000"}, token=acc.token), "recordPayment"
    )
    assert too_much[0]["code"] == "OVERPAYMENT"
    backwards = refused(
        await gql(
            f"""mutation($c: ID!) {{ createDocument(input: {{clientId: $c, name: "F", number: 1,
                  emissionDate: "2015-07-21T00:00:00Z", expirationDate: "2015-07-20T00:00:00Z",
                  totalAmount: "1"}}) {{ document {{ id }} {ERRORS} }} }}""",
            {"c": cid},
            token=acc.token,
        ),
        "createDocument",
    )
    assert backwards[0]["field"] == ["input", "expirationDate"]


async def test_catalog_mutations(make_account: Any, gql: Gql) -> None:
    acc = await make_account("PE")
    for mutation, field in (
        ("createPaymentType", "paymentType"),
        ("createPriceList", "priceList"),
        ("createSaleCondition", "saleCondition"),
    ):
        made = ok(
            await gql(
                f'mutation {{ {mutation}(input: {{name: " Uno "}}) {{ {field} {{ name state }} {ERRORS} }} }}',
                token=acc.token,
            ),
            mutation,
        )
        assert made[field] == {"name": "Uno", "state": "ACTIVE"}
        blank = refused(
            await gql(
                f'mutation {{ {mutation}(input: {{name: "  "}}) {{ {field} {{ name }} {ERRORS} }} }}',
                token=acc.token,
            ),
            mutation,
        )
        assert blank[0]["field"] == ["input", "name"]


async def test_another_tenants_ids_are_not_found(
    services: Services, make_account: Any, gql: Gql
) -> None:
    owner = await make_account("PE")
    intruder = await make_account("PE")
    svc = services.clients
    client = await svc.create(caller(owner.account), ClientChanges({"first_name": "Mine"}))
    contact = await svc.add_contact(caller(owner.account), client.id, {"first_name": "K"})
    address = await svc.add_address(caller(owner.account), client.id, {"address": "A 1"})
    doc = await svc.add_document(
        caller(owner.account),
        client.id,
        name="F",
        number=1,
        emission_date=0,
        expiration_date=0,
        total_amount=Decimal(10),
    )
    c = to_global_id("Client", client.id)
    k = to_global_id("Contact", contact.id)
    a = to_global_id("Address", address.id)
    d = to_global_id("Document", doc.id)
    attempts = {
        "updateClient": f'{{id: "{c}", firstName: "Hacked"}}',
        "deactivateClient": f'{{id: "{c}"}}',
        "addContact": f'{{clientId: "{c}", firstName: "Hacked"}}',
        "updateContact": f'{{clientId: "{c}", id: "{k}", firstName: "Hacked"}}',
        "deleteContact": f'{{clientId: "{c}", id: "{k}"}}',
        "addAddress": f'{{clientId: "{c}", address: "Hacked"}}',
        "updateAddress": f'{{clientId: "{c}", id: "{a}", address: "Hacked"}}',
        "deactivateAddress": f'{{clientId: "{c}", id: "{a}"}}',
        "setClientAttributes": f'{{clientId: "{c}", attributes: []}}',
        "changePoints": f'{{clientId: "{c}", operation: ADD, points: 5, description: "x"}}',
        "createDocument": f'{{clientId: "{c}", name: "F", number: 2, emissionDate: "2020-01-01T00:00:00Z", expirationDate: "2020-01-01T00:00:00Z", totalAmount: "1"}}',
        "recordPayment": f'{{documentId: "{d}", amount: "1"}}',
    }
    for mutation, arguments in attempts.items():
        body = await gql(
            f"mutation {{ {mutation}(input: {arguments}) {{ {ERRORS} }} }}", token=intruder.token
        )
        errors = refused(body, mutation)
        assert [e["code"] for e in errors] == ["NOT_FOUND"], (mutation, errors)
    # Nothing of the owner's changed.
    assert (await svc.get(caller(owner.account), client.id)).first_name == "Mine"
    assert (await svc.get(caller(owner.account), client.id)).state == 0
    assert [
        x.first_name
        for x in (await svc.list_contacts(caller(owner.account), client.id, 50, 0)).items
    ] == ["K"]
    assert (await svc.get_document(caller(owner.account), doc.id)).paid_amount == 0


@pytest.mark.parametrize(
    ("client_id", "expected_field"),
    [
        ("@@@", ["input", "clientId"]),
        (to_global_id("Client", "x1"), ["input", "clientId"]),
        (to_global_id("Contact", 1), ["input", "clientId"]),
    ],
)
async def test_invalid_global_ids_are_user_errors(
    make_account: Any, gql: Gql, client_id: str, expected_field: list[str]
) -> None:
    acc = await make_account("PE")
    body = await gql(
        f"""mutation($c: ID!) {{ addContact(input: {{clientId: $c, firstName: "x"}})
            {{ contact {{ id }} {ERRORS} }} }}""",
        {"c": client_id},
        token=acc.token,
    )
    errors = refused(body, "addContact")
    assert errors[0]["field"] == expected_field and errors[0]["code"] == "INVALID"


async def test_wrong_or_missing_input_is_a_graphql_error(
    services: Services, make_account: Any, gql: Gql
) -> None:
    acc = await make_account("PE")
    before = await _count(services, acc.account)
    cases = [
        # Missing required field of an input object.
        ('mutation { addContact(input: {firstName: "x"}) { contact { id } } }', None),
        # Wrong variable type.
        (
            'mutation($n: Int!) { changePoints(input: {clientId: "x", operation: ADD, points: $n, description: "d"}) { entry { id } } }',
            {"n": "ten"},
        ),
        # Unknown input field.
        ('mutation { createClient(input: {nickname: "x"}) { client { id } } }', None),
        # Unknown enum value.
        ("mutation { createClient(input: {companyOrPerson: ROBOT}) { client { id } } }", None),
        # A Long that does not fit 64 bits.
        (
            'mutation($n: Long!) { createDocument(input: {clientId: "x", name: "F", number: $n, emissionDate: "2020-01-01T00:00:00Z", expirationDate: "2020-01-01T00:00:00Z", totalAmount: "1"}) { document { id } } }',
            {"n": 2**70},
        ),
    ]
    for query, variables in cases:
        body = await gql(query, variables, token=acc.token)
        assert body.get("data") is None, body
        assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED", body
    assert await _count(services, acc.account) == before


async def test_mutations_need_credentials(gql: Gql) -> None:
    body = await gql('mutation { createPaymentType(input: {name: "x"}) { userErrors { code } } }')
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    body = await gql(
        'mutation { createPaymentType(input: {name: "x"}) { userErrors { code } } }',
        token="not-a-token",
    )
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_update_reports_bad_id_and_bad_fields_together(make_account: Any, gql: Gql) -> None:
    acc = await make_account("PE")
    body = await gql(
        f'mutation {{ updateClient(input: {{id: "nope", paymentTypeId: "bad"}}) {{ client {{ id }} {ERRORS} }} }}',
        token=acc.token,
    )
    fields = sorted(tuple(e["field"]) for e in refused(body, "updateClient"))
    assert fields == [("input", "id"), ("input", "paymentTypeId")]
