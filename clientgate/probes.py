"""The metrics read at scrape time: the queue's depth (through the queue's use case, a
cross-tenant count behind the ``PartnerQueue`` port) and the database connections in use."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from core.partners.queue import CreationQueue
from core.storage.uow import UnitOfWorkFactory
from httpkit.metrics import Metrics


def checked_out(engine: Engine) -> int:
    """Connections of ``engine``'s pool in use (0 for pools that keep none, e.g. NullPool)."""
    counter = getattr(engine.pool, "checkedout", None)
    return int(counter()) if callable(counter) else 0


def probed_metrics(engine: AsyncEngine, uow: UnitOfWorkFactory, queue: CreationQueue) -> Metrics:
    metrics = Metrics()

    async def queue_depth() -> None:
        for status, count in (await queue.depth()).items():
            metrics.queue_depth.labels(status.value).set(count)

    async def pool_in_use() -> None:
        metrics.db_pool_in_use.labels("main").set(checked_out(engine.sync_engine))
        if uow.reads is not None:  # SQLite's inline reads (core/storage/uow.py), idle ones kept
            in_use = checked_out(uow.reads.engine) - uow.reads.idle
            metrics.db_pool_in_use.labels("read").set(in_use)

    metrics.add_probe(pool_in_use)
    metrics.add_probe(queue_depth)
    return metrics
