"""The per-account client counter (``client_counts``, kept by triggers) equals ``count(*)``
after any mix of writes, concurrent ones included, on SQLite and PostgreSQL; the unfiltered
count reads it."""

from __future__ import annotations

import asyncio
import random
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from clientgate.container import Services, build_services
from core.accounts.model import Account
from core.clients.model import ClientChanges, ClientFilter
from core.shared.errors import ServiceUnavailable
from core.storage.counter_triggers import (
    CountedRows,
    backfill,
    create_commit_triggers,
    drop_commit_triggers,
)
from core.storage.migrate import migrate
from core.storage.tables.clients import client_counts, clients
from tests.conftest import Backend, make_settings
from tests.support.callers import caller
from tests.support.databases import empty_database

_INSERT = (
    "INSERT INTO clients (account_id, first_name, code, state, company_or_person, "
    "accumulate_points, points, send_dte, prestashop_client_id, created_at, updated_at) "
    "VALUES ({a}, 'raw', '', 0, 0, 0, 0, 0, 0, 1, 1)"
)


async def _counters(svc: Services) -> dict[int, int]:
    async with svc.engine.connect() as conn:
        rows = (await conn.execute(select(client_counts.c.account_id, client_counts.c.n))).all()
    return {int(a): int(n) for a, n in rows if n}


async def _counted(svc: Services) -> dict[int, int]:
    async with svc.engine.connect() as conn:
        rows = (
            await conn.execute(
                select(clients.c.account_id, func.count())
                .where(clients.c.merged_into_id.is_(None))
                .group_by(clients.c.account_id)
            )
        ).all()
    return {int(a): int(n) for a, n in rows}


async def _assert_exact(svc: Services) -> None:
    counted = await _counted(svc)
    assert counted, "the test wrote no clients"
    assert await _counters(svc) == counted


async def _accounts(svc: Services, n: int) -> list[Account]:
    return [
        (await svc.accounts.create_account(name=f"Count {i}", country="PE")).account
        for i in range(n)
    ]


async def test_counter_equals_count_after_mixed_writes(own_services: Services) -> None:
    svc = own_services
    a, b = await _accounts(svc, 2)
    made = [
        await svc.clients.create(caller(a), ClientChanges({"first_name": f"A{i}"}))
        for i in range(7)
    ]
    await svc.clients.create(caller(b), ClientChanges({"first_name": "B"}))
    # A state change and a deactivation (the Bsale DELETE) keep the client counted: the
    # unfiltered count counts every state, as count(*) did.
    await svc.clients.update(caller(a), made[0].id, ClientChanges({"state": 1}))
    await svc.clients.deactivate(caller(a), made[1].id)
    assert await svc.clients.count(caller(a), ClientFilter()) == 7
    async with svc.engine.begin() as conn:  # writes no service makes: delete, move, bulk insert
        await conn.execute(text(f"DELETE FROM clients WHERE id = {made[2].id}"))
        await conn.execute(
            text(f"UPDATE clients SET account_id = {b.id} WHERE id IN ({made[3].id}, {made[4].id})")
        )
        for _ in range(3):
            await conn.execute(text(_INSERT.format(a=b.id)))
    async with svc.engine.begin() as conn:  # a rolled-back write leaves no trace
        await conn.execute(text(_INSERT.format(a=a.id)))
        await conn.rollback()
    assert await svc.clients.count(caller(a), ClientFilter()) == 4
    assert await svc.clients.count(caller(b), ClientFilter()) == 6
    assert await svc.clients.count(caller(a), ClientFilter(state=1)) == 2  # filtered: count(*)
    await _assert_exact(svc)


async def test_a_merged_client_leaves_the_counter(own_services: Services) -> None:
    """Migration 0008_counts_merged: merged clients leave every count, the counter too."""
    svc = own_services
    (a,) = await _accounts(svc, 1)
    made = [
        (await svc.clients.create(caller(a), ClientChanges({"first_name": f"M{i}"}))).id
        for i in range(5)
    ]
    await svc.clients.merge(caller(a), made[0], made[1:3])
    assert await svc.clients.count(caller(a), ClientFilter()) == 3
    await _assert_exact(svc)
    async with svc.engine.begin() as conn:  # a write no service makes: un-merging a row
        await conn.execute(text(f"UPDATE clients SET merged_into_id = NULL WHERE id = {made[1]}"))
    assert await svc.clients.count(caller(a), ClientFilter()) == 4
    await _assert_exact(svc)


async def test_unfiltered_count_reads_the_counter(
    services: Services, make_account: Callable[..., Any], count_statements: Callable[[], Any]
) -> None:
    acc = (await make_account("PE")).account
    assert await services.clients.count(caller(acc), ClientFilter()) == 0  # no counter row yet
    for i in range(3):
        await services.clients.create(caller(acc), ClientChanges({"first_name": f"C{i}"}))
    with count_statements() as counter:
        assert await services.clients.count(caller(acc), ClientFilter()) == 3
    assert counter.count == 1 and "client_counts" in counter.statements[0]
    assert "count(" not in counter.statements[0].lower()


