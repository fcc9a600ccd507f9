"""What the planner's property-based tests share: the world both paths read (two tenants'
clients with every relation, business partners, a tenant whose rows stock execution answers
with errors), the pieces documents are generated from, and the comparison of both paths'
answers. The ``pair`` fixture (tests/graphql_api/conftest.py) builds it once per database.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import httpx
from graphql import GraphQLObjectType, GraphQLSchema, get_named_type, is_leaf_type
from hypothesis import strategies as st
from sqlalchemy import update

from clientgate.container import Services
from core.accounts.model import NewAccount
from core.clients.model import AttributeInput, CatalogKind, ClientChanges, PointsOperation
from core.partners.model import PartnerFilter
from core.resellers.inputs import OnboardInput
from core.resellers.model import IntegrationType, ValidatorEntity
from core.storage.tables.clients import clients as clients_table
from core.storage.tables.clients import points_entries as points_table
from core.storage.tables.resellers import einvoice_settings as settings_table
from graphql_api.app import GraphQLApp
from graphql_api.plan.executor import plan_cache
from graphql_api.schema import build_schema
from tests.support.callers import caller
from tests.support.partners import seed_partners

SCHEMA: GraphQLSchema = getattr(build_schema(), "_schema")  # noqa: B009 (graphql-core's)


def leaves_of(type_name: str) -> list[str]:
    """The fields of ``type_name`` a selection ends with (leaves without arguments)."""
    found = SCHEMA.get_type(type_name)
    assert isinstance(found, GraphQLObjectType)
    leaves = [n for n, f in found.fields.items() if is_leaf_type(get_named_type(f.type))]
    return [*leaves, "__typename"]


PAGE_INFO = leaves_of("PageInfo")


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
    resellers: list[str] = field(default_factory=list)
    """Tokens of two resellers, and of one whose accounts stock execution cannot serialise."""
    onboarded_ids: list[int] = field(default_factory=list)
    planned: int = 0


async def build_world(services: Services) -> World:
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
        await ledger(svc, me, client.id, i)
    world.names = ["Ana", "ana 1", "pérez", "Z", "1"]
    for i in range(2):
        other = await svc.create(caller(b.account), ClientChanges({"first_name": f"B{i}"}))
        world.other_ids.append(other.id)
    # Stored values stock execution answers with errors: an unknown state (a non-null enum:
    # the error propagates to the parent) and an id past 32 bits (a nullable Int).
    for i in range(3):
        broken = await svc.create(caller(c.account), ClientChanges({"first_name": f"X{i}"}))
        world.broken_ids.append(broken.id)
    # and a points movement of an unknown kind (a non-null enum of every PointsEntry)
    await ledger(svc, caller(c.account), world.broken_ids[2], 3)
    async with services.engine.begin() as conn:
        await conn.execute(
            update(points_table)
            .where(points_table.c.client_id == world.broken_ids[2])
            .values(operation=9)
        )
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
    await _onboard(services, world)
    return world


async def _onboard(services: Services, world: World) -> None:
    """Onboarded accounts of three resellers (the third's with a stored validator stock
    execution cannot serialise)."""
    for n in range(3):
        reseller = await services.accounts.create_account(
            name=f"Reseller {n}", country="PE", is_reseller=True
        )
        world.resellers.append(reseller.token)
        created = await onboard_batch(services, reseller, 6 if n == 0 else 2, str(n))
        if n == 0:
            world.onboarded_ids = created
        if n == 2:
            async with services.engine.begin() as conn:
                await conn.execute(
                    update(settings_table)
                    .where(settings_table.c.account_id == created[0])
                    .values(validator_entity=9)
                )


async def onboard_batch(
    services: Services, reseller: NewAccount, count: int, prefix: str
) -> list[int]:
    """``count`` accounts onboarded by ``reseller`` (RUCs ``20<prefix>...``), every validator
    and integration, OSE credentials where they are required, some optional fields unset."""
    items = []
    for i in range(count):
        validator = ValidatorEntity(i % 4)
        ose = validator in (ValidatorEntity.OSE_EFACT, ValidatorEntity.OSE_NUBEFACT)
        items.append(
            OnboardInput(
                ruc=f"20{prefix}{i:07d}{i % 10}",
                company_name=f"Empresa {prefix}{i}",
                validator_entity=validator,
                integration_type=IntegrationType(i % 2),
                email=f"e{i}@example.pe" if i % 2 else None,
                phone_number="+51 987" if i % 3 == 0 else None,
                external_ose_username=f"ose{i}" if ose else None,
                external_ose_password="secret" if ose else None,
                is_ose_validation_only=True if validator is ValidatorEntity.OSE_GIOR else None,
            )
        )
    result = await services.resellers.onboard(caller(reseller.account), items)
    return [c.account_id for c in result.created]


async def ledger(svc: Any, me: Any, client_id: int, i: int) -> None:
    """``i`` points movements and documents (overdue or not in 2015, partly paid or not)."""
    for n in range(i % 4):
        operation = PointsOperation.SUBTRACT if n == 2 else PointsOperation.ADD
        await svc.change_points(me, client_id, operation, n + 1, f"m{n}", order_id=f"o{n}")
    for n in range(i % 3):
        doc = await svc.add_document(
            me,
            client_id,
            name=f"F{n}",
            number=2**40 + n,
            emission_date=1_437_000_000,
            expiration_date=1_437_436_800 + n * 86_400 * (1 if i % 2 else -1),
            total_amount=Decimal("100.10") * (n + 1),
        )
        if n:
            await svc.add_payment(me, doc.id, Decimal("0.5") * n)


@dataclass
class Pair:
    planned: httpx.AsyncClient
    stock: httpx.AsyncClient
    planned_app: GraphQLApp
    world: World


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


def literal(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, Enum):
        return str(value)
    return json.dumps(value)


class Enum(str):
    """An enum value: bare in a literal, a string in variables."""


def argument(draw: st.DrawFn, doc: Doc, type_text: str, value: Any) -> str:
    if draw(st.booleans()):
        return literal(value)
    return doc.variable(type_text, value)


def directive(draw: st.DrawFn, doc: Doc) -> str:
    kind = draw(st.sampled_from(["", "", "", "include", "skip"]))
    if not kind:
        return ""
    value = draw(st.booleans())
    condition = doc.variable("Boolean!", value) if draw(st.booleans()) else literal(value)
    return f" @{kind}(if: {condition})"


def leaves(draw: st.DrawFn, doc: Doc, names: list[str]) -> str:
    chosen = draw(st.lists(st.sampled_from(names), min_size=1, max_size=5))
    return " ".join(f"{doc.alias(draw)}{name}{directive(draw, doc)}" for name in chosen)


def spread(draw: st.DrawFn, doc: Doc, type_name: str, inner: str) -> str:
    """``inner`` as a named fragment's spread or as an inline fragment on ``type_name``."""
    if draw(st.booleans()):
        name = f"F{len(doc.fragments)}"
        doc.fragments.append(f"fragment {name} on {type_name} {{ {inner} }}")
        return f"...{name}{directive(draw, doc)}"
    return f"... on {type_name}{directive(draw, doc)} {{ {inner} }}"


