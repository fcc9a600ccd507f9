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

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from graphql import GraphQLObjectType, GraphQLSchema, get_named_type, is_leaf_type
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import update
from starlette.applications import Starlette
from starlette.routing import Route

from clientgate.container import Services
from core.clients.model import (
    AttributeInput,
    CatalogKind,
    ClientChanges,
    ClientSortField,
)
from core.partners.model import PartnerFilter
from core.storage.tables.clients import clients as clients_table
from graphql_api.app import GraphQLApp
from graphql_api.clients.cursors import encode_key
from graphql_api.config import GraphQLConfig
from graphql_api.plan import values
from graphql_api.plan.executor import plan_cache
from graphql_api.relay import encode_cursor, encode_search_cursor, to_global_id
from graphql_api.schema import build_schema
from tests.fuzz.profile import fuzz_settings
from tests.support.callers import caller
from tests.support.partners import seed_partners

EXAMPLES = 60

_SCHEMA: GraphQLSchema = getattr(build_schema(), "_schema")  # noqa: B009 (graphql-core's)


def _leaves_of(type_name: str) -> list[str]:
    """The fields of ``type_name`` a selection ends with (leaves without arguments)."""
    found = _SCHEMA.get_type(type_name)
    assert isinstance(found, GraphQLObjectType)
    leaves = [n for n, f in found.fields.items() if is_leaf_type(get_named_type(f.type))]
    return [*leaves, "__typename"]


