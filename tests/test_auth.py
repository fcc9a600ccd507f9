"""Credentials on the HTTP surface: one lookup per request even with rate limiting on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx

from clientgate.app import create_app
from clientgate.container import Services, build_services
from core.storage.migrate import migrate
from tests.conftest import counting_statements, make_settings


async def test_a_cold_credential_is_verified_once_per_request(
    services: Services, make_account: Any, tmp_path: Path
) -> None:
    # An app of its own with a finite limit, so the rate limiter verifies credentials too.
    settings = make_settings(services.settings.database_url, tmp_path, rate_limit="100/minute")
    svc = build_services(settings)
    await migrate(svc.engine)
    created = await make_account("PE")
    headers = {"access_token": created.token}
    counts = []
    try:
        transport = httpx.ASGITransport(app=create_app(settings, svc))
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            for _ in range(2):
                with counting_statements(svc) as counter:
                    response = await client.get("/v1/clients/count.json", headers=headers)
                assert response.status_code == 200, response.text
                assert response.headers["x-ratelimit-limit"] == "100"
                counts.append(counter.count)
    finally:
        await svc.close()
    # 1st request: the limiter verifies the token and the route reuses that principal;
    # 2nd: the limiter's key is cached and the route verifies. One lookup + the count, each,
    # and on the 1st the token's last use (written at most once a minute per token).
    assert counts == [3, 2], counts
