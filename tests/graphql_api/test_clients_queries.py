"""Client queries over HTTP POST /graphql, on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from clientgate.container import Services
from core.accounts.model import NewAccount
from core.clients.model import (
    AttributeInput,
    CatalogKind,
    ClientChanges,
    PointsOperation,
)
from graphql_api.relay import to_global_id
from tests.graphql_api.conftest import Gql
from tests.support.callers import caller

CLIENT_FIELDS = """
  id databaseId firstName lastName email code codeValid phone company note facebook twitter
  hasCredit maxCredit state activity city district municipality address companyOrPerson
  accumulatePoints points pointsUpdated sendDte isForeigner prestashopClientId createdAt
  updatedAt
"""


async def _client(services: Services, acc: NewAccount, **values: Any) -> int:
    attrs = values.pop("attributes", None)
    client = await services.clients.create(
        caller(acc.account), ClientChanges(values=values, attributes=attrs)
    )
    return client.id


async def _rich_client(services: Services, acc: NewAccount) -> dict[str, int]:
    """A client with every kind of child: catalogs, contact, address, attribute, points,
    two documents (one overdue), one partial payment."""
    svc = services.clients
    account = acc.account
    pt = await svc.add_catalog_item(caller(account), CatalogKind.PAYMENT_TYPE, "Efectivo")
    pl = await svc.add_catalog_item(caller(account), CatalogKind.PRICE_LIST, "Mayorista")
    sc = await svc.add_catalog_item(caller(account), CatalogKind.SALE_CONDITION, "30 días")
    attr = await svc.add_attribute_definition(caller(account), "Rubro")
    cid = await _client(
        services,
        acc,
        first_name="Gabriel",
        last_name="Seguel",
        email="gseguel@example.pe",
        company="Gabriel Seguel",
        city="Lima",
        district="Miraflores",
        has_credit=1,
        max_credit=1500.0,
        accumulate_points=1,
        company_or_person=1,
        payment_type_id=pt.id,
        price_list_id=pl.id,
        sale_condition_id=sc.id,
        attributes=[AttributeInput(attr.id, "Textil")],
    )
    await svc.add_contact(caller(account), cid, {"first_name": "Rosa", "email": "rosa@example.pe"})
    await svc.add_address(
        caller(account), cid, {"address": "Av. Benavides 123", "district": "Surco"}
    )
    await svc.change_points(caller(account), cid, PointsOperation.ADD, 40, "first purchase")
    overdue = await svc.add_document(
        caller(account),
        cid,
        name="Factura",
        number=123123123217,
        emission_date=1_437_436_800,
        expiration_date=1_437_436_800,
        total_amount=Decimal("20000"),
    )
    await svc.add_document(
        caller(account),
        cid,
        name="Factura",
        number=123123123220,
        emission_date=1_437_523_200,
        expiration_date=1_440_201_600,
        total_amount=Decimal("30000"),
    )
    await svc.add_payment(caller(account), overdue.id, Decimal("5000"))
    return {"client": cid, "pt": pt.id, "pl": pl.id, "sc": sc.id, "attr": attr.id}


async def test_client_fields_and_children(services: Services, make_account: Any, gql: Gql) -> None:
    acc = await make_account("PE")
    ids = await _rich_client(services, acc)
    body = await gql(
        f"""
        query($id: ID!) {{
          client(id: $id) {{
            {CLIENT_FIELDS}
            paymentType {{ id name state }} priceList {{ name }} saleCondition {{ name }}
            contacts {{ id firstName email }}
            addresses {{ address district municipality state }}
            attributes {{ name value definitionId }}
            pointsHistory {{ operation points balance description }}
            documents {{ number totalAmount paidAmount amountOwed }}
            unpaidSummary(comparisonDate: "2015-08-01T00:00:00Z") {{
              overdueDebt upcomingDebt totalDebt
              overdueDocuments {{ number amountOwed }} upcomingDocuments {{ number }}
            }}
          }}
        }}""",
        {"id": to_global_id("Client", ids["client"])},
        token=acc.token,
    )
    assert "errors" not in body, body
    c = body["data"]["client"]
    assert c["id"] == to_global_id("Client", ids["client"])
    assert c["databaseId"] == ids["client"]
    assert (c["firstName"], c["lastName"], c["company"]) == ("Gabriel", "Seguel", "Gabriel Seguel")
    assert c["district"] == c["municipality"] == "Miraflores"
    assert c["hasCredit"] is True and c["maxCredit"] == 1500.0
    assert c["state"] == "ACTIVE" and c["companyOrPerson"] == "COMPANY"
    assert c["accumulatePoints"] is True and c["sendDte"] is False
    assert c["points"] == 40.0 and c["pointsUpdated"] is not None
    assert c["createdAt"].endswith("+00:00")
    assert c["paymentType"] == {
        "id": to_global_id("PaymentType", ids["pt"]),
        "name": "Efectivo",
        "state": "ACTIVE",
    }
    assert c["priceList"] == {"name": "Mayorista"}
    assert c["saleCondition"] == {"name": "30 días"}
    assert [x["firstName"] for x in c["contacts"]] == ["Rosa"]
    assert c["addresses"] == [
        {
            "address": "Av. Benavides 123",
            "district": "Surco",
            "municipality": "Surco",
            "state": "ACTIVE",
        }
    ]
    assert c["attributes"] == [
        {
            "name": "Rubro",
            "value": "Textil",
            "definitionId": to_global_id("DynamicAttribute", ids["attr"]),
        }
    ]
    assert c["pointsHistory"] == [
        {"operation": "ADD", "points": 40, "balance": 40.0, "description": "first purchase"}
    ]
    numbers = sorted(d["number"] for d in c["documents"])
    assert numbers == [123123123217, 123123123220]  # beyond 32-bit Int: the Long scalar
    summary = c["unpaidSummary"]
    assert Decimal(summary["overdueDebt"]) == Decimal("15000")
    assert Decimal(summary["upcomingDebt"]) == Decimal("30000")
    assert Decimal(summary["totalDebt"]) == Decimal("45000")
    assert [d["number"] for d in summary["upcomingDocuments"]] == [123123123220]


async def test_connection_children_match_single_object(
    services: Services, make_account: Any, gql: Gql
) -> None:
    """The list path (bulk loading) and the single path (DataLoaders) give the same data."""
    acc = await make_account("PE")
    ids = await _rich_client(services, acc)
    await _client(services, acc, first_name="Sin hijos")
    children = """
      paymentType { name } priceList { name } saleCondition { name }
      contacts { firstName } addresses { address } attributes { name value }
    """
    listed = await gql(
        f"{{ clients(first: 10) {{ edges {{ node {{ databaseId {children} }} }} }} }}",
        token=acc.token,
    )
    single = await gql(
        f'{{ client(id: "{to_global_id("Client", ids["client"])}") {{ databaseId {children} }} }}',
        token=acc.token,
    )
    nodes = [e["node"] for e in listed["data"]["clients"]["edges"]]
    assert nodes[0] == single["data"]["client"]
    assert nodes[0]["contacts"] and nodes[0]["attributes"] and nodes[0]["paymentType"]
    assert nodes[1]["contacts"] == [] and nodes[1]["paymentType"] is None


async def test_fragments_and_nodes_request_children(
    services: Services, make_account: Any, gql: Gql
) -> None:
    """Relations asked for through named/inline fragments or ``nodes`` are loaded."""
    acc = await make_account("PE")
    await _rich_client(services, acc)
    body = await gql(
        """
        fragment Kids on Client { contacts { firstName } }
        query {
          clients(first: 5) {
            edges { node { ...Kids ... on Client { addresses { address } } } }
            nodes { attributes { value } paymentType { name } }
          }
        }""",
        token=acc.token,
    )
    assert "errors" not in body, body
    conn = body["data"]["clients"]
    assert conn["edges"][0]["node"]["contacts"] == [{"firstName": "Rosa"}]
    assert conn["edges"][0]["node"]["addresses"] == [{"address": "Av. Benavides 123"}]
    assert conn["nodes"][0] == {
        "attributes": [{"value": "Textil"}],
        "paymentType": {"name": "Efectivo"},
    }


async def test_keyset_pagination_with_cursors(
    services: Services, make_account: Any, gql: Gql
) -> None:
    acc = await make_account("PE")
    ids = [await _client(services, acc, first_name=f"C{i}") for i in range(7)]
    query = """
      query($after: String) {
        clients(first: 3, after: $after) {
          totalCount
          edges { cursor node { databaseId } }
          pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        }
      }"""
    seen: list[int] = []
    after = None
    pages = 0
    while True:
        body = await gql(query, {"after": after}, token=acc.token)
        conn = body["data"]["clients"]
        assert conn["totalCount"] == 7
        seen += [e["node"]["databaseId"] for e in conn["edges"]]
        info = conn["pageInfo"]
        assert info["hasPreviousPage"] is (after is not None)
        assert info["endCursor"] == conn["edges"][-1]["cursor"]
        assert info["startCursor"] == conn["edges"][0]["cursor"]
        pages += 1
        if not info["hasNextPage"]:
            break
        after = info["endCursor"]
    assert pages == 3
    assert seen == ids


async def test_sort_and_cursor_of_another_sort(
    services: Services, make_account: Any, gql: Gql
) -> None:
    acc = await make_account("CL", strict_tax_ids=False)
    for code in ("33333333-3", "11111111-1", "22222222-2"):
        await _client(services, acc, code=code)
    query = """
      query($after: String, $sort: ClientSortInput) {
        clients(first: 2, after: $after, sort: $sort) {
          edges { node { code } } pageInfo { endCursor }
        }
      }"""
    desc = {"field": "CODE", "direction": "DESC"}
    first = await gql(query, {"sort": desc}, token=acc.token)
    codes = [e["node"]["code"] for e in first["data"]["clients"]["edges"]]
    assert codes == ["33333333-3", "22222222-2"]
    cursor = first["data"]["clients"]["pageInfo"]["endCursor"]
    second = await gql(query, {"sort": desc, "after": cursor}, token=acc.token)
    assert [e["node"]["code"] for e in second["data"]["clients"]["edges"]] == ["11111111-1"]

    wrong = await gql(
        query, {"sort": {"field": "CODE", "direction": "ASC"}, "after": cursor}, token=acc.token
    )
    assert wrong["data"] is None
    error = wrong["errors"][0]
    assert error["extensions"]["code"] == "INVALID_INPUT"
    assert error["extensions"]["fields"][0]["field"] == ["after"]
    assert "CODE ASC" not in error["message"] and "sort code desc" in error["message"]

    for garbage in ("not-a-cursor", "WyJpZCJd", "W10", "!!!"):
        bad = await gql(query, {"after": garbage}, token=acc.token)
        assert bad["errors"][0]["extensions"]["code"] == "INVALID_INPUT", garbage
        assert bad["errors"][0]["message"] == "after: not a valid cursor"


@pytest.mark.parametrize("first", [-1, 101, 1000])
async def test_first_out_of_range(make_account: Any, gql: Gql, first: int) -> None:
    acc = await make_account("PE")
    body = await gql(f"{{ clients(first: {first}) {{ totalCount }} }}", token=acc.token)
    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    assert body["errors"][0]["extensions"]["fields"][0]["code"] == "OUT_OF_RANGE"


async def test_first_zero_is_an_empty_page(services: Services, make_account: Any, gql: Gql) -> None:
    acc = await make_account("PE")
    await _client(services, acc, first_name="A")
    body = await gql(
        "{ clients(first: 0) { edges { cursor } pageInfo { hasNextPage endCursor } } }",
        token=acc.token,
    )
    assert body["data"]["clients"] == {
        "edges": [],
        "pageInfo": {"hasNextPage": True, "endCursor": None},
    }


async def test_filters(services: Services, make_account: Any, gql: Gql) -> None:
    acc = await make_account("PE")
    ids = await _rich_client(services, acc)
    other = await _client(services, acc, first_name="Otra", email="otra@example.pe")
    await services.clients.deactivate(caller(acc.account), other)

    async def matching(flt: dict[str, Any]) -> list[int]:
        body = await gql(
            "query($f: ClientFilterInput) {"
            " clients(filter: $f) { totalCount nodes { databaseId } } }",
            {"f": flt},
            token=acc.token,
        )
        assert "errors" not in body, body
        conn = body["data"]["clients"]
        assert conn["totalCount"] == len(conn["nodes"])
        return [n["databaseId"] for n in conn["nodes"]]

    assert await matching({"firstName": "gabr"}) == [ids["client"]]
    assert await matching({"email": "OTRA@"}) == [other]
    assert await matching({"state": "INACTIVE"}) == [other]
    assert await matching({"state": "ACTIVE"}) == [ids["client"]]
    assert await matching({"paymentTypeId": to_global_id("PaymentType", ids["pt"])}) == [
        ids["client"]
    ]
    assert await matching({"saleConditionId": to_global_id("SaleCondition", ids["sc"])}) == [
        ids["client"]
    ]
    assert await matching({"lastName": "nobody"}) == []

    bad = await gql(
        'query { clients(filter: {paymentTypeId: "Q2xpZW50OjE="}) { totalCount } }', token=acc.token
    )
    assert bad["errors"][0]["extensions"]["fields"][0]["field"] == ["filter", "paymentTypeId"]


async def test_total_count_only_when_selected(
    services: Services, make_account: Any, gql: Gql, count_statements: Any
) -> None:
    acc = await make_account("PE")
    for i in range(3):
        await _client(services, acc, first_name=f"N{i}")
    await gql("{ clients(first: 1) { nodes { id } } }", token=acc.token)  # warm auth caches
    with count_statements() as without:
        await gql("{ clients(first: 2) { nodes { id } } }", token=acc.token)
    with count_statements() as with_count:
        body = await gql("{ clients(first: 2) { totalCount nodes { id } } }", token=acc.token)
    assert body["data"]["clients"]["totalCount"] == 3
    assert with_count.count == without.count + 1, (without.statements, with_count.statements)
    assert not any("count(" in s.lower() for s in without.statements)


async def test_node_and_lookups(services: Services, make_account: Any, gql: Gql) -> None:
    acc = await make_account("PE")
    ids = await _rich_client(services, acc)
    coded = await _client(services, acc, code="20100070970", company="Gloria")
    stranger = await make_account("PE")
    foreign = await _client(services, stranger, first_name="Ajeno")

    body = await gql(
        """
        query($c: ID!, $pt: ID!, $attr: ID!, $foreign: ID!) {
          c: node(id: $c) { id ... on Client { firstName contacts { firstName } } }
          pt: node(id: $pt) { ... on PaymentType { name databaseId } }
          attr: node(id: $attr) { ... on DynamicAttribute { name } }
          foreignNode: node(id: $foreign) { id }
          foreignClient: client(id: $foreign) { id }
          byCode: clientByCode(code: "20100070970") { databaseId company }
          noCode: clientByCode(code: "20999999999") { databaseId }
        }""",
        {
            "c": to_global_id("Client", ids["client"]),
            "pt": to_global_id("PaymentType", ids["pt"]),
            "attr": to_global_id("DynamicAttribute", ids["attr"]),
            "foreign": to_global_id("Client", foreign),
        },
        token=acc.token,
    )
    assert "errors" not in body, body
    data = body["data"]
    assert data["c"]["firstName"] == "Gabriel" and data["c"]["contacts"] == [{"firstName": "Rosa"}]
    assert data["pt"] == {"name": "Efectivo", "databaseId": ids["pt"]}
    assert data["attr"] == {"name": "Rubro"}
    # Another tenant's client answers exactly like a missing one.
    assert data["foreignNode"] is None and data["foreignClient"] is None
    assert data["byCode"] == {"databaseId": coded, "company": "Gloria"}
    assert data["noCode"] is None


@pytest.mark.parametrize(
    "bad_id",
    ["", "not base64 at all", to_global_id("Client", "abc"), to_global_id("Nope", 1), "Q2xpZW50"],
)
async def test_invalid_global_ids_are_errors(make_account: Any, gql: Gql, bad_id: str) -> None:
    acc = await make_account("PE")
    body = await gql("query($id: ID!) { node(id: $id) { id } }", {"id": bad_id}, token=acc.token)
    assert body["data"] == {"node": None}
    assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    body = await gql("query($id: ID!) { client(id: $id) { id } }", {"id": bad_id}, token=acc.token)
    assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"


async def test_catalog_queries(services: Services, make_account: Any, gql: Gql) -> None:
    acc = await make_account("PE")
    await _rich_client(services, acc)
    body = await gql(
        """{ paymentTypes { name } priceLists { name } saleConditions { name }
             dynamicAttributes { name state } }""",
        token=acc.token,
    )
    assert body["data"] == {
        "paymentTypes": [{"name": "Efectivo"}],
        "priceLists": [{"name": "Mayorista"}],
        "saleConditions": [{"name": "30 días"}],
        "dynamicAttributes": [{"name": "Rubro", "state": "ACTIVE"}],
    }
    bad = await gql("{ paymentTypes(first: 51) { name } }", token=acc.token)
    assert bad["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    assert bad["errors"][0]["extensions"]["fields"][0]["field"] == ["first"]


async def test_points_history_first_is_bounded(
    services: Services, make_account: Any, gql: Gql
) -> None:
    acc = await make_account("PE")
    cid = await _client(services, acc, first_name="P")
    for n in (1, 2, 3):
        await services.clients.change_points(
            caller(acc.account), cid, PointsOperation.ADD, n, f"+{n}"
        )
    body = await gql(
        "query($id: ID!) { client(id: $id) { pointsHistory(first: 2) { points } } }",
        {"id": to_global_id("Client", cid)},
        token=acc.token,
    )
    assert [e["points"] for e in body["data"]["client"]["pointsHistory"]] == [3, 2]
    bad = await gql(
        "query($id: ID!) { client(id: $id) { pointsHistory(first: 101) { points } } }",
        {"id": to_global_id("Client", cid)},
        token=acc.token,
    )
    assert bad["errors"][0]["extensions"]["fields"][0]["field"] == ["first"]