# Read from the schema: a field added to Client is generated too (and, until the planner
# knows it, answered by stock execution).
_CLIENT = _SCHEMA.get_type("Client")
assert isinstance(_CLIENT, GraphQLObjectType)
CLIENT_LEAVES = _leaves_of("Client")
RELATIONS = {
    name: _leaves_of(get_named_type(f.type).name)
    for name, f in _CLIENT.fields.items()
    if not is_leaf_type(get_named_type(f.type)) and not f.args
}
PLANNED_RELATIONS = {*values.CATALOGS, *values.CHILDREN}
UNPLANNED = ["pointsHistory(first: 1) { points }", "unpaidSummary { totalDebt }"]
PAGE_INFO = _leaves_of("PageInfo")
PARTNER_LEAVES = _leaves_of("BusinessPartner")
# BusinessPartner relation -> its selection's leaves, and the relations below it.
PARTNER_RELATIONS: dict[str, tuple[list[str], dict[str, list[str]]]] = {
    "company": (_leaves_of("Company"), {}),
    "agent": (PARTNER_LEAVES, {}),
    "locations": (
        _leaves_of("PartnerLocation"),
        {"state": _leaves_of("CountryRegion"), "country": _leaves_of("Country")},
    ),
    "contacts": (
        _leaves_of("PartnerContact"),
        {"contactMethods": _leaves_of("PartnerContactMethod")},
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


@dataclass
class World:
    """Two tenants' clients (one tenant with rows stock execution cannot serialise)."""

    token: str
    other_token: str
    broken_token: str
    ids: list[int] = field(default_factory=list)
    other_ids: list[int] = field(default_factory=list)
    broken_ids: list[int] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    payment_types: list[int] = field(default_factory=list)
    partner_ids: list[int] = field(default_factory=list)
    planned: int = 0


async def _build_world(services: Services) -> World:
    svc = services.clients
    accounts = services.accounts
    a = await accounts.create_account(name="Planner A", country="PE")
    b = await accounts.create_account(name="Planner B", country="CL")
    c = await accounts.create_account(name="Planner broken", country="PE")
    world = World(a.token, b.token, c.token)
    me = caller(a.account)
    pts = [await svc.add_catalog_item(me, CatalogKind.PAYMENT_TYPE, name) for name in ("Ef", "Tj")]
    world.payment_types = [p.id for p in pts]
    pl = await svc.add_catalog_item(me, CatalogKind.PRICE_LIST, "Base")
    attr = await svc.add_attribute_definition(me, "Rubro")
    codes = ["20100070970", "20131312955", None, None, None, None, None]
    for i, code in enumerate(codes):
        values: dict[str, Any] = {
            "first_name": f"Ana {i}" if i % 3 else None,
            "last_name": f"Pérez{i}",
            "email": f"a{i}@example.pe" if i % 2 else None,
            "city": "Lima" if i % 2 else None,
            "district": "Surco" if i % 3 == 1 else None,
            "has_credit": i % 2,
            "max_credit": 100.5 * i if i % 2 else None,
            "company_or_person": i % 2,
            "is_foreigner": None if i == 3 else i % 2,
            "state": 1 if i == 4 else 0,
        }
        if code:
            values["code"] = code
        if i % 3 != 2:
            values["payment_type_id"] = pts[i % 2].id
        if i == 1:
            values["price_list_id"] = pl.id
        attributes = [AttributeInput(attr.id, f"v{i}")] if i % 2 else None
        client = await svc.create(me, ClientChanges(values, attributes=attributes))
        world.ids.append(client.id)
        world.codes.append(client.code)
        for n in range(i % 3):
            await svc.add_contact(me, client.id, {"first_name": f"K{i}{n}", "email": None})
        if i % 2 == 0:
            await svc.add_address(me, client.id, {"address": f"Calle {i}", "district": "Lima"})
    world.names = ["Ana", "ana 1", "pérez", "Z", "1"]
    for i in range(2):
        other = await svc.create(caller(b.account), ClientChanges({"first_name": f"B{i}"}))
        world.other_ids.append(other.id)
    # Stored values stock execution answers with errors: an unknown state (a non-null enum:
    # the error propagates to the parent) and an id past 32 bits (a nullable Int).
    for i in range(3):
        broken = await svc.create(caller(c.account), ClientChanges({"first_name": f"X{i}"}))
        world.broken_ids.append(broken.id)
    async with services.engine.begin() as conn:
        await conn.execute(
            update(clients_table).where(clients_table.c.id == world.broken_ids[0]).values(state=7)
        )
        await conn.execute(
            update(clients_table)
            .where(clients_table.c.id == world.broken_ids[1])
            .values(prestashop_client_id=2**40)
        )
    await seed_partners(services, a, 7)
    await seed_partners(services, b, 2)
    page = await services.partners.reads.keyset(caller(a.account), PartnerFilter(), first=50)
    world.partner_ids = [p.id for p in page.items]
    return world


@dataclass
class Pair:
    planned: httpx.AsyncClient
    stock: httpx.AsyncClient
    planned_app: GraphQLApp
    world: World


@pytest.fixture(scope="session")
async def pair(services: Services) -> AsyncIterator[Pair]:
    planned = GraphQLApp(services, GraphQLConfig())
    stock = GraphQLApp(services, GraphQLConfig())
    stock.schema = build_schema(GraphQLConfig(), fast_leaves=False, planner=False)
    clients = [
        httpx.AsyncClient(
            transport=httpx.ASGITransport(
                app=Starlette(routes=[Route("/graphql", view, methods=["GET", "POST"])])
            ),
            base_url="http://t",
        )
        for view in (planned, stock)
    ]
    world = await _build_world(services)
    try:
        yield Pair(clients[0], clients[1], planned, world)
    finally:
        for c in clients:
            await c.aclose()


# -- documents ------------------------------------------------------------------------------


@dataclass
class Doc:
    """A document being generated: its variables and fragments."""

    world: World
    declarations: list[str] = field(default_factory=list)
    variables: dict[str, Any] = field(default_factory=dict)
    fragments: list[str] = field(default_factory=list)
    plannable: bool = True
    aliases: int = 0

    def alias(self, draw: st.DrawFn) -> str:
        """Now and then an alias, each one new (one name for two fields is invalid)."""
        if draw(st.integers(0, 4)):
            return ""
        self.aliases += 1
        return f"x{self.aliases}: "

    def variable(self, type_text: str, value: Any) -> str:
        name = f"v{len(self.declarations)}"
        self.declarations.append(f"${name}: {type_text}")
        self.variables[name] = value
        return f"${name}"

    def text(self, body: str) -> str:
        declared = f"({', '.join(self.declarations)})" if self.declarations else ""
        return f"query P{declared} {{ {body} }} " + " ".join(self.fragments)


def _literal(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, _Enum):
        return str(value)
    return json.dumps(value)


class _Enum(str):
    """An enum value: bare in a literal, a string in variables."""


def _argument(draw: st.DrawFn, doc: Doc, type_text: str, value: Any) -> str:
    if draw(st.booleans()):
        return _literal(value)
    return doc.variable(type_text, value)


def _directive(draw: st.DrawFn, doc: Doc) -> str:
    kind = draw(st.sampled_from(["", "", "", "include", "skip"]))
    if not kind:
        return ""
    value = draw(st.booleans())
    condition = doc.variable("Boolean!", value) if draw(st.booleans()) else _literal(value)
    return f" @{kind}(if: {condition})"


def _leaves(draw: st.DrawFn, doc: Doc, names: list[str]) -> str:
    chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=5))
    return " ".join(f"{doc.alias(draw)}{name}{_directive(draw, doc)}" for name in chosen)


