"""The OpenAPI documents (/openapi.json, /openapi/<name>.json) on SQLite and PostgreSQL:

- valid OpenAPI 3.1 (openapi-spec-validator), each face's and the merged one;
- every route of the application is described (a walk of the Starlette routes, mounts
  included), and nothing is described that no route serves;
- ``Idempotency-Key`` is described exactly where ``clientgate.app.idempotent_routes`` applies;
- real answers conform to what the document says of their path, method and status: the
  Peru and Chile flavours, ``expand``/``fields`` in both list forms, 204s, the BusinessPartner
  XML alternative, and the 401/404/405/413/429 bodies of each dialect;
- the documentation page and its assets are served locally.

schemathesis drives generated requests against a live server (tests/e2e/
test_openapi_schemathesis.py); these are the hand-picked cases it would rarely reach.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import replace
from typing import Any

import httpx
import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from starlette.applications import Starlette
from starlette.routing import BaseRoute

from clientgate.app import create_app, graphql_config, idempotent_routes
from clientgate.container import Services, build_services
from httpkit import openapi as oas
from httpkit.apidocs import ASSETS, assets_available
from httpkit.metrics import MetricsMode
from httpkit.openapi import Collision, merge
from tests.fuzz.routes import endpoints

Json = dict[str, Any]
NAMES = ("clientgate", "bsale", "resellers", "business_partner")
# Described by its own schema (schema.graphql, introspection), not by OpenAPI.
NOT_REST = {"/graphql"}
METHODS = ("get", "put", "post", "delete", "patch")


@pytest.fixture
async def document(http: httpx.AsyncClient) -> Json:
    answer = await http.get("/openapi.json")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    doc: Json = answer.json()
    return doc


def _route_paths(routes: list[BaseRoute]) -> Iterator[tuple[str, str]]:
    """``(path template, METHOD)`` of every HTTP route (the fuzz tests' walk of the routing
    table, mounts included), ``{name:convertor}`` written as OpenAPI's ``{name}``."""
    for endpoint in endpoints(routes):
        yield re.sub(r"\{(\w+)(:\w+)?\}", r"{\1}", endpoint.template), endpoint.method


def _described(doc: Json) -> set[tuple[str, str]]:
    return {(path, method.upper()) for path, item in doc["paths"].items() for method in item} - {
        (p, m) for p, item in doc["paths"].items() for m in item if m not in METHODS
    }


async def test_every_document_is_valid_openapi_3_1(http: httpx.AsyncClient, document: Json) -> None:
    validate(document)
    assert document["openapi"] == "3.1.0"
    for name in NAMES:
        one = await http.get(f"/openapi/{name}.json")
        assert one.status_code == 200, name
        validate(one.json())
        # Each face's paths are in the whole, unchanged.
        for path, item in one.json()["paths"].items():
            assert document["paths"][path] == item
    missing = await http.get("/openapi/nope.json")
    assert missing.status_code == 404 and missing.json() == {"error": "Not found."}


def _uncovered(app: Starlette, doc: Json) -> set[tuple[str, str]]:
    served = {(p, m) for p, m in _route_paths(list(app.routes)) if p not in NOT_REST}
    return served - _described(doc)


async def test_every_route_is_described_and_every_description_is_a_route(
    app: Starlette, document: Json
) -> None:
    served = {(p, m) for p, m in _route_paths(list(app.routes)) if p not in NOT_REST}
    assert len(served) > 40
    assert _uncovered(app, document) == set()
    assert _described(document) - served == set()


async def test_an_undescribed_route_is_found(app: Starlette, document: Json) -> None:
    """The walk sees routes inside mounts and each method: what it would report."""
    doc = {**document, "paths": dict(document["paths"])}
    del doc["paths"]["/v1/clients/{client_id}/contacts/{contact_id}.json"]
    item = dict(doc["paths"]["/BusinessPartner/getClients"])
    doc["paths"]["/BusinessPartner/getClients"] = item
    del item["get"]
    assert _uncovered(app, doc) == {
        ("/v1/clients/{client_id}/contacts/{contact_id}.json", "GET"),
        ("/v1/clients/{client_id}/contacts/{contact_id}.json", "PUT"),
        ("/v1/clients/{client_id}/contacts/{contact_id}.json", "DELETE"),
        ("/BusinessPartner/getClients", "GET"),
    }


