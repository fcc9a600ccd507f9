"""The benchmarked requests. clientgate and the floor get exactly the same ones: each GraphQL
scenario against the GraphQL floor, each REST scenario against the REST floor."""

from __future__ import annotations

import base64
import random
from dataclasses import dataclass
from typing import Any

import orjson

from bench import documents
from bench.seed import Seeded, client_code
from bench.wrk import Request

EXPAND = "[contacts,addresses,attributes,payment_type]"
PAGE = 50
GRAPHQL_LIST = documents.CLIENTS_LIST


@dataclass(frozen=True)
class Scenario:
    name: str
    label: str
    request: Request
    creates: bool = False  # answers differ by the generated id and timestamps only


def graphql_body(first: int = PAGE, after: str | None = None) -> str:
    return orjson.dumps(
        {"query": GRAPHQL_LIST, "variables": {"first": first, "after": after}}
    ).decode()


def _templated(query: str, variables: dict[str, Any]) -> str:
    """A GraphQL body whose variables hold wrk's ``{n}``/``{code}``/``{id}`` placeholders
    (written as ``__n__`` etc. so JSON encoding leaves them alone)."""
    body = orjson.dumps({"query": query, "variables": variables}).decode()
    for mark in ("{n}", "{code}", "{id}"):
        assert mark not in body, f"{mark} would be substituted inside the document"
        body = body.replace(f"__{mark[1:-1]}__", mark)
    return body


def _auth(seeded: Seeded) -> dict[str, str]:
    return {"access_token": seeded.token}


def _graphql(seeded: Seeded, body: str, **kwargs: Any) -> Request:
    headers = {**_auth(seeded), "Content-Type": "application/json"}
    return Request("POST", ("/graphql",), body=body, headers=headers, **kwargs)


def client_cursor(client_id: int) -> str:
    """clientgate's cursor for a client in the default order (id ascending): base64url JSON
    ``["id", "asc", id, id]`` without padding (``graphql_api.clients.cursors``)."""
    raw = orjson.dumps(["id", "asc", client_id, client_id])
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _new_codes(rng: random.Random) -> tuple[str, ...]:
    # Valid RUCs outside the seeded range, so validation does its full work.
    return tuple(client_code(90_000_000 + rng.randrange(9_000_000)) for _ in range(1000))


# -- GraphQL ----------------------------------------------------------------------------------


def graphql_list(seeded: Seeded) -> Request:
    return _graphql(seeded, graphql_body())


def graphql_deep(seeded: Seeded) -> Request:
    """The same list after a cursor ``clients - 50`` deep: the last full page."""
    return _graphql(seeded, graphql_body(after=client_cursor(max(0, seeded.clients - PAGE))))


def graphql_partners(seeded: Seeded) -> Request:
    body = orjson.dumps(
        {"query": documents.PARTNERS_LIST, "variables": {"first": PAGE, "after": None}}
    ).decode()
    return _graphql(seeded, body)


def graphql_node(seeded: Seeded, rng: random.Random) -> Request:
    picks = [seeded.first_client_id + rng.randrange(seeded.clients) for _ in range(1000)]
    ids = tuple(base64.b64encode(f"Client:{i}".encode()).decode() for i in picks)
    return _graphql(seeded, _templated(documents.CLIENT_NODE, {"id": "__id__"}), ids=ids)


def graphql_create(seeded: Seeded, rng: random.Random) -> Request:
    fields = {
        "firstName": "Bench __n__",
        "lastName": "Mutation",
        "email": "gql__n__@ejemplo.com.pe",
        "code": "__code__",
        "phone": "+51 1 5550000",
        "company": "Bench GraphQL SAC",
        "city": "Lima",
        "district": "Miraflores",
        "address": "Av. Pardo __n__",
    }
    body = _templated(documents.CREATE_CLIENT, {"input": fields})
    return _graphql(seeded, body, codes=_new_codes(rng))


# -- REST (Bsale dialect) ---------------------------------------------------------------------