def _client(draw: st.DrawFn, doc: Doc, depth: int = 2) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["leaf", "leaf", "leaf", "relation", "relation", "frag"]))
        if kind == "leaf":
            parts.append(_leaves(draw, doc, CLIENT_LEAVES))
        elif kind == "relation":
            name = draw(st.sampled_from(sorted(RELATIONS)))
            inner = _leaves(draw, doc, RELATIONS[name])
            doc.plannable &= name in PLANNED_RELATIONS
            parts.append(f"{doc.alias(draw)}{name}{_directive(draw, doc)} {{ {inner} }}")
        elif depth > 0:
            style = draw(st.sampled_from(["inline", "node", "bare", "named"]))
            inner = "" if style == "node" else _client(draw, doc, depth - 1)
            if style == "named":
                name = f"F{len(doc.fragments)}"
                doc.fragments.append(f"fragment {name} on Client {{ {inner} }}")
                parts.append(f"...{name}{_directive(draw, doc)}")
            elif style == "node":
                parts.append(f"... on Node{_directive(draw, doc)} {{ id }}")
            else:
                condition = "on Client " if style == "inline" else ""
                parts.append(f"... {condition}{_directive(draw, doc)}{{ {inner} }}")
    if draw(st.integers(0, 14)) == 0:
        parts.append(draw(st.sampled_from(UNPLANNED)))
        doc.plannable = False
    return " ".join(parts)


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
        args.append(f"last: {_argument(draw, doc, 'Int', size)}")
        if draw(st.booleans()):
            args.append(f"before: {_argument(draw, doc, 'String', _cursor(draw, world))}")
    else:
        if draw(st.booleans()):
            args.append(f"first: {_argument(draw, doc, 'Int!', size)}")
        if draw(st.booleans()):
            args.append(f"after: {_argument(draw, doc, 'String', _cursor(draw, world))}")
    if draw(st.integers(0, 9)) == 0:  # both directions: the caller's error
        args.append('after: "x"' if backward else "last: 1")
    filters: dict[str, Any] = {}
    if draw(st.integers(0, 3)) == 0:
        filters["firstName"] = draw(st.sampled_from(world.names))
    if draw(st.integers(0, 3)) == 0:
        filters["state"] = _Enum(draw(st.sampled_from(["ACTIVE", "INACTIVE"])))
    if draw(st.integers(0, 4)) == 0:
        filters["code"] = draw(st.sampled_from([*world.codes, "nope"]))
    if draw(st.integers(0, 4)) == 0:
        gids = [str(to_global_id("PaymentType", i)) for i in world.payment_types]
        filters["paymentTypeId"] = draw(st.sampled_from([*gids, "bad"]))
    if filters:
        args.append(f"filter: {_argument(draw, doc, 'ClientFilterInput', filters)}")
    if draw(st.booleans()):
        sort = {
            "field": _Enum(draw(st.sampled_from(["ID", "CODE", "CREATED_AT", "UPDATED_AT"]))),
            "direction": _Enum(draw(st.sampled_from(["ASC", "DESC"]))),
        }
        args.append(f"sort: {_argument(draw, doc, 'ClientSortInput', sort)}")
    return f"({', '.join(args)})" if args else ""


