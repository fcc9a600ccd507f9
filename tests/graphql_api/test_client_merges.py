"""Duplicates and merges through GraphQL: mergeClientsPreview, mergeClients, clientMerge,
duplicateClients, possibleDuplicates (on Client and on the create/update payloads) and the
account's uniqueTaxIds (userErrors code DUPLICATE); on SQLite and PostgreSQL."""

# ruff: noqa: E501 - GraphQL documents read best on one line

from __future__ import annotations

import asyncio
from typing import Any

from clientgate.container import Services
from core.accounts.model import AccountChanges
from core.clients.model import ClientChanges
from graphql_api.relay import to_global_id
from tests.graphql_api.conftest import Gql
from tests.support.callers import caller

ERRORS = "userErrors { field message code }"
MERGE = f"""mutation($input: MergeClientsInput!) {{ mergeClients(input: $input) {{
  client {{ databaseId firstName email points contacts {{ firstName }} documents {{ number }} }}
  merges {{ mergedId mergedIntoId mergedByKind fieldsFrom {{ field clientId }} }}
  conflicts {{ field chosenClientId values {{ clientId value }} }}
  moved {{ contacts addresses attributeValues documents pointsEntries }}
  {ERRORS} }} }}"""
PREVIEW = f"""mutation($input: MergeClientsInput!) {{ mergeClientsPreview(input: $input) {{
  result {{ databaseId firstName email }} conflicts {{ field chosenClientId }} fieldsFrom {{ field clientId }}
  moves {{ contacts documents }} {ERRORS} }} }}"""


def gid(client_id: int) -> str:
    return to_global_id("Client", client_id)


async def _clients(services: Services, account: Any, *rows: dict[str, Any]) -> list[int]:
    return [(await services.clients.create(caller(account), ClientChanges(r))).id for r in rows]


async def test_preview_then_merge_then_the_merged_id_is_gone(
    services: Services, make_account: Any, gql: Gql
) -> None:
    acc = await make_account("PE")
    a, b = await _clients(
        services,
        acc.account,
        {"first_name": "Ana", "email": "ana@x.pe"},
        {"first_name": "Anna", "email": "anna@x.pe", "phone": "987654321"},
    )
    await services.clients.add_contact(caller(acc.account), b, {"first_name": "Kb"})
    await services.clients.add_document(
        caller(acc.account),
        b,
        name="F",
        number=7,
        emission_date=1,
        expiration_date=2,
        total_amount="10",
    )
    choice = {
        "survivorId": gid(a),
        "mergedIds": [gid(b)],
        "fieldsFrom": [{"field": "EMAIL", "clientId": gid(b)}],
    }

    body = await gql(PREVIEW, {"input": choice}, token=acc.token)
    preview = body["data"]["mergeClientsPreview"]
    assert preview["userErrors"] == [], body
    assert preview["result"] == {"databaseId": a, "firstName": "Ana", "email": "anna@x.pe"}
    assert {"field": "FIRST_NAME", "chosenClientId": gid(a)} in preview["conflicts"]
    assert {"field": "EMAIL", "chosenClientId": gid(b)} in preview["conflicts"]
    assert preview["fieldsFrom"] == [
        {"field": "EMAIL", "clientId": gid(b)},
        {"field": "PHONE", "clientId": gid(b)},
    ]
    assert preview["moves"] == {"contacts": 1, "documents": 1}

    body = await gql(MERGE, {"input": choice}, token=acc.token)
    merged = body["data"]["mergeClients"]
    assert merged["userErrors"] == [], body
    assert merged["client"]["email"] == "anna@x.pe"
    assert merged["client"]["contacts"] == [{"firstName": "Kb"}]
    assert merged["client"]["documents"] == [{"number": 7}]
    assert merged["merges"][0]["mergedId"] == gid(b)
    assert merged["merges"][0]["mergedIntoId"] == gid(a)
    assert merged["merges"][0]["mergedByKind"] == "api_token"
    assert merged["moved"] == {
        "contacts": 1,
        "addresses": 0,
        "attributeValues": 0,
        "documents": 1,
        "pointsEntries": 0,
    }

    gone = await gql(
        f'{{ client(id: "{gid(b)}") {{ id }} node(id: "{gid(b)}") {{ id }} '
        f"clients(first: 10) {{ totalCount nodes {{ databaseId }} }} "
        f'clientMerge(mergedId: "{gid(b)}") {{ mergedIntoId mergedAt survivor {{ databaseId email }} }} }}',
        token=acc.token,
    )
    data = gone["data"]
    assert data["client"] is None and data["node"] is None
    assert data["clients"] == {"totalCount": 1, "nodes": [{"databaseId": a}]}
    assert data["clientMerge"]["survivor"] == {"databaseId": a, "email": "anna@x.pe"}
    never = await gql(f'{{ clientMerge(mergedId: "{gid(a)}") {{ mergedId }} }}', token=acc.token)
    assert never["data"]["clientMerge"] is None

    again = await gql(MERGE, {"input": choice}, token=acc.token)
    errors = again["data"]["mergeClients"]["userErrors"]
    assert errors == [
        {
            "field": None,
            "message": f"client {b} was already merged into client {a}",
            "code": "CONFLICT",
        }
    ]


