"""The routes and the GraphQL schema of a real ``create_app``, read once at collection time
(the app is built on a SQLite URL it never opens): each route and root field becomes a test.

Every module of the project is imported here too. Hypothesis mixes constants it finds in the
project's imported modules into what it generates, so without this the derandomized inputs
would depend on which other tests ran before (and imported more of the project)."""

from __future__ import annotations

import importlib
import pkgutil
import tempfile
from functools import cache
from pathlib import Path

from graphql import GraphQLSchema
from starlette.applications import Starlette
from starlette.routing import Route

from clientgate.app import create_app
from tests.conftest import make_settings
from tests.fuzz.routes import Endpoint, endpoints

PACKAGES = ("core", "httpkit", "graphql_api", "rest_compat", "clientgate")


def _import_project() -> None:
    for name in PACKAGES:
        package = importlib.import_module(name)
        for module in pkgutil.walk_packages(package.__path__, f"{name}."):
            if not module.name.endswith(".__main__"):  # that one runs the CLI
                importlib.import_module(module.name)


_import_project()


@cache
def _app() -> Starlette:
    var = Path(tempfile.gettempdir()) / "clientgate-fuzz-collection"
    return create_app(make_settings(f"sqlite+aiosqlite:///{var}/never-opened.db", var))


@cache
def collected_endpoints() -> list[Endpoint]:
    return endpoints(list(_app().routes))


@cache
def collected_schema() -> GraphQLSchema:
    for route in _app().routes:
        if isinstance(route, Route) and route.path == "/graphql":
            schema: GraphQLSchema = route.endpoint.schema._schema  # type: ignore[attr-defined]
            return schema
    raise AssertionError("no /graphql route")
