"""Hot reads on the driver's connection (``core/storage/driver.py``) give what Core gives: the
same rows and values (SQLite's booleans too), inside the unit of work's transaction, seen by
the engine's statement listeners, and a database that cannot answer in time is still
``ServiceUnavailable``."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from typing import Any

import pytest
from sqlalchemy import bindparam, func, literal, literal_column, select, table, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from clientgate.container import Services, build_services
from core.shared.errors import ServiceUnavailable
from core.storage import driver
from core.storage.driver import DriverQuery
from core.storage.tables.accounts import accounts
from core.storage.uow import UnitOfWorkFactory
from tests.conftest import Backend, counting_statements

# Booleans (processed on SQLite), a constant the statement carries, a bound parameter.
_ACCOUNT = DriverQuery(
    select(
        accounts.c.id,
        accounts.c.name,
        accounts.c.is_reseller,
        accounts.c.strict_tax_ids,
        literal(7).label("seven"),
    ).where(accounts.c.id == bindparam("account_id"))
)


async def test_driver_rows_are_the_rows_core_reads(services: Services, make_account: Any) -> None:
    created = await make_account("PE", name="Driver", is_reseller=True)
    params = {"account_id": created.account.id}
    async with services.uow(read_only=True) as uow:
        through_driver = await driver.rows(uow.connection, _ACCOUNT, params)
        through_core = (await uow.connection.execute(_ACCOUNT.statement, params)).all()
    assert [tuple(r) for r in through_driver] == [tuple(r) for r in through_core]
    assert [tuple(r) for r in through_driver] == [(created.account.id, "Driver", True, False, 7)]
    assert [type(v) for v in through_driver[0][2:4]] == [bool, bool]
    async with services.uow(read_only=True) as uow:
        assert await driver.first(uow.connection, _ACCOUNT, {"account_id": -1}) is None


async def test_driver_statements_are_counted_like_core_ones(
    services: Services, make_account: Any
) -> None:
    created = await make_account("PE")
    with counting_statements(services) as counter:
        async with services.uow(read_only=True) as uow:
            await driver.rows(uow.connection, _ACCOUNT, {"account_id": created.account.id})
    assert counter.count == 1
    assert "FROM accounts" in counter.statements[0]


async def test_a_write_unit_of_work_reads_its_own_changes(
    services: Services, make_account: Any
) -> None:
    """Outside a read-only unit of work the statement runs through Core, in the transaction."""
    created = await make_account("PE", name="Before")
    params = {"account_id": created.account.id}
    async with services.uow() as uow:
        await uow.connection.execute(
            update(accounts).where(accounts.c.id == created.account.id).values(name="Uncommitted")
        )
        (row,) = await driver.rows(uow.connection, _ACCOUNT, params)
        assert row[1] == "Uncommitted"
    async with services.uow(read_only=True) as uow:
        (row,) = await driver.rows(uow.connection, _ACCOUNT, params)
    assert row[1] == "Before"  # rolled back


async def test_core_and_driver_share_a_read_unit_of_work(
    services: Services, make_account: Any
) -> None:
    """A statement through Core joins the transaction begun on the driver; the connection is
    given back rolled back and kept."""
    created = await make_account("PE", name="Shared")
    params = {"account_id": created.account.id}
    factory = services.uow
    assert isinstance(factory, UnitOfWorkFactory)
    for _ in range(3):
        async with factory(read_only=True) as uow:
            (first,) = await driver.rows(uow.connection, _ACCOUNT, params)
            core = (await uow.connection.execute(_ACCOUNT.statement, params)).one()
            (again,) = await driver.rows(uow.connection, _ACCOUNT, params)
            assert tuple(first) == tuple(core) == tuple(again)
            assert uow.connection.in_transaction() or factory.reads is None
        assert not uow._conn
    if factory.reads is not None:
        assert factory.reads.idle >= 1


async def test_a_statement_the_database_refuses_is_a_dbapi_error(services: Services) -> None:
    broken = DriverQuery(select(literal_column("x")).select_from(table("no_such_table")))
    with pytest.raises(DBAPIError, match="no_such_table"):
        async with services.uow(read_only=True) as uow:
            await driver.rows(uow.connection, broken, {})
    async with services.uow(read_only=True) as uow:  # the next unit of work reads as before
        one = await driver.rows(uow.connection, DriverQuery(select(literal(1))), {})
    assert [tuple(r) for r in one] == [(1,)]


async def test_a_read_that_cannot_be_served_in_time_is_unavailable(
    services: Services, backend: Backend, make_account: Any
) -> None:
    """PostgreSQL: past ``statement_timeout``, ``ServiceUnavailable`` (a 503), and the pool's
    connection still serves. SQLite's reads wait for nothing: they run while another
    connection holds the write lock, and see what was committed."""
    if backend.name == "sqlite":
        created = await make_account("PE", name="Committed")
        path = make_url(services.settings.database_url).database
        assert path
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        other.execute("UPDATE accounts SET name = 'Pending' WHERE id = ?", (created.account.id,))
        try:
            async with services.uow(read_only=True) as uow:
                (row,) = await driver.rows(
                    uow.connection, _ACCOUNT, {"account_id": created.account.id}
                )
            assert row[1] == "Committed"
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    settings = replace(services.settings, db_statement_timeout_ms=100, db_pool_size=1)
    svc = build_services(settings)
    slow = DriverQuery(select(func.pg_sleep(2).label("slept")))
    try:
        with pytest.raises(ServiceUnavailable, match="timed out"):
            async with svc.uow(read_only=True) as uow:
                await driver.rows(uow.connection, slow, {})
        async with svc.uow(read_only=True) as uow:
            one = await driver.rows(uow.connection, DriverQuery(select(literal(1))), {})
        assert [tuple(r) for r in one] == [(1,)]
    finally:
        await svc.close()