def _connection(draw: st.DrawFn, doc: Doc) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["edges", "edges", "nodes", "pageInfo", "totalCount", "t"]))
        alias = doc.alias(draw)
        if kind == "edges":
            names = draw(st.lists(st.sampled_from(["cursor", "__typename", "node"]), min_size=1))
            edge = " ".join(names)
            if "node" in names:
                edge = edge.replace("node", f"node {{ {_client(draw, doc)} }}")
            parts.append(f"{alias}edges{_directive(draw, doc)} {{ {edge} }}")
        elif kind == "nodes":
            parts.append(f"{alias}nodes {{ {_client(draw, doc)} }}")
        elif kind == "pageInfo":
            parts.append(f"{alias}pageInfo {{ {_leaves(draw, doc, PAGE_INFO)} }}")
        else:
            parts.append(f"{alias}{'totalCount' if kind == 'totalCount' else '__typename'}")
    return " ".join(parts)


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
            body = f"clients{_clients_arguments(draw, doc)} {{ {_connection(draw, doc)} }}"
        elif root == "clientByCode":
            code = draw(st.sampled_from([*world.codes, "20999999999", ""]))
            body = f"clientByCode(code: {_argument(draw, doc, 'String!', code)}) "
            body += f"{{ {_client(draw, doc)} }}"
        else:
            gid = _argument(draw, doc, "ID!", _id(draw, world))
            inner = _client(draw, doc)
            if root == "node":
                inner = f"__typename ... on Client {{ {inner} }}"
            body = f"{root}(id: {gid}) {{ {inner} }}"
        roots.append(alias + body)
    if draw(st.integers(0, 9)) == 0:
        roots.append("__typename")
    return doc.text(" ".join(roots)), doc.variables, doc.plannable


def _sorted_errors(answer: dict[str, Any]) -> dict[str, Any]:
    """The answer with its errors in one order: concurrent root fields report theirs in the
    order they finish, which GraphQL leaves open (and which differs between runs)."""
    if "errors" in answer:
        answer["errors"] = sorted(answer["errors"], key=lambda e: json.dumps(e, sort_keys=True))
    return answer


@fuzz_settings(default_examples=EXAMPLES)
@given(data=st.data())
async def test_planned_and_stock_execution_give_the_same_answer(
    pair: Pair, data: st.DataObject
) -> None:
    world = pair.world
    document, variables, plannable = data.draw(documents(world), label="document")
    token = data.draw(
        st.sampled_from([world.token] * 6 + [world.other_token, world.broken_token, "nope"]),
        label="token",
    )
    await _same(pair, document, variables, plannable, token)


async def _same(
    pair: Pair, document: str, variables: dict[str, Any], plannable: bool, token: str
) -> None:
    """Both paths answer alike; a plannable document that executed was planned."""
    body = {"query": document, "variables": variables}
    headers = {"Authorization": f"Bearer {token}"}
    a = await pair.planned.post("/graphql", json=body, headers=headers)
    b = await pair.stock.post("/graphql", json=body, headers=headers)
    assert (a.status_code, _sorted_errors(a.json())) == (b.status_code, _sorted_errors(b.json()))
    answer = a.json()
    executed = "data" in answer and all("path" in e for e in answer.get("errors", ()))
    if plannable and executed:  # not refused before execution (errors there have no path)
        cache = plan_cache(getattr(pair.planned_app.schema, "_schema"))  # noqa: B009
        assert any(
            key[0] == document and cache.get(key)[1] is not None for key in list(cache._plans)
        ), document


# -- business partners ----------------------------------------------------------------------