async def test_bad_merges_are_user_errors(services: Services, make_account: Any, gql: Gql) -> None:
    acc = await make_account("PE")
    other = await make_account("PE")
    a, b = await _clients(services, acc.account, {"first_name": "A"}, {"first_name": "B"})
    (theirs,) = await _clients(services, other.account, {"first_name": "T"})

    async def errors(survivor: str, merged: list[str], **extra: Any) -> list[dict[str, Any]]:
        body = await gql(
            MERGE,
            {"input": {"survivorId": survivor, "mergedIds": merged, **extra}},
            token=acc.token,
        )
        assert "errors" not in body, body
        assert body["data"]["mergeClients"]["client"] is None
        found: list[dict[str, Any]] = body["data"]["mergeClients"]["userErrors"]
        return found

    assert (await errors(gid(a), [gid(a)]))[0]["field"] == ["input", "mergedIds"]
    assert (await errors(gid(a), []))[0]["code"] == "OUT_OF_RANGE"
    assert (await errors(gid(a), [gid(i) for i in range(1, 12)]))[0]["code"] == "OUT_OF_RANGE"
    assert (await errors(gid(a), [gid(theirs)]))[0]["code"] == "NOT_FOUND"
    assert (await errors(gid(a), ["bm90IGFuIGlk"]))[0]["field"] == ["input", "mergedIds", "0"]
    bad_choice = await errors(
        gid(a), [gid(b)], fieldsFrom=[{"field": "EMAIL", "clientId": gid(theirs)}]
    )
    assert bad_choice[0]["field"] == ["input", "fieldsFrom", "0", "clientId"]
    twice = await errors(
        gid(a),
        [gid(b)],
        fieldsFrom=[{"field": "EMAIL", "clientId": gid(b)}, {"field": "EMAIL", "clientId": gid(a)}],
    )
    assert twice[0]["field"] == ["input", "fieldsFrom", "1", "field"]
    assert (await services.clients.get(caller(acc.account), b)).first_name == "B"


async def test_concurrent_merges_over_graphql_one_wins(
    services: Services, make_account: Any, gql: Gql
) -> None:
    acc = await make_account("PE")
    a, b, c = await _clients(
        services, acc.account, {"first_name": "A"}, {"first_name": "B"}, {"first_name": "C"}
    )
    bodies = await asyncio.gather(
        gql(MERGE, {"input": {"survivorId": gid(a), "mergedIds": [gid(b)]}}, token=acc.token),
        gql(MERGE, {"input": {"survivorId": gid(c), "mergedIds": [gid(b)]}}, token=acc.token),
    )
    outcomes = sorted(bool(b["data"]["mergeClients"]["userErrors"]) for b in bodies)
    assert outcomes == [False, True], bodies


