"""Filling stored key columns of existing rows, for migrations that add them: the keys come
from the same Python functions that keep them on every write, so old and new rows agree."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import sqlalchemy as sa
from alembic import op

BATCH = 2000

Keys = Callable[[Mapping[str, Any]], Mapping[str, object]]


def backfill(table: str, key: str, sources: list[str], targets: list[str], keys: Keys) -> None:
    """Sets ``targets`` of every row of ``table`` to ``keys(row's sources)``, ``BATCH`` rows
    at a time in ``key`` order (one UPDATE executemany per batch)."""
    conn = op.get_bind()
    t = sa.table(table, sa.column(key), *(sa.column(c) for c in {*sources, *targets}))
    last: Any = None
    while True:
        query = sa.select(t.c[key], *(t.c[c] for c in sources)).order_by(t.c[key]).limit(BATCH)
        if last is not None:
            query = query.where(t.c[key] > last)
        rows = conn.execute(query).all()
        if not rows:
            return
        updates = [{"b_key": row[0], **keys(dict(row._mapping))} for row in rows]
        conn.execute(
            sa.update(t)
            .where(t.c[key] == sa.bindparam("b_key"))
            .values({c: sa.bindparam(c) for c in targets}),
            updates,
        )
        last = rows[-1][0]
