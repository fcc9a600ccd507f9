"""Pre-execution work is linear in the document, and anonymous callers get none of it.

The document of the hardening report: 40 fragments, each spreading the next twice (2^40
spreads, 1.6 KB). Strawberry's depth and alias limiters walked every spread, so one such
request pinned the server; the meter here measures each fragment once.
"""

from __future__ import annotations

from typing import Any

from graphql import OperationDefinitionNode, parse

from graphql_api.limits import DocumentMeter
from tests.graphql_api.conftest import Gql, answer

LEVELS = 40


def doubling(levels: int = LEVELS, body: str = "") -> str:
    """``query { ...F0 } fragment F0 on Query { <body> ...F1 ...F1 } ... F<levels>``."""
    fragments = " ".join(
        f"fragment F{i} on Query {{ {body} ...F{i + 1} ...F{i + 1} }}" for i in range(levels)
    )
    return f"query {{ ...F0 }} {fragments} fragment F{levels} on Query {{ __typename }}"


def test_the_meter_visits_each_selection_once() -> None:
    document = parse(doubling(body="a: __typename"))
    operation = document.definitions[0]
    assert isinstance(operation, OperationDefinitionNode)
    meter = DocumentMeter(document)
    measured = meter.measure(operation.selection_set)
    assert measured.aliases == 2**LEVELS - 1  # as if every spread were expanded
    assert measured.height == 0
    selections = 1 + LEVELS * 3 + 1  # the operation's spread, 3 per fragment, the last one
    assert meter.visits == selections


async def test_the_doubling_document_is_answered(make_account: Any, gql: Gql) -> None:
    acc = await make_account("PE")
    assert answer(await gql(doubling(), token=acc.token)) == {"data": {"__typename": "Query"}}
    aliased = await gql(doubling(body="a: __typename"), token=acc.token)
    assert aliased["data"] is None
    assert aliased["errors"][0]["message"] == f"{2**LEVELS - 1} aliases found. Allowed: 30"


def agent_chain(levels: int) -> str:
    """businessPartners → node → agent → clients → agent → ..., one fragment per level."""
    fragments = " ".join(
        f"fragment A{i} on BusinessPartner {{ id agent {{ ...A{i + 1} }} }}" for i in range(levels)
    )
    return (
        "query Deep { businessPartners(first: 1) { edges { node { ...A0 } } } } "
        f"{fragments} fragment A{levels} on BusinessPartner {{ id }}"
    )


async def test_depth_through_fragments_is_refused(make_account: Any, gql: Gql) -> None:
    acc = await make_account("PE")
    # businessPartners, edges, node: 3 levels; each agent field adds one (the limit is 12).
    assert "errors" not in await gql(agent_chain(9), token=acc.token)
    refused = await gql(agent_chain(10), token=acc.token)
    assert refused["data"] is None
    assert refused["errors"][0]["message"] == "'Deep' exceeds maximum operation depth of 12"
    assert refused["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_anonymous_documents_are_not_validated(gql: Gql) -> None:
    for document in (doubling(), "{ noSuchField }", "query { ...Nowhere }"):
        body = await gql(document)
        assert body["data"] is None
        assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"], body