async def test_duplicates_on_clients_payloads_and_groups(
    services: Services, make_account: Any, gql: Gql
) -> None:
    acc = await make_account("PE")
    (first,) = await _clients(services, acc.account, {"first_name": "Rosa", "email": "rosa@x.pe"})
    body = await gql(
        f'mutation {{ createClient(input: {{firstName: "Rosa M", email: "ROSA@x.pe"}}) {{ client {{ databaseId }} possibleDuplicates {{ reasons client {{ databaseId firstName }} }} {ERRORS} }} }}',
        token=acc.token,
    )
    created = body["data"]["createClient"]
    assert created["userErrors"] == []
    assert created["possibleDuplicates"] == [
        {"reasons": ["EMAIL"], "client": {"databaseId": first, "firstName": "Rosa"}}
    ]
    second = created["client"]["databaseId"]
    body = await gql(
        f'mutation {{ updateClient(input: {{id: "{gid(second)}", email: "other@x.pe", phone: "(999) 888 777"}}) {{ possibleDuplicates {{ reasons }} {ERRORS} }} }}',
        token=acc.token,
    )
    assert body["data"]["updateClient"]["possibleDuplicates"] == []
    await _clients(services, acc.account, {"first_name": "X", "phone": "999-888-777"})

    listed = await gql(
        "{ clients(first: 10) { nodes { databaseId possibleDuplicates { reasons client { databaseId } } } } }",
        token=acc.token,
    )
    dups = {n["databaseId"]: n["possibleDuplicates"] for n in listed["data"]["clients"]["nodes"]}
    assert dups[first] == []
    assert [d["reasons"] for d in dups[second]] == [["PHONE"]]

    groups = await gql(
        "{ duplicateClients(reason: PHONE, first: 5) { edges { cursor node { reason key size clients { databaseId } } } pageInfo { hasNextPage } } }",
        token=acc.token,
    )
    connection = groups["data"]["duplicateClients"]
    assert [e["node"]["key"] for e in connection["edges"]] == ["999888777"]
    assert connection["edges"][0]["node"]["size"] == 2
    assert connection["pageInfo"]["hasNextPage"] is False
    cursor = connection["edges"][0]["cursor"]
    after = await gql(
        f'{{ duplicateClients(reason: PHONE, after: "{cursor}") {{ nodes {{ key }} }} }}',
        token=acc.token,
    )
    assert after["data"]["duplicateClients"]["nodes"] == []
    wrong = await gql(
        f'{{ duplicateClients(reason: EMAIL, after: "{cursor}") {{ nodes {{ key }} }} }}',
        token=acc.token,
    )
    assert wrong["data"] is None and "cursor" in wrong["errors"][0]["message"]
    too_many = await gql("{ duplicateClients(first: 51) { nodes { key } } }", token=acc.token)
    assert too_many["errors"], too_many


async def test_unique_tax_ids_refuses_with_duplicate(
    services: Services, make_account: Any, gql: Gql
) -> None:
    acc = await make_account("PE")
    await services.accounts.update_account(acc.account.id, AccountChanges(unique_tax_ids=True))
    create = f'mutation {{ createClient(input: {{firstName: "A", code: "20100070970"}}) {{ client {{ databaseId }} {ERRORS} }} }}'
    first = (await gql(create, token=acc.token))["data"]["createClient"]
    assert first["userErrors"] == []
    second = (await gql(create, token=acc.token))["data"]["createClient"]
    assert second["client"] is None
    assert second["userErrors"] == [
        {
            "field": ["input", "code"],
            "message": f"client {first['client']['databaseId']} already has the tax id 20100070970",
            "code": "DUPLICATE",
        }
    ]


async def test_duplicate_fields_load_in_bulk(
    services: Services, make_account: Any, gql: Gql, count_statements: Any
) -> None:
    """possibleDuplicates on a page of clients and the clients of duplicate groups cost the
    same statements at any page size (no N+1)."""
    acc = await make_account("PE")
    for i in range(24):
        ids = await _clients(
            services,
            acc.account,
            {"first_name": f"P{i}", "email": f"p{i}@x.pe"},
            {"first_name": f"Q{i}", "email": f"P{i}@x.pe"},
        )
        await services.clients.add_contact(caller(acc.account), ids[1], {"first_name": f"K{i}"})
    page = "query($n: Int!) { clients(first: $n) { nodes { possibleDuplicates { reasons client { firstName contacts { firstName } } } } } }"
    groups = "query($n: Int!) { duplicateClients(reason: EMAIL, first: $n) { nodes { key clients { firstName contacts { firstName } } } } }"
    for query in (page, groups):
        await gql(query, {"n": 1}, token=acc.token)  # warm per-process caches
        counts = []
        for n in (3, 20):
            with count_statements() as counter:
                body = await gql(query, {"n": n}, token=acc.token)
            assert "errors" not in body, body
            counts.append(counter.count)
        assert counts[0] == counts[1], (query, counts)
        assert counts[1] <= 5, (query, counts)
