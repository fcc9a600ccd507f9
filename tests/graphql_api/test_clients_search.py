"""``clients(search:)`` and the accent-insensitive filters, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from clientgate.container import Services
from core.accounts.model import NewAccount
from core.clients.model import ClientChanges
from core.storage.repositories.clients import clients as client_repository
from tests.graphql_api.conftest import Gql
from tests.support.callers import caller

SEARCH = """
query($search: String, $first: Int = 25, $after: String, $filter: ClientFilterInput) {
  clients(search: $search, first: $first, after: $after, filter: $filter) {
    totalCount
    edges { cursor node { databaseId firstName lastName } }
    pageInfo { hasNextPage endCursor }
  }
}"""


async def _client(services: Services, acc: NewAccount, **values: Any) -> int:
    made = await services.clients.create(caller(acc.account), ClientChanges(values=values))
    return made.id


async def _ids(gql: Gql, acc: NewAccount, **variables: Any) -> list[int]:
    body = await gql(SEARCH, variables, token=acc.token)
    assert "errors" not in body, body
    return [e["node"]["databaseId"] for e in body["data"]["clients"]["edges"]]


@pytest.fixture
async def people(services: Services, make_account: Any) -> tuple[NewAccount, dict[str, int]]:
    acc = await make_account("CL")
    ids = {
        "munoz": await _client(
            services,
            acc,
            first_name="Lucía",
            last_name="Muñoz",
            email="Lucia.Munoz@Correo.cl",
            phone="+56 9 8765 4321",
            code="12.345.678-5",
        ),
        "perez": await _client(
            services, acc, first_name="José", last_name="Pérez Muñoz", phone="22 345 6789"
        ),
        "company": await _client(services, acc, company="Comercial Ñandú Limitada"),
        "lucas": await _client(services, acc, first_name="Lucas", last_name="Soto"),
    }
    return acc, ids


@pytest.mark.parametrize("typed", ["munoz", "MUÑOZ", "Muñoz", "muÑoz", "MUNOZ"])
async def test_search_is_case_and_accent_insensitive(
    gql: Gql, people: tuple[NewAccount, dict[str, int]], typed: str
) -> None:
    acc, ids = people
    assert sorted(await _ids(gql, acc, search=typed)) == sorted([ids["munoz"], ids["perez"]])


@pytest.mark.parametrize(
    ("typed", "who"),
    [
        ("lucia", "munoz"),
        ("LUCÍA muñoz", "munoz"),
        ("munoz lucia", "munoz"),  # any order
        ("luc mun", "munoz"),  # prefixes
        ("lucia.munoz@correo.cl", "munoz"),
        ("correo", "munoz"),
        ("987654321", "munoz"),
        ("+56 9 8765 4321", "munoz"),
        ("9 8765 4321", "munoz"),
        ("12.345.678-5", "munoz"),
        ("123456785", "munoz"),
        ("12345678-5", "munoz"),
        ("12.345", "munoz"),
        ("nandu", "company"),
        ("comercial ÑANDÚ", "company"),
        ("jose perez", "perez"),
        ("223456789", "perez"),
    ],
)
async def test_search_finds_any_part_a_person_types(
    gql: Gql, people: tuple[NewAccount, dict[str, int]], typed: str, who: str
) -> None:
    acc, ids = people
    assert await _ids(gql, acc, search=typed) == [ids[who]]


async def test_every_word_must_match(gql: Gql, people: tuple[NewAccount, dict[str, int]]) -> None:
    acc, _ = people
    assert await _ids(gql, acc, search="lucia soto perez") == []
    assert await _ids(gql, acc, search="ucia") == []  # a word's start, not its middle


async def test_relevance_orders_exact_then_name_prefix_then_the_rest(
    services: Services, make_account: Any, gql: Gql
) -> None:
    acc = await make_account("PE")
    other = await _client(services, acc, first_name="Ana", last_name="Lopez", company="Luz")
    prefix = await _client(services, acc, first_name="Luz", last_name="Marina")
    exact = await _client(services, acc, first_name="Luz")
    assert await _ids(gql, acc, search="luz") == [exact, prefix, other]
    assert await _ids(gql, acc, search="ana") == [other]


async def test_search_cursors_walk_every_match_once(
    services: Services, make_account: Any, gql: Gql
) -> None:
    acc = await make_account("PE")
    made = [
        await _client(services, acc, first_name="María", last_name=f"Ñuñez {n}") for n in range(5)
    ]
    exact = await _client(services, acc, first_name="Maria")
    seen: list[int] = []
    counts: list[int] = []
    after = None
    while True:
        body = await gql(SEARCH, {"search": "maria", "first": 2, "after": after}, token=acc.token)
        conn = body["data"]["clients"]
        counts.append(conn["totalCount"])
        seen += [e["node"]["databaseId"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
        if len(seen) == 2:
            # A new match arriving mid-walk does not shift the walk: keyset on (tier, id).
            made.append(await _client(services, acc, first_name="Maria", last_name="Zeta"))
    assert seen == [exact, *made]
    assert counts == [6, 7, 7, 7]


BACKWARD = """
query($search: String, $last: Int, $before: String) {
  clients(search: $search, last: $last, before: $before) {
    edges { node { databaseId } }
    pageInfo { hasPreviousPage startCursor }
  }
}"""


async def test_relevance_pages_cross_tiers_both_ways(
    services: Services, make_account: Any, gql: Gql
) -> None:
    acc = await make_account("PE")
    other = [
        await _client(services, acc, first_name="Ana", email=f"rosa{n}@correo.pe") for n in range(3)
    ]
    prefix = [
        await _client(services, acc, first_name="Rosa", last_name=f"Ríos {n}") for n in range(3)
    ]
    exact = [await _client(services, acc, first_name="ROSA") for _ in range(2)]
    ranked = [*exact, *prefix, *other]
    forward: list[int] = []
    after = None
    while True:
        body = await gql(SEARCH, {"search": "rosa", "first": 3, "after": after}, token=acc.token)
        conn = body["data"]["clients"]
        forward += [e["node"]["databaseId"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert forward == ranked
    assert conn["totalCount"] == 8

    backward: list[int] = []
    before = None
    while True:
        variables = {"search": "rosa", "last": 3, "before": before}
        page = (await gql(BACKWARD, variables, token=acc.token))["data"]["clients"]
        backward = [e["node"]["databaseId"] for e in page["edges"]] + backward
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    assert backward == ranked


async def test_search_cursor_is_refused_under_another_order(
    gql: Gql, people: tuple[NewAccount, dict[str, int]]
) -> None:
    acc, _ = people
    body = await gql(SEARCH, {"search": "munoz", "first": 1}, token=acc.token)
    cursor = body["data"]["clients"]["pageInfo"]["endCursor"]
    wrong = await gql(SEARCH, {"after": cursor}, token=acc.token)
    assert wrong["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
    assert "sort relevance asc" in wrong["errors"][0]["message"]


async def test_search_stays_in_the_callers_account(
    services: Services, make_account: Any, gql: Gql, people: tuple[NewAccount, dict[str, int]]
) -> None:
    acc, ids = people
    stranger = await make_account("CL")
    await _client(services, stranger, first_name="Lucía", last_name="Muñoz")
    assert sorted(await _ids(gql, acc, search="lucia munoz")) == [ids["munoz"]]
    body = await gql(SEARCH, {"search": "lucia munoz"}, token=stranger.token)
    assert body["data"]["clients"]["totalCount"] == 1


async def test_search_combines_with_filters_and_counts(
    gql: Gql, people: tuple[NewAccount, dict[str, int]]
) -> None:
    acc, ids = people
    body = await gql(SEARCH, {"search": "munoz", "filter": {"firstName": "JOSE"}}, token=acc.token)
    conn = body["data"]["clients"]
    assert [e["node"]["databaseId"] for e in conn["edges"]] == [ids["perez"]]
    assert conn["totalCount"] == 1


@pytest.mark.parametrize(
    ("flt", "who"),
    [
        ({"lastName": "MUÑOZ"}, ["munoz", "perez"]),
        ({"lastName": "munoz"}, ["munoz", "perez"]),
        ({"lastName": "Muñoz"}, ["munoz", "perez"]),
        ({"firstName": "lucia"}, ["munoz"]),
        ({"firstName": "LUC"}, ["munoz", "lucas"]),
        ({"email": "LUCIA.MUÑOZ"}, ["munoz"]),
        ({"lastName": "z m"}, ["perez"]),
        ({"lastName": "%"}, []),
    ],
)
async def test_text_filters_are_case_and_accent_insensitive(
    gql: Gql, people: tuple[NewAccount, dict[str, int]], flt: dict[str, str], who: list[str]
) -> None:
    acc, ids = people
    assert await _ids(gql, acc, filter=flt) == sorted(ids[w] for w in who)


@pytest.mark.parametrize(
    ("typed", "code", "message"),
    [
        ("x" * 201, "TOO_LONG", "at most 200 characters"),
        ("a b c d e f g h i", "TOO_LONG", "at most 8 words"),
        ("!!! ???", "INVALID", "a letter or a digit"),
    ],
)
async def test_search_out_of_bounds_is_a_clear_error(
    gql: Gql, people: tuple[NewAccount, dict[str, int]], typed: str, code: str, message: str
) -> None:
    acc, _ = people
    body = await gql(SEARCH, {"search": typed}, token=acc.token)
    assert body["data"] is None
    error = body["errors"][0]
    assert error["extensions"]["code"] == "INVALID_INPUT"
    assert error["extensions"]["fields"][0]["code"] == code
    assert message in error["message"]


async def test_blank_search_lists_everything(
    gql: Gql, people: tuple[NewAccount, dict[str, int]]
) -> None:
    acc, ids = people
    assert await _ids(gql, acc, search="   ") == sorted(ids.values())


async def test_a_search_page_costs_a_bounded_number_of_statements(
    services: Services, make_account: Any, gql: Gql, count_statements: Any
) -> None:
    """At most one statement per relevance tier, one for the count, whatever the page size,
    and the related rows in bulk as for any page."""
    acc = await make_account("PE")
    for n in range(12):
        await _client(services, acc, first_name="Rosa" if n % 3 else "Ana", email=f"rosa{n}@x.pe")
    query = """query($first: Int) { clients(search: "rosa", first: $first) {
      totalCount nodes { databaseId contacts { firstName } addresses { city } } } }"""
    counts = []
    for first in (2, 12):
        with count_statements() as counter:
            body = await gql(query, {"first": first}, token=acc.token)
        assert len(body["data"]["clients"]["nodes"]) == first
        counts.append(counter.count)
    # Page 2: the exact tier fills it (1 page statement); page 12 walks all three tiers.
    # Page of 2: the exact tier fills it. Page of 12: all three tiers. Both: the count, one
    # statement per relation, and at most two to authenticate the caller.
    assert counts[0] <= 1 + 1 + 2 + 2, counts
    assert counts[1] <= 3 + 1 + 2 + 2, counts


@pytest.mark.parametrize("window", [2, 3, 50])
async def test_the_last_tier_walked_in_windows_pages_like_one_sorted_read(
    services: Services, make_account: Any, gql: Gql, monkeypatch: pytest.MonkeyPatch, window: int
) -> None:
    """PostgreSQL walks the last tier a window of clients at a time before it asks the index
    for the rest (``SqlClientRepository._other_matches``): with windows smaller than a page
    and than the gaps between matches, every page, forwards and backwards, is the same."""
    monkeypatch.setattr(client_repository, "SEARCH_WINDOW", window)
    acc = await make_account("PE")
    ranked: list[int] = []
    for n in range(14):
        if n % 3 == 0:
            ranked.append(await _client(services, acc, first_name="Ana", email=f"rosa{n}@x.pe"))
        else:  # clients that do not match, between the matches
            await _client(services, acc, first_name=f"Luz {n}")
    exact = await _client(services, acc, first_name="Rosa")
    forward: list[int] = []
    after = None
    while True:
        body = await gql(SEARCH, {"search": "rosa", "first": 2, "after": after}, token=acc.token)
        conn = body["data"]["clients"]
        forward += [e["node"]["databaseId"] for e in conn["edges"]]
        if not conn["pageInfo"]["hasNextPage"]:
            break
        after = conn["pageInfo"]["endCursor"]
    assert forward == [exact, *ranked]
    backward: list[int] = []
    before = None
    while True:
        variables = {"search": "rosa", "last": 2, "before": before}
        page = (await gql(BACKWARD, variables, token=acc.token))["data"]["clients"]
        backward = [e["node"]["databaseId"] for e in page["edges"]] + backward
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    assert backward == [exact, *ranked]
