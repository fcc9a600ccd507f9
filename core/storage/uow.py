"""The unit of work: one connection, one transaction, every repository bound to both."""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from core.storage.repositories.accounts import SqlAccountRepository
from core.storage.repositories.clients import (
    SqlAddressRepository,
    SqlAttributeRepository,
    SqlCatalogRepository,
    SqlClientRepository,
    SqlContactRepository,
    SqlDocumentRepository,
    SqlPointsRepository,
)
from core.storage.repositories.partners import SqlPartnerRepository
from core.storage.repositories.resellers import SqlResellerRepository


class SqlUnitOfWork:
    """Opened with ``async with``; rolls back unless ``commit()`` was called."""

    def __init__(self, engine: AsyncEngine, *, read_only: bool = False) -> None:
        self._engine = engine
        self._read_only = read_only
        self._conn: AsyncConnection | None = None

    async def __aenter__(self) -> SqlUnitOfWork:
        conn = await self._engine.connect()
        if self._read_only:
            conn = await conn.execution_options(read_only=True)
        await conn.begin()
        self._conn = conn
        self.accounts = SqlAccountRepository(conn)
        self.clients = SqlClientRepository(conn)
        self.contacts = SqlContactRepository(conn)
        self.addresses = SqlAddressRepository(conn)
        self.attributes = SqlAttributeRepository(conn)
        self.catalogs = SqlCatalogRepository(conn)
        self.points = SqlPointsRepository(conn)
        self.documents = SqlDocumentRepository(conn)
        self.resellers = SqlResellerRepository(conn)
        self.partners = SqlPartnerRepository(conn)
        return self

    @property
    def connection(self) -> AsyncConnection:
        if self._conn is None:
            raise RuntimeError("unit of work is not open")
        return self._conn

    async def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("read-only unit of work cannot commit")
        await self.connection.commit()

    async def rollback(self) -> None:
        await self.connection.rollback()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            if conn.in_transaction():
                await conn.rollback()
        finally:
            await conn.close()


class UnitOfWorkFactory:
    """Callable handed to services: ``async with factory(read_only=True) as uow``."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    def __call__(self, *, read_only: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.engine, read_only=read_only)
