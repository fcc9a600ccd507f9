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