async def test_metrics_are_described_when_served(
    services: Services, http: httpx.AsyncClient
) -> None:
    for mode in MetricsMode:
        app = create_app(replace(services.settings, metrics=mode), services)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            doc = (await client.get("/openapi.json")).json()
        assert ("/metrics" in doc["paths"]) is (mode is not MetricsMode.OFF)
        assert _uncovered(app, doc) == set()


def test_idempotency_key_is_described_where_it_applies(document: Json, services: Services) -> None:
    routes = idempotent_routes(graphql_config(services.settings))
    for path, item in document["paths"].items():
        concrete = re.sub(r"\{\w+\}", "1", path)
        for method, op in item.items():
            if method not in METHODS:
                continue
            applies = any(r.matches(method.upper(), concrete) for r in routes)
            names = [p["name"] for p in op.get("parameters", [])]
            assert ("Idempotency-Key" in names) is applies, (method, path)
            if applies:
                assert {"409", "422"} <= set(op["responses"]), (method, path)


# -- real answers against the document ------------------------------------------------------


class Conformance:
    """What the document says of an answer: a status it lists, a media type it lists for that
    status, the headers it names, and (JSON) a body valid against that media type's schema."""

    def __init__(self, doc: Json) -> None:
        self.doc = doc
        resource = Resource.from_contents(doc, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource("urn:doc", resource)

    def response(self, path: str, method: str, status: int) -> Json:
        op = self.doc["paths"][path][method]
        assert str(status) in op["responses"], (method, path, status)
        answer: Json = op["responses"][str(status)]
        if "$ref" in answer:
            answer = self.doc["components"]["responses"][answer["$ref"].rsplit("/", 1)[1]]
        return answer

    def check(self, path: str, method: str, answer: httpx.Response) -> None:
        described = self.response(path, method, answer.status_code)
        content = described.get("content")
        if content is None:
            assert answer.content == b"", answer.text
            return
        media = answer.headers["content-type"].split(";")[0]
        assert media in content, (media, list(content))
        for header in described.get("headers", {}):
            assert header.lower() in answer.headers, header
        if media != "application/json":
            return
        schema = content[media]["schema"]
        if "$ref" in schema:
            schema = {"$ref": "urn:doc" + schema["$ref"]}
        validator = Draft202012Validator(schema, registry=self.registry)
        errors = [
            f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(answer.json())
        ]
        assert errors == [], (method, path, answer.status_code, errors, answer.text[:500])


@pytest.fixture
def conforms(document: Json) -> Callable[[str, str, httpx.Response], None]:
    return Conformance(document).check


Check = Callable[[str, str, httpx.Response], None]
CLIENTS = "/v1/clients.json"
CLIENT = "/v1/clients/{client_id}.json"


async def _client_with_children(http: httpx.AsyncClient, headers: dict[str, str]) -> int:
    made = await http.post(
        CLIENTS,
        json={"firstName": "Ana", "lastName": "Documentada", "municipality": "Miraflores"},
        headers=headers,
    )
    assert made.status_code == 201, made.text
    ident: int = made.json()["id"]
    base = f"/v1/clients/{ident}"
    assert (
        await http.post(f"{base}/contacts.json", json={"firstName": "C"}, headers=headers)
    ).status_code == 201
    assert (
        await http.post(f"{base}/addresses.json", json={"address": "Larco 1"}, headers=headers)
    ).status_code == 201
    return ident


@pytest.mark.parametrize("country", ["PE", "CL"])
async def test_bsale_answers_conform(
    http: httpx.AsyncClient, make_account: Callable[..., Any], conforms: Check, country: str
) -> None:
    account = await make_account(country)
    headers = {"access_token": account.token}
    ident = await _client_with_children(http, headers)
    one = await http.get(f"/v1/clients/{ident}.json", headers=headers)
    conforms(CLIENT, "get", one)
    # Peru answers both district keys, Chile only municipality: both described.
    assert ("district" in one.json()) is (country == "PE")
    assert one.json()["municipality"] == "Miraflores"
    for query in (
        {"expand": "[contacts,attributes,addresses]"},
        {"expand": "contacts,addresses", "fields": "firstName,code"},
        {"fields": "[lastName]", "limit": "500"},
    ):
        listed = await http.get(CLIENTS, params=query, headers=headers)
        conforms(CLIENTS, "get", listed)
        assert listed.json()["limit"] <= 50
    expanded = (await http.get(CLIENTS, params={"expand": "contacts"}, headers=headers)).json()
    assert expanded["items"][0]["contacts"]["count"] == 1
    contact = f"/v1/clients/{ident}/contacts/{{contact_id}}.json"
    contacts = await http.get(f"/v1/clients/{ident}/contacts.json", headers=headers)
    conforms("/v1/clients/{client_id}/contacts.json", "get", contacts)
    contact_id = contacts.json()["items"][0]["id"]
    deleted = await http.delete(contact.format(contact_id=contact_id), headers=headers)
    assert deleted.status_code == 204
    conforms("/v1/clients/{client_id}/contacts/{contact_id}.json", "delete", deleted)
    conforms(CLIENT, "delete", await http.delete(f"/v1/clients/{ident}.json", headers=headers))
    conforms(
        "/v1/clients/count.json", "get", await http.get("/v1/clients/count.json", headers=headers)
    )


async def test_bsale_errors_conform(
    http: httpx.AsyncClient, make_account: Callable[..., Any], conforms: Check
) -> None:
    account = await make_account("PE")
    headers = {"access_token": account.token}
    conforms(CLIENTS, "get", await http.get(CLIENTS))  # 401
    conforms(CLIENT, "get", await http.get("/v1/clients/999999.json", headers=headers))  # 404
    bad = await http.get(CLIENTS, params={"expand": "[nope"}, headers=headers)
    assert bad.status_code == 400
    conforms(CLIENTS, "get", bad)
    refused = await http.post(CLIENTS, json={"nope": 1}, headers=headers)
    assert refused.status_code == 400
    conforms(CLIENTS, "post", refused)
    too_large = await http.post(
        CLIENTS, content=b"x", headers={**headers, "content-length": str(10**9)}
    )
    assert too_large.status_code == 413
    conforms(CLIENTS, "post", too_large)
    # 405: the path's other methods; described once per dialect, as a component.
    wrong = await http.patch(CLIENTS, headers=headers)
    assert wrong.status_code == 405
    assert wrong.json() == {"error": "method not allowed"} and "allow" in wrong.headers


async def test_business_partner_answers_conform_in_json_and_xml(
    http: httpx.AsyncClient, make_account: Callable[..., Any], conforms: Check
) -> None:
    account = await make_account("PE")
    headers = {"access_token": account.token}
    for accept in ("application/json", "application/xml", "text/xml"):
        page = await http.get("/BusinessPartner/getBPartner", headers={**headers, "accept": accept})
        assert page.status_code == 200
        conforms("/BusinessPartner/getBPartner", "get", page)
        assert page.headers["content-type"].startswith(
            "application/json" if accept == "application/json" else "application/xml"
        )
        # No clients yet: 204 and no body, as described.
        empty = await http.get("/BusinessPartner/getClients", headers={**headers, "accept": accept})
        assert empty.status_code == 204
        conforms("/BusinessPartner/getClients", "get", empty)
        unauthorized = await http.get("/BusinessPartner/getAgents", headers={"accept": accept})
        assert unauthorized.status_code == 401
        conforms("/BusinessPartner/getAgents", "get", unauthorized)
    statuses = await http.get("/BusinessPartner/getBPartnerStatus", headers=headers)
    conforms("/BusinessPartner/getBPartnerStatus", "get", statuses)
    bad = await http.post("/BusinessPartner/create", json={"not": "a list"}, headers=headers)
    assert bad.status_code == 400
    conforms("/BusinessPartner/create", "post", bad)
    missing = await http.delete("/BusinessPartner/delete/nope", headers=headers)
    assert missing.status_code == 404
    conforms("/BusinessPartner/delete/{ref}", "delete", missing)
    status = "/api/database/v1/message/status/{message_id}"
    conforms(status, "get", await http.get(status.format(message_id="nope"), headers=headers))


async def test_reseller_answers_conform(
    http: httpx.AsyncClient, make_account: Callable[..., Any], conforms: Check
) -> None:
    path = "/resellers/clients/batch"
    plain = await make_account("PE")
    forbidden = await http.post(path, json=[], headers={"access_token": plain.token})
    assert forbidden.status_code == 403
    conforms(path, "post", forbidden)
    reseller = await make_account("PE", is_reseller=True)
    invalid = await http.post(
        path,
        json=[{"ruc": "123", "company_name": "X", "validator_entity": 0, "integration_type": 0}],
        headers={"access_token": reseller.token},
    )
    assert invalid.status_code == 422 and invalid.json()["errors"]
    conforms(path, "post", invalid)
    conforms(path, "post", await http.post(path, json=[]))  # 401


async def test_service_answers_conform(http: httpx.AsyncClient, conforms: Check) -> None:
    for path in ("/", "/healthz", "/readyz", "/docs"):
        answer = await http.get(path)
        assert answer.status_code == 200, path
        conforms(path, "get", answer)
    login = await http.post("/auth/login", json={"username": "nobody", "password": "x"})
    assert login.status_code == 401
    conforms("/auth/login", "post", login)
    conforms("/auth/logout", "post", await http.post("/auth/logout"))


@pytest.fixture
async def limited_http(services: Services) -> AsyncIterator[httpx.AsyncClient]:
    """An app with its own services (its own limiter) allowing one request a minute."""
    settings = replace(services.settings, rate_limit="1/minute")
    svc = build_services(settings)
    transport = httpx.ASGITransport(app=create_app(settings, svc), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client
    await svc.close()


async def test_429_bodies_conform_in_every_dialect(
    limited_http: httpx.AsyncClient, make_account: Callable[..., Any], conforms: Check
) -> None:
    for path, template in (
        ("/v1/clients.json", CLIENTS),
        ("/BusinessPartner/getBPartner", "/BusinessPartner/getBPartner"),
        ("/resellers/clients/batch", "/resellers/clients/batch"),
        ("/auth/login", "/auth/login"),
    ):
        account = await make_account("PE")  # a budget of its own per path
        headers = {"access_token": account.token}
        method = "post" if path.startswith(("/resellers", "/auth")) else "get"
        await limited_http.request(method, path, headers=headers, json=[])
        refused = await limited_http.request(method, path, headers=headers, json=[])
        assert refused.status_code == 429, path
        conforms(template, method, refused)


async def test_docs_page_and_its_assets_are_local(http: httpx.AsyncClient) -> None:
    assert assets_available(), "run `make assets`"
    page = await http.get("/docs")
    assert page.headers["content-type"].startswith("text/html")
    sources = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert sources and all(s.startswith(("/static/swagger-ui/", "data:")) for s in sources)
    assert "/openapi.json" in page.text
    for name in ASSETS:
        asset = await http.get(f"/static/swagger-ui/{name}")
        assert asset.status_code == 200 and len(asset.content) > 1000, name
    assert (await http.get("/static/swagger-ui/package.json")).status_code == 404


def test_merge_refuses_a_path_or_a_component_meaning_two_things() -> None:
    one = oas.document("a", "", {"/x": {"get": {}}}, {"schemas": {"S": {"type": "string"}}})
    same_path = oas.document("b", "", {"/x": {"put": {}}}, {})
    other_meaning = oas.document("c", "", {"/y": {}}, {"schemas": {"S": {"type": "integer"}}})
    same_meaning = oas.document("d", "", {"/z": {}}, {"schemas": {"S": {"type": "string"}}})
    with pytest.raises(Collision, match="/x"):
        merge("t", "", [one, same_path])
    with pytest.raises(Collision, match="schemas/S"):
        merge("t", "", [one, other_meaning])
    merged = merge("t", "", [one, same_meaning])
    assert set(merged["paths"]) == {"/x", "/z"}
    validate(merged)
