"""``onboardedAccounts(search:)``: RUC, company, e-mail and phones, accents and case ignored;
the document follows the batch re-onboarding and the single update."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from tests.graphql_api.test_resellers import ONBOARD, UPDATE, bearer, gql_item, run
from tests.storage.test_resellers_service import new_ruc

SEARCH = """
query($search: String) {
  onboardedAccounts(first: 50, search: $search) { totalCount edges { node { ruc } } }
}"""


async def _rucs(http: httpx.AsyncClient, who: dict[str, str], typed: str) -> list[str]:
    conn = (await run(http, SEARCH, who, search=typed))["onboardedAccounts"]
    assert conn["totalCount"] == len(conn["edges"])
    return [e["node"]["ruc"] for e in conn["edges"]]


async def test_onboarded_search(http: httpx.AsyncClient, make_account: Callable[..., Any]) -> None:
    mine = bearer((await make_account("PE", is_reseller=True)).token)
    theirs = bearer((await make_account("PE", is_reseller=True)).token)
    a, b = new_ruc(), new_ruc()
    items = [
        gql_item(a, companyName="Panadería Ñuñoa SAC", phoneNumber="+51 987 654 321"),
        gql_item(b, companyName="Ferretería Andina EIRL", email="Ventas@Andina.pe"),
    ]
    created = (await run(http, ONBOARD, mine, input=items))["onboardClients"]["createdClients"]
    await run(http, ONBOARD, theirs, input=[gql_item(new_ruc(), companyName="Panadería Lima")])

    assert await _rucs(http, mine, "PANADERIA nunoa") == [a]
    assert await _rucs(http, mine, "sac panad") == [a]
    assert await _rucs(http, mine, "987654321") == [a]
    assert await _rucs(http, mine, a[:6]) == [a]
    assert await _rucs(http, mine, "ventas@andina") == [b]
    assert await _rucs(http, mine, "FERRETERÍA") == [b]
    assert await _rucs(http, mine, "ria") == []  # a word start, not its middle
    assert await _rucs(http, mine, "lima") == []  # another reseller's account

    # Re-onboarding (the batch's overwrite) and the single update rewrite the document.
    again = [gql_item(a, companyName="Pastelería Única SAC")]
    await run(http, ONBOARD, mine, input=again)
    assert await _rucs(http, mine, "unica pastel") == [a]
    assert await _rucs(http, mine, "nunoa") == []
    changed = await run(
        http, UPDATE, mine, id=created[1]["accountId"], input={"companyName": "Ñique Hnos"}
    )
    assert changed["updateOnboardedAccount"]["userErrors"] == []
    assert await _rucs(http, mine, "nique") == [b]
    assert await _rucs(http, mine, "andina ferreteria") == []


RANKED = """
query($search: String, $first: Int, $after: String, $last: Int, $before: String) {
  onboardedAccounts(search: $search, first: $first, after: $after, last: $last,
                    before: $before) {
    edges { node { ruc } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""


async def _walk(
    http: httpx.AsyncClient, who: dict[str, str], typed: str, size: int, backward: bool
) -> list[str]:
    """Every match, page by page (``size`` each), forward or backward."""
    seen: list[str] = []
    cursor = None
    while True:
        if backward:
            variables = {"search": typed, "last": size, "before": cursor}
        else:
            variables = {"search": typed, "first": size, "after": cursor}
        conn = (await run(http, RANKED, who, **variables))["onboardedAccounts"]
        rucs = [e["node"]["ruc"] for e in conn["edges"]]
        seen = rucs + seen if backward else seen + rucs
        info = conn["pageInfo"]
        if not info["hasPreviousPage" if backward else "hasNextPage"]:
            return seen
        cursor = info["startCursor" if backward else "endCursor"]


async def test_onboarded_search_by_relevance(
    http: httpx.AsyncClient, make_account: Callable[..., Any]
) -> None:
    """Exact company name, RUC or phone first, then company names starting with the search,
    then the rest, each in id order (created here in the reverse order); cursors walk every
    match once both ways; a search's cursor is refused without one."""
    mine = bearer((await make_account("PE", is_reseller=True)).token)
    other, starting, exact, numbered, phoned = (new_ruc() for _ in range(5))
    items = [
        gql_item(other, companyName="Textil Andina SAC"),
        gql_item(starting, companyName="Andina Foods SAC"),
        gql_item(exact, companyName="ANDINA"),
        gql_item(numbered, companyName="Andina 912345678 EIRL"),
        gql_item(phoned, companyName="Lima SAC", mobileNumber="+51 912 345 678"),
    ]
    await run(http, ONBOARD, mine, input=items)

    order = [exact, starting, numbered, other]
    for size in (1, 2, 50):
        assert await _walk(http, mine, "andina", size, backward=False) == order
        assert await _walk(http, mine, "andina", size, backward=True) == order
    assert await _walk(http, mine, "912 345 678", 50, backward=False) == [phoned, numbered]
    assert await _walk(http, mine, other, 50, backward=False) == [other]

    first = (await run(http, RANKED, mine, search="andina", first=1))["onboardedAccounts"]
    resp = await http.post(
        "/graphql",
        json={"query": RANKED, "variables": {"after": first["pageInfo"]["endCursor"]}},
        headers=mine,
    )
    error = resp.json()["errors"][0]
    assert error["extensions"]["code"] == "INVALID_INPUT"
    assert "taken in relevance (a search) order, not id order" in error["message"]
