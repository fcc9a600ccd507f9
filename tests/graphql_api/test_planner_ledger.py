"""The planner's documents, pointsHistory and unpaidSummary of a Client answer exactly like
stock execution (paging of the points, comparison dates, empty lists, errors) and read each
relation in one statement whatever the page size."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from sqlalchemy import update

from clientgate.container import Services
from core.clients.model import PointsOperation
from core.storage.tables.clients import points_entries
from graphql_api.relay import to_global_id
from tests.conftest import counting_statements
from tests.graphql_api.test_clients_queries import _client, _rich_client
from tests.graphql_api.test_planner import planned_and_stock, planned_plans, same_answer
from tests.support.callers import caller

DOCUMENT = """__typename id databaseId clientId name number emissionDate expirationDate
  totalAmount paidAmount amountOwed"""
LEDGER = f"""
fragment L on Client {{ databaseId
  documents {{ {DOCUMENT} }}
  pointsHistory(first: $points) {{ __typename id operation points balance description orderId
    createdAt }}
  latest: pointsHistory(first: 1) {{ points }}
  unpaidSummary(comparisonDate: $when) {{ __typename comparisonDate overdueDebt upcomingDebt
    totalDebt overdueDocuments {{ {DOCUMENT} }} upcomingDocuments {{ number amountOwed }} }}
  now: unpaidSummary {{ totalDebt upcomingDocuments {{ id }} }} }}
query Q($first: Int!, $points: Int!, $when: DateTime, $id: ID!, $code: String!) {{
  clients(first: $first) {{ totalCount edges {{ cursor node {{ ...L }} }} nodes {{ ...L }} }}
  client(id: $id) {{ ...L }}
  node(id: $id) {{ ... on Client {{ ...L }} }}
  clientByCode(code: $code) {{ ...L }}
}}"""


async def _ledger_world(services: Services, acc: Any) -> dict[str, Any]:
    """A rich client (two documents, one partly paid, one points entry), one with many
    points entries and a paid document, and clients with none of either."""
    ids = await _rich_client(services, acc)
    me = caller(acc.account)
    svc = services.clients
    busy = await _client(services, acc, first_name="Puntos", code="20100070970")
    for i in range(5):
        op = PointsOperation.SUBTRACT if i == 3 else PointsOperation.ADD
        await svc.change_points(me, busy, op, 10 + i, f"move {i}", order_id=f"o{i}" if i else None)
    paid = await svc.add_document(
        me,
        busy,
        name="Boleta",
        number=7,
        emission_date=1_700_000_000,
        expiration_date=1_800_000_000,
        total_amount=Decimal("10.50"),
    )
    await svc.add_payment(me, paid.id, Decimal("10.50"))
    await svc.add_document(
        me,
        busy,
        name="Boleta",
        number=8,
        emission_date=1_700_000_000,
        expiration_date=4_000_000_000,
        total_amount=Decimal("0.10"),
    )
    for i in range(3):
        await _client(services, acc, first_name=f"Vacío {i}")
    return {"rich": ids["client"], "busy": busy}


async def test_documents_points_and_unpaid_summaries_answer_like_stock(
    services: Services, make_account: Any
) -> None:
    acc = await make_account("PE")
    world = await _ledger_world(services, acc)
    other = await make_account("PE")
    await _ledger_world(services, other)  # another tenant's documents and points
    gid = to_global_id("Client", world["busy"])
    # a fixed date: "now" differs between the two requests (``now:`` selects no date)
    when = "2026-01-01T00:00:00Z"
    base = {"first": 50, "points": 3, "when": when, "id": gid, "code": "20100070970"}
    async with planned_and_stock(services) as (planned, stock, app):
        answer = await same_answer(planned, stock, acc, LEDGER, base)
        nodes = answer["data"]["clients"]["nodes"]
        busy = next(n for n in nodes if n["databaseId"] == world["busy"])
        assert [e["points"] for e in busy["pointsHistory"]] == [14, 13, 12]
        assert busy["latest"] == [{"points": 14}]
        assert busy["unpaidSummary"]["totalDebt"] == "0.10"
        assert [d["number"] for d in busy["documents"]] == [7, 8]
        empty = next(n for n in nodes if n["databaseId"] not in world.values())
        assert empty["documents"] == [] and empty["pointsHistory"] == []
        assert empty["unpaidSummary"]["totalDebt"] == "0"
        rich = next(n for n in nodes if n["databaseId"] == world["rich"])
        assert rich["unpaidSummary"]["overdueDocuments"], rich
        changes: list[dict[str, Any]] = [
            {"points": 0, "when": "2015-07-21T00:00:00+00:00"},
            {"points": 100, "when": "2015-07-20T23:59:59Z", "first": 2},
            {"when": "2100-01-01T00:00:00"},  # a date without zone, as stock reads it
            {"id": to_global_id("Client", 987654), "code": "nope", "first": 0},
        ]
        for variables in changes:
            await same_answer(planned, stock, acc, LEDGER, {**base, **variables})
        assert planned_plans(app) == 1, app
        # errors: stock execution answers them, located (one root: errors of several
        # come in the order their resolvers fail)
        refused = """query($p: Int!, $id: ID!) { client(id: $id) { databaseId
            pointsHistory(first: $p) { id } } }"""
        for points in [101, -1]:
            answer = await same_answer(planned, stock, acc, refused, {"p": points, "id": gid})
            assert answer["errors"], answer
        await same_answer(planned, stock, other, LEDGER, base)  # another tenant's id and code


async def test_each_relation_is_one_statement_whatever_the_page(
    services: Services, make_account: Any
) -> None:
    acc = await make_account("PE")
    await _ledger_world(services, acc)
    query = """{ clients(first: 50) { nodes { documents { number }
        pointsHistory(first: 2) { points } more: pointsHistory(first: 4) { id }
        unpaidSummary { totalDebt overdueDocuments { number } }
        later: unpaidSummary(comparisonDate: "2100-01-01T00:00:00Z") { totalDebt } } } }"""
    async with planned_and_stock(services) as (planned, stock, app):
        await same_answer(planned, stock, acc, query)
        with counting_statements(services) as counted:
            response = await planned.post(
                "/graphql",
                json={"query": query},
                headers={"Authorization": f"Bearer {acc.token}"},
            )
        assert planned_plans(app) == 1
    assert "errors" not in response.json()
    # the page, documents, unpaid documents (both summaries), points (both histories)
    reads = [s for s in counted.statements if "client_points_entries" in s or "documents" in s]
    assert len(reads) == 3, counted.statements


async def test_a_movement_that_cannot_be_read_leaves_no_stale_reads(
    services: Services, make_account: Any
) -> None:
    """A stored operation the repository cannot convert fails the points (stock execution's
    error) without keeping the read's cursor open (on SQLite the pooled read connection then
    kept its snapshot, and later reads missed newer rows)."""
    acc = await make_account("PE")
    busy = (await _ledger_world(services, acc))["busy"]
    async with services.engine.begin() as conn:
        await conn.execute(
            update(points_entries).where(points_entries.c.client_id == busy).values(operation=9)
        )
    query = "{ clients(first: 50) { nodes { pointsHistory(first: 5) { points } } } }"
    async with planned_and_stock(services) as (planned, stock, _):
        for _ in range(3):  # more than one pooled read connection
            answer = await same_answer(planned, stock, acc, query)
            assert answer["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    newer = await make_account("PE")
    principal = await services.accounts.authenticate_token(newer.token)
    assert principal.account_id == newer.account.id
