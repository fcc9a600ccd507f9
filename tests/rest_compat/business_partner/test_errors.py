"""The dialect's error bodies come from exception handlers keyed by class: expected failures
by their class, anything else as a masked 500 logged with the request id (taken from the log
context the request middleware binds, not from the request's state)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

import httpx
import pytest
from structlog.testing import capture_logs

from clientgate.container import Services
from core.partners.errors import DeletionBlocked, RuleViolation
from core.shared.errors import InvalidInput, PermissionDenied
from httpkit.logging import add_request_id
from tests.rest_compat.business_partner.conftest import Tenant

BP = "/BusinessPartner"


async def test_unexpected_errors_are_masked_and_logged(
    http: httpx.AsyncClient,
    tenant: Tenant,
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret detail of a bug")

    monkeypatch.setattr(services.partners.reads, "page", broken)
    monkeypatch.setattr(services.partners.queue, "message", broken)
    headers = {**tenant.headers, "X-Request-ID": "req-bp-500"}
    with capture_logs(processors=[add_request_id]) as logs:
        json_answer = await http.get(f"{BP}/getBPartner", headers=headers)
        xml_answer = await http.get(
            f"{BP}/getBPartner", headers={**headers, "Accept": "application/xml"}
        )
        status_answer = await http.get("/api/database/v1/message/status/abc", headers=headers)
    assert (json_answer.status_code, json_answer.json()) == (
        500,
        {"code": 500, "error": "Internal server error."},
    )
    assert (status_answer.status_code, status_answer.json()) == (
        500,
        {"code": 500, "error": "Internal server error."},
    )
    assert xml_answer.status_code == 500
    assert ET.fromstring(xml_answer.content).findtext("error") == "Internal server error."
    entries = [e for e in logs if e["event"] == "business partner request failed"]
    assert [e["path"] for e in entries] == [
        f"{BP}/getBPartner",
        f"{BP}/getBPartner",
        "/api/database/v1/message/status/abc",
    ]
    for entry in entries:
        assert entry["request_id"] == "req-bp-500" and entry["error"] == "RuntimeError"
        assert entry["log_level"] == "error"
    assert "secret" not in json_answer.text and tenant.account.token not in repr(logs)


@pytest.mark.parametrize(
    ("exc", "status", "message"),
    [
        (DeletionBlocked("referenced by invoice"), 409, "referenced by invoice"),
        (RuleViolation("X is not an agent"), 400, "X is not an agent"),
        (PermissionDenied("not for this account"), 400, "not for this account"),
        (
            InvalidInput.single("pageSize", "must be between 1 and 100"),
            400,
            "Parameter pageSize must be between 1 and 100",
        ),
    ],
)
async def test_domain_errors_map_to_statuses_by_class(
    http: httpx.AsyncClient,
    tenant: Tenant,
    services: Services,
    monkeypatch: pytest.MonkeyPatch,
    exc: Exception,
    status: int,
    message: str,
) -> None:
    async def refuse(*args: Any, **kwargs: Any) -> Any:
        raise exc

    monkeypatch.setattr(services.partners.writes, "delete", refuse)
    answer = await http.delete(f"{BP}/delete/X", headers=tenant.headers)
    assert (answer.status_code, answer.json()) == (status, {"code": status, "error": message})
