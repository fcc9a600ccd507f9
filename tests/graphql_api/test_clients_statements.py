"""No N+1: the statements of the main client list query do not grow with the page size."""

from __future__ import annotations

from typing import Any

from clientgate.container import Services
from core.clients.model import AttributeInput, CatalogKind, ClientChanges
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