def _partner(draw: st.DrawFn, doc: Doc, depth: int = 2) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["leaf", "leaf", "relation", "relation", "frag"]))
        if kind == "leaf":
            parts.append(_leaves(draw, doc, PARTNER_LEAVES))
        elif kind == "relation":
            name = draw(st.sampled_from(sorted(PARTNER_RELATIONS)))
            leaves, below = PARTNER_RELATIONS[name]
            selected = [_leaves(draw, doc, leaves)]
            subs = draw(st.lists(st.sampled_from(sorted(below)), max_size=2)) if below else []
            for sub in subs:
                selected.append(f"{doc.alias(draw)}{sub} {{ {_leaves(draw, doc, below[sub])} }}")
            body = " ".join(selected)
            parts.append(f"{doc.alias(draw)}{name}{_directive(draw, doc)} {{ {body} }}")
        elif depth > 0:
            inner = _partner(draw, doc, depth - 1)
            if draw(st.booleans()):
                name = f"F{len(doc.fragments)}"
                doc.fragments.append(f"fragment {name} on BusinessPartner {{ {inner} }}")
                parts.append(f"...{name}{_directive(draw, doc)}")
            else:
                parts.append(f"... on BusinessPartner{_directive(draw, doc)} {{ {inner} }}")
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
        args.append(f"last: {_argument(draw, doc, 'Int', size)}")
        if draw(st.booleans()):
            args.append(f"before: {_argument(draw, doc, 'String', cursor)}")
    else:
        if draw(st.booleans()):
            args.append(f"first: {_argument(draw, doc, 'Int!', size)}")
        if draw(st.booleans()):
            args.append(f"after: {_argument(draw, doc, 'String', cursor)}")
    filters: dict[str, Any] = {}
    if draw(st.integers(0, 3)) == 0:
        filters["active"] = draw(st.booleans())
    if draw(st.integers(0, 3)) == 0:
        filters["roleKind"] = _Enum(draw(st.sampled_from(["AGENT", "CLIENT"])))
    if draw(st.integers(0, 4)) == 0:
        filters["search"] = draw(st.sampled_from(PARTNER_SEARCHES))
    if draw(st.integers(0, 4)) == 0:
        agents = [to_global_id("BusinessPartner", world.partner_ids[0]), "bad"]
        filters["agentId"] = draw(st.sampled_from(agents))
    if filters:
        args.append(f"filter: {_argument(draw, doc, 'BusinessPartnerFilter', filters)}")
    if draw(st.integers(0, 2)) == 0:
        search = draw(st.sampled_from(PARTNER_SEARCHES))
        args.append(f"search: {_argument(draw, doc, 'String', search)}")
    return f"({', '.join(args)})" if args else ""


def _partner_connection(draw: st.DrawFn, doc: Doc) -> str:
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["edges", "edges", "nodes", "pageInfo", "totalCount", "t"]))
        alias = doc.alias(draw)
        if kind == "edges":
            names = draw(st.lists(st.sampled_from(["cursor", "__typename", "node"]), min_size=1))
            edge = " ".join(names)
            if "node" in names:
                edge = edge.replace("node", f"node {{ {_partner(draw, doc)} }}")
            parts.append(f"{alias}edges{_directive(draw, doc)} {{ {edge} }}")
        elif kind == "nodes":
            parts.append(f"{alias}nodes {{ {_partner(draw, doc)} }}")
        elif kind == "pageInfo":
            parts.append(f"{alias}pageInfo {{ {_leaves(draw, doc, PAGE_INFO)} }}")
        else:
            parts.append(f"{alias}{'totalCount' if kind == 'totalCount' else '__typename'}")
    return " ".join(parts)


@st.composite
def partner_documents(draw: st.DrawFn, world: World) -> tuple[str, dict[str, Any], bool]:
    """One ``businessPartners`` root (and now and then ``__typename``): with two, an error
    in one non-null root makes stock execution drop the other's pending resolvers (graphql-core
    leaves them un-awaited, a warning the next test reports); several roots are the clients
    documents' part."""
    doc = Doc(world)
    arguments = _partner_arguments(draw, doc)
    roots = [f"r: businessPartners{arguments} {{ {_partner_connection(draw, doc)} }}"]
    if draw(st.integers(0, 5)) == 0:
        roots.append("__typename")
    return doc.text(" ".join(roots)), doc.variables, doc.plannable


@fuzz_settings(default_examples=EXAMPLES)
@given(data=st.data())
async def test_planned_and_stock_execution_give_the_same_partners(
    pair: Pair, data: st.DataObject
) -> None:
    world = pair.world
    document, variables, plannable = data.draw(partner_documents(world), label="document")
    token = data.draw(st.sampled_from([world.token] * 6 + [world.other_token, "nope"]))
    await _same(pair, document, variables, plannable, token)
