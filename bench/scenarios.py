"""The benchmarked requests, shared by clientgate and the floor."""

from __future__ import annotations

import base64
import random
from typing import Any

import orjson

from bench.seed import Seeded, client_code
from bench.wrk import Request

EXPAND = "[contacts,addresses,attributes,payment_type]"
PAGE = 50

# Every scalar of a client plus its contacts, addresses and attribute values: the GraphQL
# twin of the REST list with expand. Field names follow graphql_api's Client type.
GRAPHQL_LIST = """
query Bench($first: Int!, $after: String) {
  clients(first: $first, after: $after) {
    pageInfo { hasNextPage endCursor }
    edges { cursor node {
      id databaseId firstName lastName email code codeValid phone company note facebook
      twitter hasCredit maxCredit state activity city district address companyOrPerson
      accumulatePoints points pointsUpdated sendDte isForeigner prestashopClientId
      createdAt updatedAt
      paymentType { databaseId name state }
      contacts { databaseId firstName lastName phone email }
      addresses { databaseId addressName address city district state }
      attributes { definitionId name value }
    } }
  }
}
"""


def graphql_body(first: int = PAGE, after: str | None = None) -> str:
    return orjson.dumps(
        {"query": GRAPHQL_LIST, "variables": {"first": first, "after": after}}
    ).decode()


def _auth(seeded: Seeded) -> dict[str, str]:
    return {"access_token": seeded.token}


def rest_list(seeded: Seeded) -> Request:
    # The first 20 pages in turn, so neither side answers one cached page.
    paths = tuple(
        f"/v1/clients.json?limit={PAGE}&offset={o}&expand={EXPAND}"
        for o in range(0, 20 * PAGE, PAGE)
    )
    return Request("GET", paths, headers=_auth(seeded))


def graphql_list(seeded: Seeded) -> Request:
    return Request(
        "POST",
        ("/graphql",),
        body=graphql_body(),
        headers={**_auth(seeded), "Content-Type": "application/json"},
    )


def get_one(seeded: Seeded, rng: random.Random) -> Request:
    ids = [seeded.first_client_id + rng.randrange(seeded.clients) for _ in range(1000)]
    return Request("GET", tuple(f"/v1/clients/{i}.json" for i in ids), headers=_auth(seeded))


def lookup(seeded: Seeded, rng: random.Random) -> Request:
    codes = [client_code(rng.randrange(seeded.clients)) for _ in range(1000)]
    return Request("GET", tuple(f"/v1/clients.json?code={c}" for c in codes), headers=_auth(seeded))


def post_client(seeded: Seeded, rng: random.Random) -> Request:
    # Codes outside the seeded range, valid RUCs, so validation does its full work.
    codes = tuple(client_code(90_000_000 + rng.randrange(9_000_000)) for _ in range(1000))
    body = (
        '{"firstName": "Bench {n}", "lastName": "Post", "email": "post{n}@ejemplo.com.pe", '
        '"code": "{code}", "phone": "+51 1 5550000", "company": "Bench Post SAC", '
        '"city": "Lima", "district": "Miraflores", "address": "Av. Larco {n}"}'
    )
    return Request(
        "POST",
        ("/v1/clients.json",),
        body=body,
        codes=codes,
        headers={**_auth(seeded), "Content-Type": "application/json"},
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
