"""schemathesis against a real ``clientgate serve`` (uvicorn), on SQLite and PostgreSQL: every
operation of ``/openapi.json`` gets generated requests (the examples, the coverage phase's
boundary and invalid values, then random ones), and every answer must conform to the document:
no 5xx, a documented status, content type, headers and body schema; invalid input refused;
other methods answered 405; a request without credentials refused. 0 failures.

Bounded and not flaky: deterministic generation (no seed, no example database), 5 examples
per operation, one worker, no stateful phase. The server runs without rate limits, so that the
answers are the operations' own and not 429s (those are described too). The BusinessPartner
operations run once more with ``Accept: text/xml`` (their XML alternative).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import LiveServer, base_env, database_url, start_server

pytestmark = pytest.mark.e2e

ST = str(Path(sys.executable).with_name("st"))
CHECKS = ",".join(
    (
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_headers_conformance",
        "response_schema_conformance",
        "negative_data_rejection",
        "unsupported_method",
        "ignored_auth",
    )
)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveServer]:
    tmp = tmp_path_factory.mktemp(f"schemathesis-{request.param}")
    with database_url(request.param, tmp) as url:
        env = base_env(url, tmp, CLIENTGATE_RATE_LIMIT_ENABLED="false")
        live = start_server(env, tmp, backend=request.param)
        try:
            yield live
        finally:
            if not live.stopped:
                live.assert_clean_exit()


@pytest.fixture(scope="module")
def token(server: LiveServer) -> str:
    """A Peruvian reseller account (every dialect answers it) with a few rows, so that small
    ids reach real clients, contacts and addresses, not only 404s."""
    made = server.cli(
        "accounts",
        "create",
        "--name",
        "Schemathesis SAC",
        "--country",
        "PE",
        "--reseller",
        "--json",
    )
    assert made.returncode == 0, made.stderr
    secret: str = json.loads(made.stdout)["token"]
    headers = {"access_token": secret}
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as http:
        for name in ("Ana", "Beto", "Carla"):
            answer = http.post("/v1/clients.json", json={"firstName": name, "lastName": "Prueba"})
            assert answer.status_code == 201, answer.text
            client = answer.json()["id"]
            contact = http.post(f"/v1/clients/{client}/contacts.json", json={"firstName": name})
            assert contact.status_code == 201, contact.text
            address = http.post(
                f"/v1/clients/{client}/addresses.json",
                json={"address": "Av. Larco 101", "city": "Lima", "district": "Miraflores"},
            )
            assert address.status_code == 201, address.text
    return secret


def run_schemathesis(
    server: LiveServer, token: str, tmp: Path, *extra: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            ST,
            "run",
            f"{server.base_url}/openapi.json",
            "--header",
            f"access_token: {token}",
            "--checks",
            CHECKS,
            "--max-examples",
            "5",
            "--generation-deterministic",
            "--phases",
            "examples,coverage,fuzzing",
            "--workers",
            "1",
            "--request-timeout",
            "30",
            "--no-color",
            *extra,
        ],
        cwd=tmp,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_every_operation_answers_as_documented(
    server: LiveServer, token: str, tmp_path: Path
) -> None:
    run = run_schemathesis(server, token, tmp_path)
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-5000:]
    # The whole document was tested, not a subset.
    selected = re.search(r"Operations:\s+(\d+) selected / (\d+) total", run.stdout)
    assert selected is not None and selected[1] == selected[2], run.stdout[:2000]
    assert int(selected[1]) >= 50


# The XML rendering does not depend on the database: one backend is enough.
@pytest.mark.parametrize("server", ["sqlite"], indirect=True)
def test_business_partner_xml_answers_as_documented(
    server: LiveServer, token: str, tmp_path: Path
) -> None:
    run = run_schemathesis(
        server,
        token,
        tmp_path,
        "--header",
        "Accept: text/xml",
        "--include-path-regex",
        "^/(BusinessPartner|api/database)/",
    )
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-5000:]
