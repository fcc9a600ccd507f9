# ruff: noqa: F811 - fixtures imported from the BusinessPartner tests share their names
"""``businessPartners(search:)`` by relevance (``core/shared/search.py``): exact tin,
idRemote, contact or commercial name first, then names starting with the search, then the
rest, ties by id; cursors ``(tier, id)`` walk every match once, forward and backward, planned
and stock; a cursor of the other order is refused. SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.rest_compat.business_partner.conftest import (  # noqa: F401 - fixtures
    Tenant,
    create_and_drain,
    drain,
    partner_body,
    tenant,
    tenant_factory,
)

# The planner answers the first selection; ``role`` is not planned: stock execution.
SELECTIONS = ["idRemote", "idRemote role { name }"]
PAGE = """
query($search: String, $first: Int, $after: String, $last: Int, $before: String) {
  businessPartners(search: $search, first: $first, after: $after, last: $last,
                   before: $before) {
    totalCount
    edges { cursor node { %s } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""


async def _page(
    http: httpx.AsyncClient, tenant: Tenant, selection: str, **variables: Any
) -> dict[str, Any]:
    resp = await http.post(
        "/graphql",
        json={"query": PAGE % selection, "variables": variables},
        headers=tenant.headers,
    )
    body: dict[str, Any] = resp.json()
    return body


async def _conn(
    http: httpx.AsyncClient, tenant: Tenant, selection: str, **variables: Any
) -> dict[str, Any]:
    body = await _page(http, tenant, selection, **variables)
    assert "errors" not in body, body
    conn: dict[str, Any] = body["data"]["businessPartners"]
    return conn


def _remotes(conn: dict[str, Any]) -> list[str]:
    return [e["node"]["idRemote"] for e in conn["edges"]]


@pytest.fixture
async def ranked(http: httpx.AsyncClient, tenant: Tenant, create_and_drain: Any) -> Tenant:
    """Partners matching ``andina``, created so that id order is not relevance order."""
    items = [
        partner_body("O-1", contactName="Ana Soto", comercialName="Textil Andina"),
        partner_body("O-2", contactName="Luis Andina Paz", comercialName="Paz SAC"),
        partner_body("N-1", contactName="Rosa Díaz", comercialName="Andina Foods"),
        partner_body("N-2", contactName="ANDÍNA del Sur", comercialName="Sur SAC"),
        partner_body("E-1", contactName="Andina", comercialName="Casa Andina"),
        partner_body("E-2", contactName="Marta Ruiz", comercialName="ANDINA"),
        partner_body("andina", contactName="Pedro Gil", comercialName="Gil SAC"),
        partner_body("X-1", contactName="Juan Pérez", comercialName="Otra Cosa"),
    ]
    status = await create_and_drain(tenant, items)
    assert status["status"] == "completed", status
    return tenant


ORDER = ["E-1", "E-2", "andina", "N-1", "N-2", "O-1", "O-2"]


@pytest.mark.parametrize("selection", SELECTIONS)
async def test_search_comes_by_relevance(
    http: httpx.AsyncClient, ranked: Tenant, selection: str
) -> None:
    conn = await _conn(http, ranked, selection, search="andina", first=50)
    assert _remotes(conn) == ORDER
    assert conn["totalCount"] == len(ORDER)
    # idRemote compares as typed: ``Andina`` is not the exact idRemote ``andina``.
    conn = await _conn(http, ranked, selection, search="Andina", first=50)
    assert _remotes(conn) == ["E-1", "E-2", "N-1", "N-2", "O-1", "O-2", "andina"]
    conn = await _conn(http, ranked, selection, search="textil", first=50)
    assert _remotes(conn) == ["O-1"]


@pytest.mark.parametrize("selection", SELECTIONS)
@pytest.mark.parametrize("size", [1, 2, 3])
async def test_cursors_walk_every_match_once_both_ways(
    http: httpx.AsyncClient,
    ranked: Tenant,
    create_and_drain: Any,
    selection: str,
    size: int,
) -> None:
    forward: list[str] = []
    after = None
    arrived = False
    while True:
        conn = await _conn(http, ranked, selection, search="andina", first=size, after=after)
        forward += _remotes(conn)
        assert all(e["cursor"] for e in conn["edges"])
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
        if len(forward) >= 3 and not arrived:
            # A match arriving mid-walk (tier 1, the newest id) is met once, in its place.
            item = partner_body("N-3", comercialName="Andina Tours")
            made = await create_and_drain(ranked, [item])
            assert made["status"] == "completed", made
            arrived = True
    assert forward == [*ORDER[:5], "N-3", *ORDER[5:]]

    backward: list[str] = []
    before = None
    while True:
        conn = await _conn(http, ranked, selection, search="andina", last=size, before=before)
        backward = _remotes(conn) + backward
        if not conn["pageInfo"]["hasPreviousPage"]:
            break
        before = conn["pageInfo"]["startCursor"]
    assert backward == forward


@pytest.mark.parametrize("selection", SELECTIONS)
async def test_a_cursor_of_the_other_order_is_refused(
    http: httpx.AsyncClient, ranked: Tenant, selection: str
) -> None:
    searched = await _conn(http, ranked, selection, search="andina", first=2)
    cursor = searched["pageInfo"]["endCursor"]
    body = await _page(http, ranked, selection, first=2, after=cursor)
    error = body["errors"][0]
    assert error["extensions"]["code"] == "INVALID_INPUT"
    assert "taken in relevance (a search) order, not id order" in error["message"]
    assert "restart pagination without `after`" in error["message"]

    listed = await _conn(http, ranked, selection, first=2)
    after = listed["pageInfo"]["endCursor"]
    body = await _page(http, ranked, selection, search="andina", first=2, after=after)
    error = body["errors"][0]
    assert error["extensions"]["code"] == "INVALID_INPUT"
    assert "taken in id order, not relevance (a search) order" in error["message"]

    # Like clients' relevance cursors, one taken with another search is (tier, id) there.
    conn = await _conn(http, ranked, selection, search="andina foods", first=5, after=cursor)
    assert _remotes(conn) == []  # N-1, exact there, comes before the cursor's (0, E-2's id)
    conn = await _conn(http, ranked, selection, search="sur", first=5, after=cursor)
    assert _remotes(conn) == ["N-2"]
