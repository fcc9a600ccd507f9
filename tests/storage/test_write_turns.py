"""SQLite's writers of one process take turns before ``BEGIN IMMEDIATE`` (``WriteTurns``):
a writer waits for the one before it, past the lock timeout it is ``ServiceUnavailable``, and
a turn ends with its unit of work however it ends. PostgreSQL has row locks: no turns."""

from __future__ import annotations

import asyncio

import pytest

from clientgate.container import Services
from core.shared.errors import ServiceUnavailable
from core.storage.uow import UnitOfWorkFactory


async def test_writers_take_turns_and_a_turn_ends_with_its_unit_of_work(
    services: Services,
) -> None:
    factory = UnitOfWorkFactory(services.engine, lock_timeout_seconds=0.2)
    try:
        if factory.turns is None:
            assert services.engine.dialect.name == "postgresql"
            return
        order: list[str] = []
        async with factory():
            with pytest.raises(ServiceUnavailable, match="write lock"):
                async with factory():
                    pass  # never reached: the first writer still has its turn
            order.append("first")
        with pytest.raises(RuntimeError, match="boom"):
            async with factory():
                raise RuntimeError("boom")

        async def writer(name: str) -> None:
            async with factory():
                await asyncio.sleep(0)
                order.append(name)

        await asyncio.gather(*(writer(f"w{n}") for n in range(5)))
        assert order == ["first", "w0", "w1", "w2", "w3", "w4"]  # in arrival order
    finally:
        await factory.dispose()