async def test_concurrent_service_writers_keep_it_exact(own_services: Services) -> None:
    svc = own_services
    accounts = await _accounts(svc, 2)
    ids: list[tuple[Account, int]] = []

    async def writer(n: int) -> None:
        rnd = random.Random(n)
        for i in range(6):
            acc = accounts[rnd.randrange(2)]
            made = await svc.clients.create(caller(acc), ClientChanges({"first_name": f"W{n}.{i}"}))
            ids.append((acc, made.id))
            if ids and rnd.random() < 0.5:
                other, client_id = rnd.choice(ids)
                await svc.clients.update(caller(other), client_id, ClientChanges({"state": 1}))

    await asyncio.gather(*(writer(n) for n in range(12)))
    assert sum((await _counters(svc)).values()) == 72
    await _assert_exact(svc)


def _pg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def _pg_writers(url: str, account_ids: Sequence[int], writers: int, rounds: int) -> int:
    """``writers`` real connections, each ``rounds`` transactions of 1 to 3 random writes
    (inserts, deletes, state changes); a deadlock is retried. Returns the rows inserted."""
    import asyncpg

    inserted = 0

    async def one(n: int) -> None:
        nonlocal inserted
        rnd = random.Random(n)
        conn = await asyncpg.connect(_pg_dsn(url))
        try:
            for _ in range(rounds):
                ops = [rnd.choice(("insert", "insert", "delete", "state")) for _ in range(3)]
                ops = ops[: rnd.randint(1, 3)]
                acc = rnd.choice(account_ids)
                while True:
                    try:
                        async with conn.transaction():
                            for op in ops:
                                await _pg_op(conn, op, acc)
                        inserted += ops.count("insert")
                        break
                    except asyncpg.DeadlockDetectedError:
                        continue
        finally:
            await conn.close()

    async def _pg_op(conn: Any, op: str, acc: int) -> None:
        if op == "insert":
            await conn.execute(_INSERT.format(a=acc))
        elif op == "delete":
            await conn.execute(
                "DELETE FROM clients WHERE id = (SELECT id FROM clients WHERE account_id = $1 "
                "AND first_name = 'raw' ORDER BY random() LIMIT 1)",
                acc,
            )
        else:
            await conn.execute(
                "UPDATE clients SET state = 1 - state WHERE id = (SELECT id FROM clients "
                "WHERE account_id = $1 ORDER BY random() LIMIT 1)",
                acc,
            )

    await asyncio.gather(*(one(n) for n in range(writers)))
    return inserted


