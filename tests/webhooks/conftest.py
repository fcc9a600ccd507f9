"""Webhook tests: services on a database of the test's own (workers serve every tenant), a
clock the test moves, private addresses allowed (the receiver is on 127.0.0.1), a fast and
deterministic backoff."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from clientgate.container import Services, build_services
from core.accounts.model import FaceName, Origin, Principal, PrincipalKind
from core.shared.clock import FixedClock
from tests.conftest import make_settings

START = 1_800_000_000


@dataclass
class Hooks:
    services: Services
    clock: FixedClock

    async def caller(self) -> Principal:
        created = await self.services.accounts.create_account(name="Hooks", country="PE")
        return Principal(
            created.account, PrincipalKind.API_TOKEN, 1, origin=Origin(FaceName.GRAPHQL, "hook")
        )


@pytest.fixture
async def hooks(own_database_url: str, tmp_path: Path) -> AsyncIterator[Hooks]:
    clock = FixedClock(START)
    settings = make_settings(
        own_database_url,
        tmp_path,
        webhooks_allow_private=True,
        webhooks_backoff_seconds=4.0,
        webhooks_max_attempts=3,
    )
    services = build_services(settings, clock=clock)
    yield Hooks(services, clock)
    await services.close()
