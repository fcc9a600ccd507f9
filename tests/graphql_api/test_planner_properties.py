"""Same answers, proven by generation: documents generated from the planned part of the
schema (random selections of every planned field, aliases, named and inline fragments,
``@include``/``@skip`` with literals and variables, arguments as literals and variables,
good and bad ids, cursors, page sizes and filters, other tenants' ids, bad credentials, rows
whose values stock execution answers with errors, unplanned fields mixed in) are answered by
the planner exactly as by stock Strawberry execution: same status, same JSON after parsing
(data, errors with their messages, paths, locations and extensions, the cost report), on
SQLite and PostgreSQL. Derandomized and bounded (``EXAMPLES``) for ``make test``; the
guard's variables run campaigns (``CLIENTGATE_FUZZ_EXAMPLES``/``RANDOM``/``SHRINK``,
tests/fuzz/profile.py).
"""

from __future__ import annotations

from typing import Any

from graphql import GraphQLObjectType, get_named_type, is_leaf_type
from hypothesis import given
from hypothesis import strategies as st

from core.clients.model import ClientSortField
from graphql_api.clients.cursors import encode_key
from graphql_api.plan import values
from graphql_api.relay import to_global_id
from tests.fuzz.profile import fuzz_settings
from tests.graphql_api.planner_generation import (
    SCHEMA,
    Doc,
    Enum,
    Pair,
    World,
    argument,
    connection,
    directive,
    leaves,
    leaves_of,
    same_drawn,
)

EXAMPLES = 60

# Read from the schema: a field added to Client is generated too (and, until the planner
# knows it, answered by stock execution).
_CLIENT = SCHEMA.get_type("Client")
assert isinstance(_CLIENT, GraphQLObjectType)
CLIENT_LEAVES = leaves_of("Client")
RELATIONS = {
    name: leaves_of(get_named_type(f.type).name)
    for name, f in _CLIENT.fields.items()
    if not is_leaf_type(get_named_type(f.type)) and not f.args
}
PLANNED_RELATIONS = {*values.CATALOGS, *values.CHILDREN, "documents"}
UNPLANNED = ["history(first: 1) { totalCount }", "possibleDuplicates { reasons }"]
POINTS_LEAVES = leaves_of("PointsEntry")
SUMMARY_LEAVES = leaves_of("UnpaidSummary")
DOCUMENT_LEAVES = leaves_of("Document")
# comparisonDate values: around the world's documents' expiration dates, without a zone, none
DATES = ["2015-07-21T00:00:00Z", "2040-01-01T00:00:00+05:00", "2015-07-20T23:59:59", None]


def _client(draw: st.DrawFn, doc: Doc, depth: int = 2) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["leaf", "leaf", "leaf", "relation", "argued", "frag"]))
        if kind == "leaf":
            parts.append(leaves(draw, doc, CLIENT_LEAVES))
        elif kind == "argued":
            parts.append(_argued(draw, doc))
        elif kind == "relation":
            name = draw(st.sampled_from(sorted(RELATIONS)))
            inner = leaves(draw, doc, RELATIONS[name])
            doc.plannable &= name in PLANNED_RELATIONS
            parts.append(f"{doc.alias(draw)}{name}{directive(draw, doc)} {{ {inner} }}")
        elif depth > 0:
            style = draw(st.sampled_from(["inline", "node", "bare", "named"]))
            inner = "" if style == "node" else _client(draw, doc, depth - 1)
            if style == "named":
                name = f"F{len(doc.fragments)}"
                doc.fragments.append(f"fragment {name} on Client {{ {inner} }}")
                parts.append(f"...{name}{directive(draw, doc)}")
            elif style == "node":
                parts.append(f"... on Node{directive(draw, doc)} {{ id }}")
            else:
                condition = "on Client " if style == "inline" else ""
                parts.append(f"... {condition}{directive(draw, doc)}{{ {inner} }}")
    if draw(st.integers(0, 14)) == 0:
        parts.append(draw(st.sampled_from(UNPLANNED)))
        doc.plannable = False
    return " ".join(parts)


def _argued(draw: st.DrawFn, doc: Doc) -> str:
    """``pointsHistory`` (a good or bad ``first``, or none) or ``unpaidSummary`` (a
    ``comparisonDate`` or none) with its selection."""
    alias = doc.alias(draw)
    if draw(st.booleans()):
        first = draw(st.sampled_from([0, 1, 2, 100, 101, -1, None]))
        sized = "" if first is None else f"(first: {argument(draw, doc, 'Int!', first)})"
        inner = leaves(draw, doc, POINTS_LEAVES)
        return f"{alias}pointsHistory{sized}{directive(draw, doc)} {{ {inner} }}"
    date = draw(st.sampled_from(DATES))
    sized = ""
    if date is not None:
        sized = f"(comparisonDate: {argument(draw, doc, 'DateTime', date)})"
    # without a date it is now, which the two paths' requests may see a second apart
    names = SUMMARY_LEAVES if date else [n for n in SUMMARY_LEAVES if n != "comparisonDate"]
    selected = [leaves(draw, doc, names)]
    for name in draw(st.lists(st.sampled_from(["overdueDocuments", "upcomingDocuments"]))):
        selected.append(f"{doc.alias(draw)}{name} {{ {leaves(draw, doc, DOCUMENT_LEAVES)} }}")
    body = " ".join(selected)
    return f"{alias}unpaidSummary{sized}{directive(draw, doc)} {{ {body} }}"