def connection(draw: st.DrawFn, doc: Doc, node: Callable[[st.DrawFn, Doc], str]) -> str:
    """A connection's selection: edges (cursor, node), nodes, pageInfo, totalCount,
    ``__typename``; ``node`` draws a node's selection."""
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["edges", "edges", "nodes", "pageInfo", "totalCount", "t"]))
        alias = doc.alias(draw)
        if kind == "edges":
            names = draw(st.lists(st.sampled_from(["cursor", "__typename", "node"]), min_size=1))
            edge = " ".join(names)
            if "node" in names:
                edge = edge.replace("node", f"node {{ {node(draw, doc)} }}")
            parts.append(f"{alias}edges{directive(draw, doc)} {{ {edge} }}")
        elif kind == "nodes":
            parts.append(f"{alias}nodes {{ {node(draw, doc)} }}")
        elif kind == "pageInfo":
            parts.append(f"{alias}pageInfo {{ {leaves(draw, doc, PAGE_INFO)} }}")
        else:
            parts.append(f"{alias}{'totalCount' if kind == 'totalCount' else '__typename'}")
    return " ".join(parts)


def sorted_errors(answer: dict[str, Any]) -> dict[str, Any]:
    """The answer with its errors in one order: concurrent root fields report theirs in the
    order they finish, which GraphQL leaves open (and which differs between runs)."""
    if "errors" in answer:
        answer["errors"] = sorted(answer["errors"], key=lambda e: json.dumps(e, sort_keys=True))
    return answer


Generated = tuple[str, dict[str, Any], bool]
"""A generated document: its text, its variables, whether the planner must plan it."""


def one_root(draw: st.DrawFn, doc: Doc, root: str) -> Generated:
    """A document of one root field (and now and then ``__typename``): with two, an error in
    one non-null root makes stock execution drop the other's pending resolvers (graphql-core
    leaves them un-awaited, a warning the next test reports)."""
    roots = [root]
    if draw(st.integers(0, 5)) == 0:
        roots.append("__typename")
    return doc.text(" ".join(roots)), doc.variables, doc.plannable


async def same_drawn(
    pair: Pair, data: st.DataObject, documents: st.SearchStrategy[Generated], tokens: list[str]
) -> None:
    """A document drawn from ``documents`` and a token from ``tokens``: ``same``."""
    document, variables, plannable = data.draw(documents, label="document")
    token = data.draw(st.sampled_from(tokens), label="token")
    await same(pair, document, variables, plannable, token)


async def same(
    pair: Pair, document: str, variables: dict[str, Any], plannable: bool, token: str
) -> None:
    """Both paths answer alike; a plannable document that executed was planned."""
    body = {"query": document, "variables": variables}
    headers = {"Authorization": f"Bearer {token}"}
    a = await pair.planned.post("/graphql", json=body, headers=headers)
    b = await pair.stock.post("/graphql", json=body, headers=headers)
    assert (a.status_code, sorted_errors(a.json())) == (b.status_code, sorted_errors(b.json()))
    answer = a.json()
    executed = "data" in answer and all("path" in e for e in answer.get("errors", ()))
    if plannable and executed:  # not refused before execution (errors there have no path)
        cache = plan_cache(getattr(pair.planned_app.schema, "_schema"))  # noqa: B009
        assert any(
            key[0] == document and cache.get(key)[1] is not None for key in list(cache._plans)
        ), document
