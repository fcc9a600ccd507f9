"""Generated bad requests to every REST route (read from the app's routing table), on both
databases: no answer is a 5xx, and every error is in the dialect of its path."""

from __future__ import annotations

import httpx
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.collect import collected_endpoints
from tests.fuzz.profile import fuzz_settings
from tests.fuzz.requests import SWEPT_PATH_VALUES, calls
from tests.fuzz.routes import Endpoint
from tests.fuzz.shapes import judge
from tests.fuzz.values import dumps
from tests.fuzz.world import World

METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "PROPFIND"]


@fuzz_settings(default_examples=6)
@given(data=st.data())
async def test_bad_input_to_a_route_is_answered_in_its_dialect(
    endpoint: Endpoint, world: World, fuzz_http: httpx.AsyncClient, data: st.DataObject
) -> None:
    call = data.draw(calls(endpoint, world), label="request")
    response = await fuzz_http.request(
        call.method, call.url, headers=call.headers, content=call.content
    )
    judge(response)


async def test_every_bad_path_value_in_every_path_parameter(
    endpoint_with_params: Endpoint, world: World, fuzz_http: httpx.AsyncClient
) -> None:
    """Not left to chance: the worst path values in each path parameter, with valid
    credentials and the route's valid body."""
    endpoint = endpoint_with_params
    example = world.examples.get(endpoint.id)
    content = None if example is None else dumps(example)
    headers = {**world.credentials("token"), "content-type": "application/json"}
    for name, _ in endpoint.params:
        for bad in SWEPT_PATH_VALUES:
            values = {n: world.path_values.get(n, ["1"])[0] for n, _ in endpoint.params}
            values[name] = bad
            path = endpoint.path(values)
            judge(await fuzz_http.request(endpoint.method, path, headers=headers, content=content))


@fuzz_settings(default_examples=30)
@given(data=st.data())
async def test_any_method_on_any_path_is_answered_in_its_dialect(
    world: World, fuzz_http: httpx.AsyncClient, data: st.DataObject
) -> None:
    endpoint = data.draw(st.sampled_from(collected_endpoints()), label="route")
    call = data.draw(calls(endpoint, world), label="request")
    method = data.draw(st.sampled_from(METHODS), label="method")
    suffix = data.draw(st.sampled_from(["", "", "/", "x", "/x", ".json"]), label="suffix")
    path, _, query = call.url.partition("?")
    url = path + suffix + ("?" + query if query else "")
    response = await fuzz_http.request(method, url, headers=call.headers, content=call.content)
    judge(response)
