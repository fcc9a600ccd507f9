"""``httpkit.base_url`` answers what ``str(request.base_url).rstrip("/")`` answers."""

from __future__ import annotations

from typing import Any

import pytest
from starlette.requests import Request

from httpkit.base_url import base_url


def _scope(**overrides: Any) -> dict[str, Any]:
    scope: dict[str, Any] = {
        "type": "http",
        "method": "GET",
        "scheme": "http",
        "server": ("127.0.0.1", 8000),
        "path": "/v1/clients/1.json",
        "query_string": b"a=1",
        "root_path": "",
        "headers": [(b"host", b"api.example.com")],
    }
    scope.update(overrides)
    return scope


@pytest.mark.parametrize(
    "scope",
    [
        _scope(),
        _scope(scheme="https", headers=[(b"host", b"api.example.com:443")]),
        _scope(headers=[(b"host", b"api.example.com:8443"), (b"host", b"other")]),
        _scope(headers=[]),
        _scope(headers=[], server=("::1", 80)),
        _scope(headers=[], server=["10.0.0.1", 8080]),
        _scope(headers=[(b"host", b"bad host:x")]),
        _scope(root_path="/api"),
        _scope(root_path="/api", app_root_path="/"),
        _scope(headers=[(b"host", b"h\xe9")]),
    ],
)
def test_base_url_matches_starlette(scope: dict[str, Any]) -> None:
    assert base_url(Request(scope)) == str(Request(scope).base_url).rstrip("/")
