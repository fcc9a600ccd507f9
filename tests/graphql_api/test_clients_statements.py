"""No N+1: the statements of the main client list query do not grow with the page size."""

from __future__ import annotations

from typing import Any

from clientgate.container import Services
from core.clients.model import AttributeInput, CatalogKind, ClientChanges, PointsOperation
from tests.graphql_api.conftest import Gql
from tests.support.callers import caller

LIST = """
query($first: Int!) {
  clients(first: $first) {
    edges {
      cursor
      node {
        id firstName code
        contacts { firstName email }
        addresses { address municipality }
        attributes { name value }
        paymentType { name }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def test_clients_page_statements_are_constant(
    services: Services, make_account: Any, gql: Gql, count_statements: Any
) -> None:
    acc = await make_account("PE")
    svc = services.clients
    account = acc.account
    pts = [
        await svc.add_catalog_item(caller(account), CatalogKind.PAYMENT_TYPE, f"PT{i}")
        for i in range(3)
    ]
    attr = await svc.add_attribute_definition(caller(account), "Rubro")
    for i in range(55):
        client = await svc.create(
            caller(account),
            ClientChanges(
                {"first_name": f"Client {i}", "payment_type_id": pts[i % 3].id},
                attributes=[AttributeInput(attr.id, f"v{i}")],
            ),
        )
        await svc.add_contact(caller(account), client.id, {"first_name": f"K{i}"})
        await svc.add_address(caller(account), client.id, {"address": f"Street {i}"})

    await gql(LIST, {"first": 1}, token=acc.token)  # warm per-process caches (credentials)
    counts = {}
    for first in (5, 50):
        with count_statements() as counter:
            body = await gql(LIST, {"first": first}, token=acc.token)
        assert "errors" not in body, body
        edges = body["data"]["clients"]["edges"]
        assert len(edges) == first
        assert all(
            e["node"]["contacts"] and e["node"]["addresses"] and e["node"]["attributes"]
            for e in edges
        )
        assert {e["node"]["paymentType"]["name"] for e in edges} == {"PT0", "PT1", "PT2"}
        counts[first] = counter.count
    # auth 1 + page (catalogs joined) 1 + contacts 1 + addresses 1 + attributes 1
    assert counts[5] == counts[50], counts
    assert counts[50] <= 5, counts
    print(f"statements per clients page ({acc.account.country}): {counts}")


async def test_only_selected_relations_are_loaded(
    services: Services, make_account: Any, gql: Gql, count_statements: Any
) -> None:
    """@skip/@include and unselected relations cost no statement."""
    acc = await make_account("PE")
    client = await services.clients.create(caller(acc.account), ClientChanges({"first_name": "S"}))
    await services.clients.add_contact(caller(acc.account), client.id, {"first_name": "K"})
    query = """query($no: Boolean!) { clients(first: 5) { nodes {
        firstName contacts @skip(if: true) { firstName } addresses @include(if: $no) { address }
    } } }"""
    await gql(query, {"no": False}, token=acc.token)  # warm per-process caches
    with count_statements() as bare:
        body = await gql(query, {"no": False}, token=acc.token)
    assert body["data"]["clients"]["nodes"] == [{"firstName": "S"}]
    with count_statements() as with_addresses:
        body = await gql(query, {"no": True}, token=acc.token)
    assert body["data"]["clients"]["nodes"] == [{"firstName": "S", "addresses": []}]
    assert not any("contacts" in s for s in bare.statements + with_addresses.statements)
    assert with_addresses.count == bare.count + 1


EVERY_LIST_FIELD = """
query($first: Int!) {
  clients(first: $first) {
    nodes {
      id
      contacts { firstName }
      addresses { address }
      attributes { name value }
      paymentType { name }
      priceList { name }
      saleCondition { name }
      documents { number amountOwed }
      pointsHistory(first: 2) { points balance }
      unpaidSummary(comparisonDate: "2020-01-15T00:00:00Z") {
        totalDebt overdueDocuments { number } upcomingDocuments { number }
      }
    }
  }
}"""


async def test_every_list_field_of_client_loads_in_bulk(
    services: Services, make_account: Any, gql: Gql, count_statements: Any
) -> None:
    """Issue 9 §5: documents, pointsHistory and unpaidSummary ran one query per client (12
    statements at N=5, 42 at N=20). Every list field of Client now costs the same at any N."""
    acc = await make_account("CL")
    svc = services.clients
    me = caller(acc.account)
    pt = await svc.add_catalog_item(me, CatalogKind.PAYMENT_TYPE, "Efectivo")
    pl = await svc.add_catalog_item(me, CatalogKind.PRICE_LIST, "Base")
    sc = await svc.add_catalog_item(me, CatalogKind.SALE_CONDITION, "Contado")
    attr = await svc.add_attribute_definition(me, "Rubro")
    day = 86400
    for i in range(20):
        client = await svc.create(
            me,
            ClientChanges(
                {
                    "first_name": f"C{i}",
                    "payment_type_id": pt.id,
                    "price_list_id": pl.id,
                    "sale_condition_id": sc.id,
                },
                attributes=[AttributeInput(attr.id, f"v{i}")],
            ),
        )
        await svc.add_contact(me, client.id, {"first_name": f"K{i}"})
        await svc.add_address(me, client.id, {"address": f"Street {i}"})
        for n in (1, 2, 3):
            await svc.change_points(me, client.id, PointsOperation.ADD, n, f"+{n}")
        for n, expires in ((1, 1577836800), (2, 1577836800 + 30 * day)):  # 2020-01-01, -31
            await svc.add_document(
                me,
                client.id,
                name="Factura",
                number=100 * i + n,
                emission_date=1577836800 - day,
                expiration_date=expires,
                total_amount=1000 * n,
            )

    await gql(EVERY_LIST_FIELD, {"first": 1}, token=acc.token)  # warm per-process caches
    counts = {}
    for first in (5, 20):
        with count_statements() as counter:
            body = await gql(EVERY_LIST_FIELD, {"first": first}, token=acc.token)
        assert "errors" not in body, body
        nodes = body["data"]["clients"]["nodes"]
        assert len(nodes) == first
        for i, node in enumerate(nodes):
            assert node["contacts"] == [{"firstName": f"K{i}"}]
            assert node["addresses"] == [{"address": f"Street {i}"}]
            assert node["attributes"] == [{"name": "Rubro", "value": f"v{i}"}]
            assert (node["paymentType"], node["priceList"], node["saleCondition"]) == (
                {"name": "Efectivo"},
                {"name": "Base"},
                {"name": "Contado"},
            )
            assert [d["number"] for d in node["documents"]] == [100 * i + 1, 100 * i + 2]
            assert node["pointsHistory"] == [
                {"points": 3, "balance": 6.0},
                {"points": 2, "balance": 3.0},
            ]
            summary = node["unpaidSummary"]
            assert summary["overdueDocuments"] == [{"number": 100 * i + 1}]
            assert summary["upcomingDocuments"] == [{"number": 100 * i + 2}]
            assert summary["totalDebt"] == "3000.00"
        counts[first] = counter.count
    # auth 1 + page (catalogs joined) 1 + contacts, addresses, attributes 3 + documents 1
    # + points 1 + unpaid summaries 2 (their clients, their documents)
    assert counts[5] == counts[20], counts
    assert counts[20] <= 9, counts
