"""A real worker process killed with SIGKILL mid-batch: a restarted ``clientgate worker``
completes every message, and no partner is created twice. The first worker holds each message
300 ms before applying it (``tests.support.slow_worker``), so it dies holding one."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from clientgate.container import build_services
from clientgate.settings import Settings
from core.partners.inputs import CompanyInput
from core.storage.tables.partners import bp_messages, bp_partners
from tests.conftest import SECRET
from tests.e2e.conftest import CLIENTGATE, ROOT, base_env, database_url, run_cli
from tests.support.partners import partner_input

pytestmark = pytest.mark.e2e

MESSAGES = 24
PER_MESSAGE = 5


def _settings(url: str, tmp: Path) -> Settings:
    return Settings(database_url=url, secret_key=SECRET, var_dir=tmp, migrate_on_start=False)


async def _enqueue(url: str, tmp: Path) -> int:
    services = build_services(_settings(url, tmp))
    try:
        created = await services.accounts.create_account(name="Kill test", country="PE")
        caller = await services.accounts.authenticate_token(created.token)
        await services.partners.companies.create(
            caller, CompanyInput(id_remote="ACME", company_name="Acme")
        )
        for m in range(MESSAGES):
            items = [partner_input(f"K{m}-{i}") for i in range(PER_MESSAGE)]
            await services.partners.queue.enqueue_create(caller, items)
        return caller.account_id
    finally:
        await services.close()


async def _state(url: str, tmp: Path) -> dict[str, Any]:
    services = build_services(_settings(url, tmp))
    try:
        async with services.uow(read_only=True) as uow:
            conn = uow.connection
            rows = list(await conn.execute(select(bp_messages.c.status, bp_messages.c.attempts)))
            partners = (
                await conn.execute(select(func.count()).select_from(bp_partners))
            ).scalar_one()
            distinct = (
                await conn.execute(
                    select(func.count()).select_from(
                        select(bp_partners.c.company_id, bp_partners.c.id_remote)
                        .distinct()
                        .subquery()
                    )
                )
            ).scalar_one()
        statuses = [r.status for r in rows]
        return {
            "completed": statuses.count("completed"),
            "processing": statuses.count("processing"),
            "failed": statuses.count("failed"),
            "attempts": [r.attempts for r in rows],
            "partners": int(partners),
            "distinct": int(distinct),
        }
    finally:
        await services.close()


def _start_worker(env: dict[str, str], log: Path, *, hold_ms: int = 0) -> subprocess.Popen[bytes]:
    """``clientgate worker``, or (``hold_ms``) the test's worker that holds each message."""
    command = (
        [sys.executable, "-m", "tests.support.slow_worker", str(hold_ms)]
        if hold_ms
        else [CLIENTGATE, "worker"]
    )
    with log.open("ab") as fh:
        return subprocess.Popen(command, env=env, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT)


def _wait(url: str, tmp: Path, until: Any, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    state = asyncio.run(_state(url, tmp))
    while not until(state):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out; last state {state}")
        time.sleep(0.05)
        state = asyncio.run(_state(url, tmp))
    return state


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_killed_worker_is_replaced_without_duplicates(backend: str, tmp_path: Path) -> None:
    with database_url(backend, tmp_path) as url:
        env = base_env(
            url,
            tmp_path,
            CLIENTGATE_QUEUE_LEASE_SECONDS="2",
            CLIENTGATE_QUEUE_POLL_SECONDS="0.05",
            CLIENTGATE_LOG_LEVEL="INFO",
        )
        assert run_cli(env, "migrate").returncode == 0
        asyncio.run(_enqueue(url, tmp_path))
        log = tmp_path / "worker.log"

        first = _start_worker(env, log, hold_ms=300)
        try:
            # Kill it while it holds a claimed message, part-way through the batch.
            mid = _wait(url, tmp_path, lambda s: s["completed"] >= 4 and s["processing"] == 1, 60)
            first.send_signal(signal.SIGKILL)
            first.wait(10)
        finally:
            if first.poll() is None:
                first.kill()
        assert first.returncode == -signal.SIGKILL
        after_kill = asyncio.run(_state(url, tmp_path))
        assert after_kill["completed"] < MESSAGES
        assert mid["processing"] == 1

        second = _start_worker(env, log)
        try:
            done = _wait(url, tmp_path, lambda s: s["completed"] == MESSAGES, 90)
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(20)
        assert second.returncode == 0, log.read_text()
        assert done["failed"] == 0
        assert done["partners"] == done["distinct"] == MESSAGES * PER_MESSAGE
        # The message in hand when the first worker died was claimed a second time.
        assert max(done["attempts"]) == 2
        assert "Traceback" not in log.read_text()
