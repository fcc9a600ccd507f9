"""Generated operations on every root query and mutation field of the schema, on both
databases: no answer is a 5xx or an ``INTERNAL_SERVER_ERROR``, and every answer has
GraphQL's shape (with ``extensions.cost`` when the operation ran)."""

from __future__ import annotations

from urllib.parse import urlencode

import httpx
from graphql import GraphQLSchema
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.graphql_gen import operations
from tests.fuzz.profile import fuzz_settings
from tests.fuzz.shapes import judge
from tests.fuzz.values import dumps
from tests.fuzz.world import World

CREDENTIALS = ["token"] * 6 + ["bearer", "basic", "reseller", "reseller", "none", "bad_token"]


@fuzz_settings(default_examples=5)
@given(data=st.data())
async def test_generated_operations_on_a_root_field_answer_graphql(
    root_field: tuple[str, str],
    graphql_schema: GraphQLSchema,
    world: World,
    fuzz_http: httpx.AsyncClient,
    data: st.DataObject,
) -> None:
    kind, name = root_field
    document, variables = data.draw(operations(graphql_schema, world, kind, name), label="op")
    headers = dict(world.credentials(data.draw(st.sampled_from(CREDENTIALS), label="caller")))
    if kind == "query" and data.draw(st.integers(0, 9), label="get") == 0:
        query = urlencode({"query": document, "variables": dumps(variables).decode()})
        response = await fuzz_http.get(f"/graphql?{query}", headers=headers)
    else:
        headers["content-type"] = "application/json"
        content = dumps({"query": document, "variables": variables})
        response = await fuzz_http.post("/graphql", content=content, headers=headers)
    judge(response)
