"""Same answers, proven by generation, for ``businessPartners``: documents generated from
its planned part of the schema (the partner's scalars, company, agent, locations with state
and country, contacts with their contact methods; connection arguments, filters and search;
unplanned fields mixed in) are answered by the planner exactly as by stock execution, on
SQLite and PostgreSQL (tests/graphql_api/planner_generation.py)."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from graphql_api.relay import encode_cursor, encode_search_cursor, to_global_id
from tests.fuzz.profile import fuzz_settings
from tests.graphql_api.planner_generation import (
    Doc,
    Enum,
    Generated,
    Pair,
    World,
    argument,
    connection,
    directive,
    leaves,
    leaves_of,
    one_root,
    same_drawn,
    spread,
)

EXAMPLES = 60
PARTNER_LEAVES = leaves_of("BusinessPartner")
# BusinessPartner relation -> its selection's leaves, and the relations below it.
PARTNER_RELATIONS: dict[str, tuple[list[str], dict[str, list[str]]]] = {
    "company": (leaves_of("Company"), {}),
    "agent": (PARTNER_LEAVES, {}),
    "locations": (
        leaves_of("PartnerLocation"),
        {"state": leaves_of("CountryRegion"), "country": leaves_of("Country")},
    ),
    "contacts": (
        leaves_of("PartnerContact"),
        {"contactMethods": leaves_of("PartnerContactMethod")},
    ),
}
# Searches of the seeded partners (tests/support/partners.py) whose matches fall in one or
# several relevance tiers: an exact idRemote, commercial name or tin (tier 0), names starting
# with it (tier 1), other matches (tier 2); none; one out of bounds.
PARTNER_SEARCHES = ["shop", "contact", "p1", "P1", "Shop P2", "20100070970", "zz", " ", "y" * 201]
UNPLANNED_PARTNER = [
    "role { name }",
    "status { description }",
    "clients { id }",
    "history(first: 1) { totalCount }",
    "locations { country { states { id } } }",
    "contacts { contactMethods { contactType { value } } }",
]


# -- business partners ----------------------------------------------------------------------


def _partner(draw: st.DrawFn, doc: Doc, depth: int = 2) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["leaf", "leaf", "relation", "relation", "frag"]))
        if kind == "leaf":
            parts.append(leaves(draw, doc, PARTNER_LEAVES))
        elif kind == "relation":
            name = draw(st.sampled_from(sorted(PARTNER_RELATIONS)))
            names, below = PARTNER_RELATIONS[name]
            selected = [leaves(draw, doc, names)]
            subs = draw(st.lists(st.sampled_from(sorted(below)), max_size=2)) if below else []
            for sub in subs:
                selected.append(f"{doc.alias(draw)}{sub} {{ {leaves(draw, doc, below[sub])} }}")
            body = " ".join(selected)
            parts.append(f"{doc.alias(draw)}{name}{directive(draw, doc)} {{ {body} }}")
        elif depth > 0:
            parts.append(spread(draw, doc, "BusinessPartner", _partner(draw, doc, depth - 1)))
    if draw(st.integers(0, 14)) == 0:
        parts.append(draw(st.sampled_from(UNPLANNED_PARTNER)))
        doc.plannable = False
    return " ".join(parts)


def _partner_arguments(draw: st.DrawFn, doc: Doc) -> str:
    world = doc.world
    partner_id = draw(st.sampled_from(world.partner_ids))
    good = encode_cursor(["bp", partner_id])
    # A search's cursors: (tier, id), tier 3 forged; given without a search they are refused.
    ranked = encode_search_cursor("bp", partner_id, draw(st.integers(0, 3)))
    choices = [good, good, ranked, ranked, "bad", encode_cursor(["cl", 1])]
    cursor = draw(st.sampled_from(choices))
    size = draw(st.sampled_from([0, 1, 2, 3, 20, 101]))
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
    filters: dict[str, Any] = {}
    if draw(st.integers(0, 3)) == 0:
        filters["active"] = draw(st.booleans())
    if draw(st.integers(0, 3)) == 0:
        filters["roleKind"] = Enum(draw(st.sampled_from(["AGENT", "CLIENT"])))
    if draw(st.integers(0, 4)) == 0:
        filters["search"] = draw(st.sampled_from(PARTNER_SEARCHES))
    if draw(st.integers(0, 4)) == 0:
        agents = [to_global_id("BusinessPartner", world.partner_ids[0]), "bad"]
        filters["agentId"] = draw(st.sampled_from(agents))
    if filters:
        args.append(f"filter: {argument(draw, doc, 'BusinessPartnerFilter', filters)}")
    if draw(st.integers(0, 2)) == 0:
        search = draw(st.sampled_from(PARTNER_SEARCHES))
        args.append(f"search: {argument(draw, doc, 'String', search)}")
    return f"({', '.join(args)})" if args else ""


@st.composite
def partner_documents(draw: st.DrawFn, world: World) -> Generated:
    """One ``businessPartners`` root (``one_root``); several roots are the clients
    documents' part."""
    doc = Doc(world)
    arguments = _partner_arguments(draw, doc)
    return one_root(
        draw, doc, f"r: businessPartners{arguments} {{ {connection(draw, doc, _partner)} }}"
    )


@fuzz_settings(default_examples=EXAMPLES)
@given(data=st.data())
async def test_planned_and_stock_execution_give_the_same_partners(
    pair: Pair, data: st.DataObject
) -> None:
    world = pair.world
    tokens = [world.token] * 6 + [world.other_token, "nope"]
    await same_drawn(pair, data, partner_documents(world), tokens)
