"""Fixtures of the generated-input guard (docs/testing.md): every route and every root
field of the real app is its own test, per database (tests/fuzz/collect.py); the world they
aim at is built once per database (tests/fuzz/world.py); how much is generated is
tests/fuzz/profile.py's business; wrong answers already reported are in tests/fuzz/known.py."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from graphql import GraphQLSchema

from clientgate.container import Services
from tests.fuzz.collect import collected_endpoints, collected_schema
from tests.fuzz.graphql_gen import root_fields
from tests.fuzz.world import World, build_world


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "endpoint" in metafunc.fixturenames:
        found = collected_endpoints()
        metafunc.parametrize("endpoint", found, ids=[e.id for e in found])
    if "endpoint_with_params" in metafunc.fixturenames:
        found = [e for e in collected_endpoints() if e.params]
        metafunc.parametrize("endpoint_with_params", found, ids=[e.id for e in found])
    if "root_field" in metafunc.fixturenames:
        fields = root_fields(collected_schema())
        metafunc.parametrize("root_field", fields, ids=[f"{k} {n}" for k, n in fields])


@pytest.fixture(scope="session")
def graphql_schema() -> GraphQLSchema:
    return collected_schema()


@pytest.fixture(scope="session")
async def fuzz_http(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture(scope="session")
async def world(fuzz_http: httpx.AsyncClient, services: Services) -> World:
    return await build_world(fuzz_http, services)