def rest_list(seeded: Seeded) -> Request:
    # The first 20 pages in turn, so neither side answers one cached page.
    paths = tuple(
        f"/v1/clients.json?limit={PAGE}&offset={o}&expand={EXPAND}"
        for o in range(0, 20 * PAGE, PAGE)
    )
    return Request("GET", paths, headers=_auth(seeded))


def get_one(seeded: Seeded, rng: random.Random) -> Request:
    ids = [seeded.first_client_id + rng.randrange(seeded.clients) for _ in range(1000)]
    return Request("GET", tuple(f"/v1/clients/{i}.json" for i in ids), headers=_auth(seeded))


def lookup(seeded: Seeded, rng: random.Random) -> Request:
    codes = [client_code(rng.randrange(seeded.clients)) for _ in range(1000)]
    return Request("GET", tuple(f"/v1/clients.json?code={c}" for c in codes), headers=_auth(seeded))


def post_client(seeded: Seeded, rng: random.Random) -> Request:
    body = (
        '{"firstName": "Bench {n}", "lastName": "Post", "email": "post{n}@ejemplo.com.pe", '
        '"code": "{code}", "phone": "+51 1 5550000", "company": "Bench Post SAC", '
        '"city": "Lima", "district": "Miraflores", "address": "Av. Larco {n}"}'
    )
    return Request(
        "POST",
        ("/v1/clients.json",),
        body=body,
        codes=_new_codes(rng),
        headers={**_auth(seeded), "Content-Type": "application/json"},
    )


def all_scenarios(seeded: Seeded, rng: random.Random) -> list[Scenario]:
    """Every scenario, in the order they run. ``graphql_partners`` needs seeded partners."""
    out = [
        Scenario(
            "graphql_list",
            "GraphQL nested list of 50 (clients + paymentType, contacts, addresses, attributes)",
            graphql_list(seeded),
        ),
        Scenario(
            "graphql_partners",
            "GraphQL business partners, 50 + company, locations, contacts + methods",
            graphql_partners(seeded),
        ),
        Scenario(
            "graphql_node", "GraphQL node(id) of a client with contacts", graphql_node(seeded, rng)
        ),
        Scenario(
            "graphql_deep",
            f"GraphQL list of 50 after a cursor {max(0, seeded.clients - PAGE):,} deep",
            graphql_deep(seeded),
        ),
        Scenario(
            "rest_list",
            f"REST list of 50, expand={EXPAND}",
            rest_list(seeded),
        ),
        Scenario("get_one", "REST GET one client", get_one(seeded, rng)),
        Scenario("lookup", "REST lookup by code (`?code=`)", lookup(seeded, rng)),
        # Creates last: the rows they add would change the lists' counts measured above.
        Scenario(
            "graphql_create", "GraphQL createClient", graphql_create(seeded, rng), creates=True
        ),
        Scenario("post_client", "REST POST a client", post_client(seeded, rng), creates=True),
    ]
    if not seeded.partners:
        out = [s for s in out if s.name != "graphql_partners"]
    return out


SCENARIO_NAMES = (
    "graphql_list",
    "graphql_partners",
    "graphql_node",
    "graphql_deep",
    "rest_list",
    "get_one",
    "lookup",
    "graphql_create",
    "post_client",
)


def cursor_at(first_page: dict[str, Any], depth: int) -> str | None:
    """The ``after`` cursor that starts a page ``depth`` items deep, built from page 1's own
    end cursor (base64url JSON ``[sort, direction, value, id]`` for the default id order):
    the id of the item at position ``depth`` replaces the last id of page 1. Seeded ids are
    consecutive from 1, so that item's id is ``depth``."""
    end = first_page["data"]["clients"]["pageInfo"]["endCursor"]
    try:
        raw = orjson.loads(base64.urlsafe_b64decode(end + "=" * (-len(end) % 4)))
    except ValueError:
        return None
    last = first_page["data"]["clients"]["edges"][-1]["node"]["databaseId"]
    if not isinstance(raw, list) or raw[-1] != last:
        return None
    deep = [depth if v == last else v for v in raw]
    return base64.urlsafe_b64encode(orjson.dumps(deep)).decode().rstrip("=")