def _sqlite_writers(path: str, account_ids: Sequence[int], writers: int, rounds: int) -> None:
    """``writers`` threads, each its own connection, ``rounds`` write transactions each."""

    def one(n: int) -> None:
        rnd = random.Random(n)
        conn = sqlite3.connect(path, timeout=60, isolation_level=None)
        try:
            for _ in range(rounds):
                acc = rnd.choice(account_ids)
                conn.execute("BEGIN IMMEDIATE")
                for _ in range(rnd.randint(1, 3)):
                    op = rnd.choice(("insert", "insert", "delete", "state"))
                    if op == "insert":
                        conn.execute(_INSERT.format(a=acc))
                    elif op == "delete":
                        conn.execute(
                            "DELETE FROM clients WHERE id = (SELECT id FROM clients "
                            "WHERE account_id = ? AND first_name = 'raw' "
                            "ORDER BY random() LIMIT 1)",
                            (acc,),
                        )
                    else:
                        conn.execute(
                            "UPDATE clients SET state = 1 - state WHERE id = (SELECT id FROM "
                            "clients WHERE account_id = ? ORDER BY random() LIMIT 1)",
                            (acc,),
                        )
                conn.execute("COMMIT")
        finally:
            conn.close()

    threads = [threading.Thread(target=one, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


async def test_concurrent_connections_keep_it_exact(
    own_services: Services, own_database_url: str, backend: Backend
) -> None:
    """Real concurrent connections (threads on SQLite, asyncpg connections on PostgreSQL)
    writing to the same accounts, beside the service's own writers."""
    svc = own_services
    accounts = await _accounts(svc, 3)
    account_ids = [a.id for a in accounts]

    async def service_writers() -> None:
        for i in range(10):
            while True:  # a deadlock victim among the raw writers' cycles: a retryable 503
                try:
                    made = ClientChanges({"first_name": "S"})
                    await svc.clients.create(caller(accounts[i % 3]), made)
                    break
                except ServiceUnavailable as exc:
                    assert "deadlock" in str(exc)

    if backend.name == "sqlite":
        path = own_database_url.removeprefix("sqlite+aiosqlite:///")
        raw = asyncio.to_thread(_sqlite_writers, path, account_ids, 8, 25)
        await asyncio.gather(raw, service_writers())
    else:
        await asyncio.gather(_pg_writers(own_database_url, account_ids, 16, 25), service_writers())
    await _assert_exact(svc)


async def test_a_counted_predicate_follows_updates(own_services: Services) -> None:
    """What a later migration does when a client stops counting (e.g. merged): the triggers
    are replaced with a predicate and the column it reads; updates move rows in and out."""
    svc = own_services
    a, b = await _accounts(svc, 2)
    old = CountedRows(table="clients", counter_table="client_counts")
    new = CountedRows(
        table="clients", counter_table="client_counts", predicate="state = 0", columns=("state",)
    )
    async with svc.engine.begin() as conn:
        dialect = conn.dialect.name
        for statement in [
            *drop_commit_triggers(dialect, old),
            *create_commit_triggers(dialect, new),
        ]:
            await conn.execute(text(statement))
    async with svc.engine.begin() as conn:
        for _ in range(4):
            await conn.execute(text(_INSERT.format(a=a.id)))
        await conn.execute(text(_INSERT.format(a=b.id)))
        await conn.execute(text(f"UPDATE clients SET state = 1 WHERE account_id = {a.id}"))
        await conn.execute(
            text(
                f"UPDATE clients SET state = 0, account_id = {b.id} "
                f"WHERE id = (SELECT min(id) FROM clients WHERE account_id = {a.id})"
            )
        )
        await conn.execute(text(f"DELETE FROM clients WHERE state = 1 AND account_id = {a.id}"))
    async with svc.engine.begin() as conn:
        counters: dict[int, int] = dict((await conn.execute(select(client_counts))).all())
        assert (counters.get(a.id, 0), counters[b.id]) == (0, 2)
        for statement in backfill(new):
            await conn.execute(text(statement))
        assert dict((await conn.execute(select(client_counts))).all()) == {b.id: 2}


async def test_writers_of_one_account_meet_on_the_counter_only_at_commit(
    own_services: Services, backend: Backend
) -> None:
    """PostgreSQL: a transaction that inserted a client and has not committed does not hold
    the account's counter, so a second writer of the account commits meanwhile; both count.
    SQLite: one writer at a time, so the second waits for the first (its write lock)."""
    svc = own_services
    (acc,) = await _accounts(svc, 1)
    async with svc.engine.connect() as first:
        await first.begin()
        await first.execute(text(_INSERT.format(a=acc.id)))
        second = asyncio.ensure_future(
            svc.clients.create(caller(acc), ClientChanges({"first_name": "second"}))
        )
        done, _ = await asyncio.wait([second], timeout=2.0)
        assert bool(done) is (backend.name == "postgresql")
        await first.commit()
    await second
    assert await svc.clients.count(caller(acc), ClientFilter()) == 2
    await _assert_exact(svc)


def test_counted_rows_qualifies_only_its_columns() -> None:
    rows = CountedRows("clients", "client_counts", "merged_into_id IS NULL", ("merged_into_id",))
    assert rows.holds("NEW") == "(NEW.merged_into_id IS NULL)"
    assert CountedRows("clients", "client_counts").holds("OLD") == "TRUE"


@pytest.fixture
def empty_database_url(backend: Backend, tmp_path: Path) -> Iterator[str]:
    with empty_database(backend.name, tmp_path) as url:
        yield url


async def test_the_migration_counts_the_clients_already_there(
    empty_database_url: str, tmp_path: Path
) -> None:
    svc = build_services(make_settings(empty_database_url, tmp_path))
    try:
        await migrate(svc.engine, "0001")  # before the counter
        async with svc.engine.begin() as conn:
            for name in ("A", "B"):
                await conn.execute(
                    text(
                        "INSERT INTO accounts (name, country, is_reseller, strict_tax_ids, "
                        f"created_at, updated_at) VALUES ('{name}', 'PE', false, false, 1, 1)"
                    )
                )
            ids = (await conn.execute(text("SELECT id FROM accounts ORDER BY id"))).scalars()
            first, second = list(ids)
            for account_id in (first, first, first, second):
                await conn.execute(text(_INSERT.format(a=account_id)))
        await migrate(svc.engine)
        assert await _counters(svc) == {first: 3, second: 1}
        async with svc.engine.begin() as conn:
            await conn.execute(text(_INSERT.format(a=second)))
        await _assert_exact(svc)
    finally:
        await svc.close()


async def test_bulk_statements_count_every_row(own_services: Services) -> None:
    """One statement inserting and one deleting many rows of several accounts (PostgreSQL
    counts them per statement, from its transition tables)."""
    svc = own_services
    a, b = await _accounts(svc, 2)
    bulk = (
        "INSERT INTO clients (account_id, first_name, code, state, company_or_person, "
        "accumulate_points, points, send_dte, prestashop_client_id, created_at, updated_at) "
        "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < 500) "
        f"SELECT CASE WHEN n % 5 = 0 THEN {b.id} ELSE {a.id} END, 'bulk', '', 0, 0, 0, 0, 0, 0, "
        "1, 1 FROM s"
    )
    async with svc.engine.begin() as conn:
        await conn.execute(text(bulk))
    assert await _counters(svc) == {a.id: 400, b.id: 100}
    async with svc.engine.begin() as conn:
        await conn.execute(text("DELETE FROM clients WHERE id % 3 = 0"))
        await conn.execute(text("DELETE FROM clients WHERE id < 0"))  # deletes nothing
    await _assert_exact(svc)
