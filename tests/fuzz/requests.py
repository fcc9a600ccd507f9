"""Generated bad REST requests: path parameters, query strings, bodies, credentials and Accept
headers, each drawn around what the route really takes (the world's ids, the valid example
body of the route) so that most requests get past the first check and reach deeper code."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from hypothesis import strategies as st

from tests.fuzz.routes import Endpoint
from tests.fuzz.values import (
    ACCEPTS,
    CONTENT_TYPES,
    INVALID_JSON,
    NUMBERISH,
    ODD_DIGITS,
    any_float,
    any_int,
    dumps,
    junk_json,
    odd_string,
)
from tests.fuzz.world import World

# Every query parameter the dialects document (docs/bsale.md, docs/business_partner.md,
# docs/graphql.md); any of them is sent to any route, with junk names besides.
QUERY_NAMES = [
    "limit",
    "offset",
    "fields",
    "expand",
    "code",
    "firstname",
    "firstName",
    "lastname",
    "email",
    "paymenttypeid",
    "salesconditionid",
    "state",
    "clientid",
    "comparisondate",
    "address",
    "city",
    "district",
    "municipality",
    "page",
    "pageSize",
    "date",
    "query",
    "variables",
    "operationName",
]
QUERY_VALUES = [
    "[contacts,payment_type]",
    "[contacts,attributes,addresses,price_list,sale_condition]",
    "[firstName,district,municipality,href]",
    "[",
    "[]",
    "[a,,b]",
    "[office]",
    "firstname",
    "1999-01-01 01:00:00",
    "2024-13-45 25:61:61",
    "9999-12-31T23:59:59Z",
    "0001-01-01",
    "2024-01-01T00:00:00+05:00",
    "{ __typename }",
    "mutation { deactivateClient(input: {id: 1}) { client { id } } }",
    '{"a": 1}',
    "50",
    "51",
    "100",
    "101",
    "1000000001",
]
CREDENTIALS = ["token"] * 5 + ["bearer", "basic", "reseller", "none", "bad_token"]
CREDENTIALS += ["bad_bearer", "bad_basic", "odd_basic"]
BAD_PATH_VALUES = [*ODD_DIGITS, *NUMBERISH, "", " ", "\x00", "a" * 3000, "%2F", "a/b", ".."]
SWEPT_PATH_VALUES = ["²", "\u0661", "\U0001d7d7", "", "\x00", "-1", "0", str(2**63), "9" * 40]
SWEPT_PATH_VALUES += ["a" * 3000, "a/b", ".."]
"""Tried in every path parameter of every route (the others are left to the generator)."""


@dataclass
class Call:
    method: str
    url: str
    headers: dict[str, str]
    content: bytes | None


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found += _paths(item, (*prefix, index))
    return found


def _parent(value: Any, path: tuple[Any, ...]) -> Any:
    for key in path[:-1]:
        value = value[key]
    return value


def _same_type(value: Any) -> st.SearchStrategy[Any]:
    """A bad value of the same JSON type: what gets past a type check."""
    if isinstance(value, bool):
        return st.booleans()
    if isinstance(value, int):
        return any_int
    if isinstance(value, float):
        return any_float
    if isinstance(value, str):
        return odd_string
    if isinstance(value, list):
        return st.sampled_from([[], [None], value * 50])
    if isinstance(value, dict):
        return st.just({})
    return junk_json


@st.composite
def _mutation(draw: st.DrawFn, value: Any) -> Any:
    """``value`` with one thing wrong at one place: a bad value of the same type, a value of
    another type, a key removed or added, a value wrapped in a list, a huge string."""
    path = draw(st.sampled_from(_paths(value)))
    old = _parent(value, path)[path[-1]] if path else value
    op = draw(st.sampled_from(["same", "same", "same", "other", "delete", "add", "wrap", "long"]))
    makers: dict[str, Callable[[], Any]] = {
        "same": lambda: draw(_same_type(old)),
        "other": lambda: draw(junk_json),
        "wrap": lambda: [copy.deepcopy(old)],
        "long": lambda: "z" * draw(st.sampled_from([256, 70_000])),
        "delete": lambda: None,
        "add": lambda: None,
    }
    new = makers[op]()
    if not path:
        return value if op in ("delete", "add") else new
    parent = _parent(value, path)
    if op == "delete":
        del parent[path[-1]]
    elif op == "add" and isinstance(parent, dict):
        parent[draw(st.sampled_from(["unknown", "id", "href", "", "\x00"]))] = draw(junk_json)
    elif op != "add":
        parent[path[-1]] = new
    return value


@st.composite
def mutated(draw: st.DrawFn, example: Any) -> Any:
    value = copy.deepcopy(example)
    for _ in range(draw(st.integers(1, 3))):
        value = draw(_mutation(value))
    return value


def _huge_array(item: Any, n: int) -> bytes:
    return b"[" + b",".join([dumps(item)] * n) + b"]"


def bodies(example: Any | None) -> st.SearchStrategy[bytes]:
    """Bytes to send: the example mutated (most often), any JSON, broken JSON, and arrays
    far longer than the route takes (still under the body limits)."""
    raw = [st.sampled_from(INVALID_JSON), junk_json.map(dumps)]
    if example is None:
        return st.one_of(*raw)
    first = example[0] if isinstance(example, list) and example else example
    return st.one_of(
        mutated(example).map(dumps),
        mutated(example).map(dumps),
        st.just(dumps(example)),
        *raw,
        st.builds(_huge_array, mutated(first), st.sampled_from([2, 101, 1001, 2000])),
    )


def _path_value(world: World, name: str) -> st.SearchStrategy[str]:
    """Mostly a real id (so the request reaches the body's checks), else a bad one (every bad
    one is also tried in every parameter by the sweep test)."""
    valid = world.path_values.get(name, [])
    bad = st.one_of(st.sampled_from(BAD_PATH_VALUES), odd_string)
    if not valid:
        return bad
    return st.integers(0, 3).flatmap(lambda n: bad if n == 0 else st.sampled_from(valid))


def _query(pairs: list[tuple[str, str]]) -> str:
    return "&".join(f"{quote(k, safe='')}={quote(v, safe='[],')}" for k, v in pairs)


_query_name = st.integers(0, 3).flatmap(
    lambda n: st.text(max_size=8) if n == 0 else st.sampled_from(QUERY_NAMES)
)
_query_pairs: st.SearchStrategy[list[tuple[str, str]]] = st.one_of(
    st.just([]),
    st.lists(
        st.tuples(_query_name, st.one_of(st.sampled_from(QUERY_VALUES), odd_string)),
        min_size=1,
        max_size=4,
    ),
)


@st.composite
def calls(draw: st.DrawFn, endpoint: Endpoint, world: World) -> Call:
    values = {name: draw(_path_value(world, name)) for name, _ in endpoint.params}
    url = endpoint.path(values)
    query = _query(draw(_query_pairs))
    if query:
        url += "?" + query
    headers = dict(world.credentials(draw(st.sampled_from(CREDENTIALS)), endpoint.template))
    accept = draw(st.sampled_from(ACCEPTS))
    if accept:
        headers["accept"] = accept
    content = None
    if endpoint.method in ("POST", "PUT", "PATCH") or draw(st.integers(0, 9)) == 0:
        content = draw(bodies(world.examples.get(endpoint.id)))
        content_type = draw(st.sampled_from(CONTENT_TYPES))
        if content_type:
            headers["content-type"] = content_type
    return Call(endpoint.method, url, headers, content)
