"""Around every face: unknown paths and wrong methods answer in the dialect of their path, and
bodies are refused past their limit while they are read (Content-Length or chunked)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest


@pytest.mark.parametrize(
    ("method", "path", "status", "body"),
    [
        ("GET", "/nope", 404, {"error": "Not found."}),
        ("GET", "/auth/login", 405, {"error": "Method not allowed."}),
        (
            "PUT",
            "/graphql",
            405,
            {
                "errors": [
                    {
                        "message": "Method not allowed.",
                        "extensions": {"code": "METHOD_NOT_ALLOWED"},
                    }
                ]
            },
        ),
        (
            "POST",
            "/api/database/v1/message/status/x",
            405,
            {"code": 405, "error": "Method not allowed."},
        ),
    ],
)
async def test_unknown_paths_and_methods_answer_in_the_dialect(
    http: httpx.AsyncClient, method: str, path: str, status: int, body: dict[str, Any]
) -> None:
    response = await http.request(method, path)
    assert response.status_code == status
    assert response.headers["content-type"] == "application/json"
    assert response.json() == body
    if status == 405:
        assert response.headers["allow"]


async def test_bodies_over_the_limit_are_refused_before_they_are_read(
    http: httpx.AsyncClient,
) -> None:
    declared = await http.post(
        "/graphql", content=b"{}", headers={"content-length": str(9 * 1024 * 1024)}
    )
    assert declared.status_code == 413
    assert declared.json()["errors"][0]["extensions"]["code"] == "PAYLOAD_TOO_LARGE"

    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(100):
            yield b"y" * (100 * 1024)

    streamed = await http.post("/auth/login", content=chunks())
    assert streamed.status_code == 413
    assert streamed.json() == {"error": "the body is larger than 65536 bytes"}
    partner = await http.post(
        "/BusinessPartner/create",
        content=b"[]",
        headers={"content-length": str(9 * 1024 * 1024), "accept": "application/xml"},
    )
    assert partner.status_code == 413
    assert partner.headers["content-type"] == "application/xml"
    assert b"<code>413</code>" in partner.content