def _cursor(draw: st.DrawFn, world: World) -> str:
    sort = draw(st.sampled_from([ClientSortField.ID, ClientSortField.CODE]))
    value: object = draw(st.sampled_from(world.ids))
    if sort is ClientSortField.CODE:
        value = draw(st.sampled_from(world.codes))
    good = encode_key(sort, draw(st.booleans()), value, draw(st.sampled_from(world.ids)))
    return draw(st.sampled_from([good, good, good, "bad", "W10"]))


def _clients_arguments(draw: st.DrawFn, doc: Doc) -> str:
    world = doc.world
    args = []
    backward = draw(st.integers(0, 3)) == 0
    size = draw(st.sampled_from([0, 1, 2, 3, 50, 51, -1]))
    if backward:
        args.append(f"last: {argument(draw, doc, 'Int', size)}")
        if draw(st.booleans()):
            args.append(f"before: {argument(draw, doc, 'String', _cursor(draw, world))}")
    else:
        if draw(st.booleans()):
            args.append(f"first: {argument(draw, doc, 'Int!', size)}")
        if draw(st.booleans()):
            args.append(f"after: {argument(draw, doc, 'String', _cursor(draw, world))}")
    if draw(st.integers(0, 9)) == 0:  # both directions: the caller's error
        args.append('after: "x"' if backward else "last: 1")
    filters: dict[str, Any] = {}
    if draw(st.integers(0, 3)) == 0:
        filters["firstName"] = draw(st.sampled_from(world.names))
    if draw(st.integers(0, 3)) == 0:
        filters["state"] = Enum(draw(st.sampled_from(["ACTIVE", "INACTIVE"])))
    if draw(st.integers(0, 4)) == 0:
        filters["code"] = draw(st.sampled_from([*world.codes, "nope"]))
    if draw(st.integers(0, 4)) == 0:
        gids = [str(to_global_id("PaymentType", i)) for i in world.payment_types]
        filters["paymentTypeId"] = draw(st.sampled_from([*gids, "bad"]))
    if filters:
        args.append(f"filter: {argument(draw, doc, 'ClientFilterInput', filters)}")
    if draw(st.booleans()):
        sort = {
            "field": Enum(draw(st.sampled_from(["ID", "CODE", "CREATED_AT", "UPDATED_AT"]))),
            "direction": Enum(draw(st.sampled_from(["ASC", "DESC"]))),
        }
        args.append(f"sort: {argument(draw, doc, 'ClientSortInput', sort)}")
    return f"({', '.join(args)})" if args else ""


def _id(draw: st.DrawFn, world: World) -> str:
    return str(
        draw(
            st.sampled_from(
                [
                    *(to_global_id("Client", i) for i in world.ids),
                    *(to_global_id("Client", i) for i in world.broken_ids),
                    to_global_id("Client", world.other_ids[0]),
                    to_global_id("Client", 987654321),
                    to_global_id("PaymentType", world.payment_types[0]),
                    to_global_id("Client", "12x"),
                    "bad",
                ]
            )
        )
    )


@st.composite
def documents(draw: st.DrawFn, world: World) -> tuple[str, dict[str, Any], bool]:
    doc = Doc(world)
    roots = []
    for i in range(draw(st.integers(1, 2))):
        root = draw(st.sampled_from(["clients", "clients", "client", "node", "clientByCode"]))
        alias = f"r{i}: "
        if root == "clients":
            body = f"clients{_clients_arguments(draw, doc)} {{ {connection(draw, doc, _client)} }}"
        elif root == "clientByCode":
            code = draw(st.sampled_from([*world.codes, "20999999999", ""]))
            body = f"clientByCode(code: {argument(draw, doc, 'String!', code)}) "
            body += f"{{ {_client(draw, doc)} }}"
        else:
            gid = argument(draw, doc, "ID!", _id(draw, world))
            inner = _client(draw, doc)
            if root == "node":
                inner = f"__typename ... on Client {{ {inner} }}"
            body = f"{root}(id: {gid}) {{ {inner} }}"
        roots.append(alias + body)
    if draw(st.integers(0, 9)) == 0:
        roots.append("__typename")
    return doc.text(" ".join(roots)), doc.variables, doc.plannable


@fuzz_settings(default_examples=EXAMPLES)
@given(data=st.data())
async def test_planned_and_stock_execution_give_the_same_answer(
    pair: Pair, data: st.DataObject
) -> None:
    world = pair.world
    tokens = [world.token] * 6 + [world.other_token, world.broken_token, "nope"]
    await same_drawn(pair, data, documents(world), tokens)
