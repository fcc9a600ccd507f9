"""The planner's ``onboardedAccounts``: answered exactly like stock execution, proven by
generated documents (connection arguments, filters, cursors, page sizes; resellers, another
reseller, a caller who is not one, a bad token; stored values stock execution cannot
serialise; unplanned fields and ``search`` mixed in) and fixed cases, on SQLite and
PostgreSQL; one statement for the page, one for the count when it is selected."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import update

from clientgate.container import Services
from core.storage.tables.resellers import einvoice_settings as settings_table
from graphql_api.relay import encode_cursor, to_global_id
from tests.conftest import counting_statements
from tests.fuzz.profile import fuzz_settings
from tests.graphql_api.planner_generation import (
    Doc,
    Enum,
    Generated,
    Pair,
    World,
    argument,
    connection,
    leaves,
    leaves_of,
    onboard_batch,
    one_root,
    same_drawn,
    spread,
)
from tests.graphql_api.test_planner import planned_and_stock, planned_plans, same_answer

EXAMPLES = 40
ACCOUNT_LEAVES = leaves_of("OnboardedAccount")
UNPLANNED = ["history(first: 1) { totalCount }"]


def _account(draw: st.DrawFn, doc: Doc, depth: int = 2) -> str:
    parts = [leaves(draw, doc, ACCOUNT_LEAVES)]
    if depth and draw(st.integers(0, 3)) == 0:
        parts.append(spread(draw, doc, "OnboardedAccount", _account(draw, doc, depth - 1)))
    if draw(st.integers(0, 14)) == 0:
        parts.append(draw(st.sampled_from(UNPLANNED)))
        doc.plannable = False
    return " ".join(parts)


def _arguments(draw: st.DrawFn, doc: Doc) -> str:
    world = doc.world
    good = encode_cursor(["oa", draw(st.sampled_from(world.onboarded_ids))])
    cursor = draw(st.sampled_from([good, good, "bad", encode_cursor(["bp", 1])]))
    size = draw(st.sampled_from([0, 1, 2, 3, 100, 101]))
    args = []
    if draw(st.integers(0, 3)) == 0:
        args.append(f"last: {argument(draw, doc, 'Int', size)}")
        if draw(st.booleans()):
            args.append(f"before: {argument(draw, doc, 'String', cursor)}")
    else:
        if draw(st.booleans()):
            args.append(f"first: {argument(draw, doc, 'Int!', size)}")
        if draw(st.booleans()):
            args.append(f"after: {argument(draw, doc, 'String', cursor)}")
    if draw(st.integers(0, 9)) == 0:  # both directions: the caller's error
        args.append("first: 1" if args and args[0].startswith("last") else "last: 1")
    filters: dict[str, Any] = {}
    if draw(st.integers(0, 3)) == 0:
        filters["validatorEntity"] = Enum(draw(st.sampled_from(["SUNAT", "OSE_EFACT"])))
    if draw(st.integers(0, 4)) == 0:
        filters["ruc"] = draw(st.sampled_from(["200000000000", "2000000010", "nope"]))
    if draw(st.integers(0, 4)) == 0:
        filters["createdSince"] = draw(st.sampled_from(["2000-01-01T00:00:00Z", "2999-01-01"]))
    if filters:
        args.append(f"filter: {argument(draw, doc, 'OnboardedAccountFilter', filters)}")
    if draw(st.integers(0, 7)) == 0:  # the repository's search order: the stock way
        args.append(f"search: {argument(draw, doc, 'String', 'empresa')}")
        doc.plannable = False
    return f"({', '.join(args)})" if args else ""


@st.composite
def onboarded_documents(draw: st.DrawFn, world: World) -> Generated:
    doc = Doc(world)
    arguments = _arguments(draw, doc)
    return one_root(
        draw, doc, f"r: onboardedAccounts{arguments} {{ {connection(draw, doc, _account)} }}"
    )


@fuzz_settings(default_examples=EXAMPLES)
@given(data=st.data())
async def test_planned_and_stock_execution_give_the_same_onboarded_accounts(
    pair: Pair, data: st.DataObject
) -> None:
    world = pair.world
    tokens = [*world.resellers, world.resellers[0], world.resellers[0], world.token, "nope"]
    await same_drawn(pair, data, onboarded_documents(world), tokens)


EVERYTHING = f"""
query Q($first: Int!, $after: String, $with: Boolean!, $filter: OnboardedAccountFilter) {{
  onboardedAccounts(first: $first, after: $after, filter: $filter) {{ __typename totalCount
    pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor __typename }}
    edges {{ __typename cursor node {{ {" ".join(ACCOUNT_LEAVES)}
      ... on OnboardedAccount @include(if: $with) {{ again: ruc }} }} }}
    nodes {{ databaseId ruc }} }}
}}"""


async def test_onboarded_accounts_answer_like_stock(services: Services, make_account: Any) -> None:
    reseller = await make_account("PE", is_reseller=True)
    other = await make_account("PE", is_reseller=True)
    plain = await make_account("PE")
    await onboard_batch(services, reseller, 5, "3")
    await onboard_batch(services, other, 2, "4")
    async with planned_and_stock(services) as (planned, stock, app):
        base: dict[str, Any] = {"first": 2, "with": True}
        answer = await same_answer(planned, stock, reseller, EVERYTHING, base)
        assert answer["data"], answer["errors"]
        page = answer["data"]["onboardedAccounts"]
        assert page["totalCount"] == 5 and len(page["edges"]) == 2, page
        after = page["pageInfo"]["endCursor"]
        rest = await same_answer(
            planned, stock, reseller, EVERYTHING, {**base, "first": 100, "after": after}
        )
        assert len(rest["data"]["onboardedAccounts"]["edges"]) == 3
        empty = {**base, "filter": {"ruc": "nope"}, "with": False}
        answer = await same_answer(planned, stock, reseller, EVERYTHING, empty)
        assert answer["data"]["onboardedAccounts"]["edges"] == []
        await same_answer(planned, stock, other, EVERYTHING, base)
        assert planned_plans(app) == 2, app  # $with keys the plans
        backward = """query($b: String) { onboardedAccounts(last: 2, before: $b) {
            nodes { ruc } pageInfo { startCursor hasNextPage hasPreviousPage } } }"""
        await same_answer(planned, stock, reseller, backward, {"b": after})
        with counting_statements(services) as counted:
            await planned.post(
                "/graphql",
                json={"query": EVERYTHING, "variables": base},
                headers={"Authorization": f"Bearer {reseller.token}"},
            )
        reads = [s for s in counted.statements if "einvoice_settings" in s]
        assert len(reads) == 2, reads  # the page and its count
        # errors and what stays with stock execution: answered as stock answers them
        for who, query in [
            (plain, "{ onboardedAccounts { nodes { ruc } } }"),  # not a reseller
            (reseller, "{ onboardedAccounts(first: 0) { nodes { ruc } } }"),
            (reseller, '{ onboardedAccounts(after: "bad") { nodes { ruc } } }'),
            (reseller, "{ onboardedAccounts(first: 1, last: 1) { nodes { ruc } } }"),
            (reseller, f'{{ onboardedAccounts(before: "{after}") {{ nodes {{ ruc }} }} }}'),
            (reseller, '{ onboardedAccounts(search: "empresa") { nodes { ruc } } }'),
            (reseller, "{ onboardedAccounts { nodes { history { totalCount } } } }"),
        ]:
            await same_answer(planned, stock, who, query)
        # + the backward page and the five errors (planned, handed back at run time); the
        # search and history are not planned
        assert planned_plans(app) == 8, app
        gid = to_global_id("OnboardedAccount", 1)
        await same_answer(planned, stock, reseller, f'{{ node(id: "{gid}") {{ id }} }}')


async def test_an_account_that_cannot_be_read_leaves_no_stale_reads(
    services: Services, make_account: Any
) -> None:
    """A stored value the repository cannot convert fails the page (stock execution's
    error) without keeping the read's cursor open: on SQLite an unfinished read kept its
    snapshot on the pooled connection, and later reads missed newer rows (a new token)."""
    reseller = await make_account("PE", is_reseller=True)
    created = await onboard_batch(services, reseller, 2, "5")
    async with services.engine.begin() as conn:
        await conn.execute(
            update(settings_table)
            .where(settings_table.c.account_id == created[0])
            .values(validator_entity=9)
        )
    async with planned_and_stock(services) as (planned, stock, _):
        query = "{ onboardedAccounts { nodes { ruc } } }"
        for _ in range(3):  # more than one pooled read connection
            answer = await same_answer(planned, stock, reseller, query)
            assert answer["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    newer = await make_account("PE")
    principal = await services.accounts.authenticate_token(newer.token)
    assert principal.account_id == newer.account.id
