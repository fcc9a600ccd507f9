"""Authentication, unknown paths, wrong methods and masked unexpected failures."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from starlette.requests import Request
from structlog.testing import capture_logs

from clientgate.container import Services
from core.accounts.model import UserKind
from core.shared.errors import (
    AuthenticationFailed,
    Conflict,
    FieldError,
    InvalidInput,
    NotFound,
    PermissionDenied,
)
from rest_compat.bsale.errors import FlavouredInvalidInput, flavoured_invalid_input
from rest_compat.bsale.serializers import Flavour


async def test_credentials(http: Any, make_tenant: Any, services: Services) -> None:
    t = await make_tenant("PE")
    for headers in (
        {},
        {"access_token": "nope"},
        {"Authorization": "Bearer nope"},
        {"Authorization": "Basic !!!"},
        {"Authorization": "Basic " + base64.b64encode(b"someone:wrong").decode()},
    ):
        r = await http.get("/v1/clients.json", headers=headers)
        assert r.status_code == 401, headers
        assert set(r.json()) == {"error"}
        r = await http.post("/v1/clients.json", headers=headers, json={"firstName": "x"})
        assert r.status_code == 401
    assert (await http.get("/v1/clients/count.json", headers=t.headers)).json() == {"count": 0}

    r = await http.get("/v1/clients.json", headers={"Authorization": f"Bearer {t.token}"})
    assert r.status_code == 200
    async with services.uow() as uow:
        user = await services.accounts.create_user(uow, t.account.id, "bsale-api", UserKind.API)
        await uow.commit()
    basic = base64.b64encode(f"bsale-api:{user.password}".encode()).decode()
    r = await http.get("/v1/clients.json", headers={"Authorization": f"Basic {basic}"})
    assert r.status_code == 200


async def test_unknown_paths_and_wrong_methods(http: Any, make_tenant: Any) -> None:
    t = await make_tenant("PE")
    r = await http.get("/v1/nothing.json", headers=t.headers)
    assert r.status_code == 404 and r.json() == {"error": "not found"}
    for method, path, allow in (
        ("PATCH", "/v1/clients/1.json", {"GET", "HEAD", "PUT", "DELETE"}),
        ("DELETE", "/v1/clients.json", {"GET", "HEAD", "POST"}),
        ("GET", "/v1/clients/points.json", {"PUT"}),
        ("POST", "/v1/clients/1/contacts/1.json", {"GET", "HEAD", "PUT", "DELETE"}),
        ("PUT", "/v1/payment_types.json", {"GET", "HEAD"}),
    ):
        r = await http.request(method, path, headers=t.headers)
        assert r.status_code == 405, (method, path)
        assert r.json() == {"error": "method not allowed"}
        assert {m.strip() for m in r.headers["allow"].split(",")} == allow


async def test_unexpected_errors_are_masked_and_logged(
    http: Any, make_tenant: Any, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    t = await make_tenant("PE")

    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret detail of a bug")

    monkeypatch.setattr(services.clients, "count", broken)
    with capture_logs() as logs:
        r = await http.get(
            "/v1/clients/count.json", headers={**t.headers, "X-Request-ID": "req-bsale-500"}
        )
    assert r.status_code == 500
    assert r.json() == {"error": "internal error", "requestId": "req-bsale-500"}
    assert "secret" not in r.text
    [entry] = [e for e in logs if e["event"] == "bsale.unhandled"]
    assert entry["request_id"] == "req-bsale-500" and entry["error"] == "RuntimeError"
    assert entry["log_level"] == "error" and t.token not in repr(logs)


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (PermissionDenied("not for this account"), 403),
        (Conflict("already there"), 409),
        (AuthenticationFailed("session expired"), 401),
        (NotFound("client", 7), 404),
        (InvalidInput.single("district", "too long"), 400),
    ],
)
async def test_domain_errors_map_to_statuses_in_the_dialect_body(
    http: Any,
    make_tenant: Any,
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
    exc: Exception,
    status: int,
) -> None:
    t = await make_tenant("CL")

    async def failing(*args: Any, **kwargs: Any) -> Any:
        raise exc

    monkeypatch.setattr(services.clients, "count", failing)
    r = await http.get("/v1/clients/count.json", headers=t.headers)
    assert r.status_code == status
    assert r.json() == {"error": str(exc).replace("district", "municipality")}


@pytest.mark.parametrize(("country", "name"), [("PE", "district"), ("MX", "municipality")])
async def test_input_errors_are_worded_in_the_callers_flavour_by_the_exception(
    http: Any, make_tenant: Any, country: str, name: str
) -> None:
    """The flavour travels with the error (``FlavouredInvalidInput``), not through the
    request's state: the same core error reads ``district`` for Peru, ``municipality`` else."""
    t = await make_tenant(country)
    r = await http.post(
        "/v1/clients.json", headers=t.headers, json={"firstName": "A", name: "x" * 256}
    )
    assert r.json() == {"error": f"{name}: must be at most 255 characters"}
    bare = Request({"type": "http", "method": "GET", "path": "/", "headers": []})
    answer = await flavoured_invalid_input(
        bare, FlavouredInvalidInput([FieldError("district", "too long")], Flavour.of(country))
    )
    assert answer.body == f'{{"error":"{name}: too long"}}'.encode()
