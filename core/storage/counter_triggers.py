"""Exact per-account row counters kept by database triggers (SQLite and PostgreSQL).

A counter row ``(account_id, n)`` holds how many rows of a table belong to the account and
satisfy the table's *counted predicate*. Triggers on the table update it in the statement's own
transaction, whatever path writes (the repositories, a bulk load, a cascade, a future merge), so
the unfiltered count is one indexed read instead of a ``count(*)``.

The DDL is built here from a :class:`CountedRows` description and run by migrations. To change
what is counted (e.g. a merged client leaves the count: ``predicate="merged_into_id IS NULL"``,
``columns=("merged_into_id",)``), a NEW migration calls :func:`drop_triggers` with the old
description, :func:`create_triggers` with the new one, and :func:`backfill` — in that order,
inside its transaction. Keep these functions' output stable: shipped migrations call them.

Concurrency: with :func:`create_triggers` on PostgreSQL each write takes the counter row's lock
until its transaction ends (``INSERT ... ON CONFLICT DO UPDATE`` is safe under concurrent inserts
of a first row), so writers of one account that change the count serialize on that row for the
rest of their transactions — with every round trip to the application in between (under load:
the p99 of concurrent creates, docs/performance.md "Tails"). :func:`create_commit_triggers`
(migration 0009_counts_at_commit) moves that lock into ``COMMIT``: writes add delta rows to an
unlogged side table nobody else sees, and a deferred trigger folds them into the counter
(accounts in id order) while the transaction commits; readers never wait. SQLite has one writer
at a time anyway and keeps :func:`create_triggers`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class CountedRows:
    table: str  # the counted table; it has an ``account_id`` column
    counter_table: str  # (account_id PRIMARY KEY, n BIGINT NOT NULL)
    predicate: str | None = None  # SQL over the row's columns, unqualified; None counts every row
    columns: tuple[str, ...] = ()  # the columns the predicate reads (UPDATE OF them re-counts)

    def holds(self, row: str) -> str:
        """The predicate for ``row`` (``NEW`` or ``OLD``) as SQL."""
        if self.predicate is None:
            return "TRUE"
        text = self.predicate
        for column in self.columns:
            text = _qualify(text, column, row)
        return f"({text})"

    @property
    def update_columns(self) -> str:
        return ", ".join(("account_id", *self.columns))

    def name(self, suffix: str) -> str:
        return f"trg_{self.table}_count_{suffix}"

    @property
    def deltas_table(self) -> str:
        """PostgreSQL, commit-time triggers: this transaction's changes to the counters."""
        return f"{self.counter_table}_deltas"


def _qualify(text: str, column: str, row: str) -> str:
    return re.sub(rf"(?<![\w.]){re.escape(column)}\b", f"{row}.{column}", text)


def _sqlite_add(c: CountedRows, row: str) -> str:
    # INSERT ... SELECT ... WHERE: the WHERE makes the upsert's ON CONFLICT unambiguous.
    return (
        f"INSERT INTO {c.counter_table} (account_id, n) SELECT {row}.account_id, 1 "
        f"WHERE {c.holds(row)} "
        f"ON CONFLICT (account_id) DO UPDATE SET n = n + 1;"
    )


def _sqlite_remove(c: CountedRows, row: str) -> str:
    return (
        f"UPDATE {c.counter_table} SET n = n - 1 "  # noqa: S608 - names from migrations
        f"WHERE account_id = {row}.account_id AND {c.holds(row)};"
    )


def _sqlite(c: CountedRows) -> list[str]:
    return [
        f"CREATE TRIGGER {c.name('ins')} AFTER INSERT ON {c.table} "
        f"BEGIN {_sqlite_add(c, 'NEW')} END",
        f"CREATE TRIGGER {c.name('del')} AFTER DELETE ON {c.table} "
        f"BEGIN {_sqlite_remove(c, 'OLD')} END",
        f"CREATE TRIGGER {c.name('upd')} AFTER UPDATE OF {c.update_columns} ON {c.table} "
        f"BEGIN {_sqlite_remove(c, 'OLD')} {_sqlite_add(c, 'NEW')} END",
    ]


def _where(c: CountedRows) -> str:
    return "" if c.predicate is None else f" WHERE {c.predicate}"


def _postgresql(c: CountedRows) -> list[str]:
    # Inserts and deletes: one trigger per statement over its transition table, so a bulk
    # load (COPY, INSERT ... SELECT) writes each account's counter once. A row trigger would
    # update the same counter row once per row, and PostgreSQL keeps every version of a row a
    # transaction updated: a 40,000-row insert took 30 s, 10,000 took 1.4 s. Updates of the
    # counted columns (rare, one row at a time) stay row triggers: PostgreSQL allows no column
    # list on a trigger with transition tables. Table names and predicates are migrations'
    # constants, never input.
    grouped = f"SELECT account_id, count(*) AS n FROM {{rows}}{_where(c)} GROUP BY account_id"  # noqa: S608
    inserted = f"""
BEGIN
  INSERT INTO {c.counter_table} AS t (account_id, n)
  {grouped.format(rows="new_rows")} ORDER BY account_id
  ON CONFLICT (account_id) DO UPDATE SET n = t.n + EXCLUDED.n;
  RETURN NULL;
END
"""
    deleted = f"""
BEGIN
  UPDATE {c.counter_table} AS t SET n = t.n - d.n
  FROM ({grouped.format(rows="old_rows")}) AS d WHERE t.account_id = d.account_id;
  RETURN NULL;
END
"""  # noqa: S608
    updated = f"""
BEGIN
  IF {c.holds("OLD")} THEN
    UPDATE {c.counter_table} SET n = n - 1 WHERE account_id = OLD.account_id;
  END IF;
  IF {c.holds("NEW")} THEN
    INSERT INTO {c.counter_table} AS t (account_id, n) VALUES (NEW.account_id, 1)
    ON CONFLICT (account_id) DO UPDATE SET n = t.n + 1;
  END IF;
  RETURN NULL;
END
"""  # noqa: S608
    return _pg_triggers(c, inserted, deleted, updated)


def _pg_triggers(c: CountedRows, inserted: str, deleted: str, updated: str) -> list[str]:
    """The three functions and their triggers on the counted table."""
    table = c.table
    return [
        _plpgsql(c.name("fn_ins"), inserted),
        _plpgsql(c.name("fn_del"), deleted),
        _plpgsql(c.name("fn_upd"), updated),
        f"CREATE TRIGGER {c.name('ins')} AFTER INSERT ON {table} "
        f"REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT "
        f"EXECUTE FUNCTION {c.name('fn_ins')}()",
        f"CREATE TRIGGER {c.name('del')} AFTER DELETE ON {table} "
        f"REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT "
        f"EXECUTE FUNCTION {c.name('fn_del')}()",
        f"CREATE TRIGGER {c.name('upd')} AFTER UPDATE OF {c.update_columns} ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {c.name('fn_upd')}()",
    ]


def _plpgsql(name: str, body: str) -> str:
    return f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $body${body}$body$"


def create_triggers(dialect: str, counted: CountedRows) -> list[str]:
    return _sqlite(counted) if dialect == "sqlite" else _postgresql(counted)


def drop_triggers(dialect: str, counted: CountedRows) -> list[str]:
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {counted.name(s)}" for s in ("ins", "del", "upd")]
    triggers = [
        f"DROP TRIGGER IF EXISTS {counted.name(s)} ON {counted.table}"
        for s in ("ins", "del", "upd")
    ]
    return triggers + [
        f"DROP FUNCTION IF EXISTS {counted.name(f)}()" for f in ("fn_ins", "fn_del", "fn_upd")
    ]


def backfill(counted: CountedRows) -> list[str]:
    """Recount every account from the table (run with the triggers in place, in the same
    transaction: on PostgreSQL take ``lock_table`` first so no write slips between)."""
    where = _where(counted)
    return [
        f"DELETE FROM {counted.counter_table}",  # noqa: S608 - names from migrations
        f"INSERT INTO {counted.counter_table} (account_id, n) "  # noqa: S608
        f"SELECT account_id, count(*) FROM {counted.table}{where} GROUP BY account_id",
    ]


def lock_table(dialect: str, counted: CountedRows) -> list[str]:
    """Writers wait while the counter is rebuilt (PostgreSQL; SQLite has one writer)."""
    if dialect == "sqlite":
        return []
    return [f"LOCK TABLE {counted.table} IN SHARE ROW EXCLUSIVE MODE"]


# PostgreSQL, commit-time folding (create_commit_triggers). The deltas table is UNLOGGED (no
# WAL: its rows never outlive their transaction) and has no index: the fold reads and deletes
# only its own transaction's rows, the only ones it can see (others' are uncommitted, then
# deleted before they commit).


def _commit_time(c: CountedRows) -> list[str]:
    grouped = f"SELECT account_id, {{sign}}count(*) FROM {{rows}}{_where(c)} GROUP BY account_id"  # noqa: S608
    inserted = f"""
BEGIN
  INSERT INTO {c.deltas_table} (account_id, n) {grouped.format(sign="", rows="new_rows")};
  RETURN NULL;
END
"""
    deleted = f"""
BEGIN
  INSERT INTO {c.deltas_table} (account_id, n) {grouped.format(sign="-", rows="old_rows")};
  RETURN NULL;
END
"""
    updated = f"""
BEGIN
  IF {c.holds("OLD")} THEN
    INSERT INTO {c.deltas_table} (account_id, n) VALUES (OLD.account_id, -1);
  END IF;
  IF {c.holds("NEW")} THEN
    INSERT INTO {c.deltas_table} (account_id, n) VALUES (NEW.account_id, 1);
  END IF;
  RETURN NULL;
END
"""  # noqa: S608
    # The first fold of a transaction folds all its deltas (the later ones find none). An
    # account deleted in the same transaction has no counter to keep (its row cascaded away).
    fold = f"""
BEGIN
  INSERT INTO {c.counter_table} AS t (account_id, n)
  SELECT d.account_id, sum(d.n) FROM {c.deltas_table} AS d
  WHERE EXISTS (SELECT 1 FROM accounts AS a WHERE a.id = d.account_id)
  GROUP BY d.account_id ORDER BY d.account_id
  ON CONFLICT (account_id) DO UPDATE SET n = t.n + EXCLUDED.n;
  DELETE FROM {c.deltas_table};
  RETURN NULL;
END
"""  # noqa: S608
    return [
        f"CREATE UNLOGGED TABLE {c.deltas_table} (account_id BIGINT NOT NULL, n BIGINT NOT NULL)",
        *_pg_triggers(c, inserted, deleted, updated),
        _plpgsql(c.name("fn_fold"), fold),
        f"CREATE CONSTRAINT TRIGGER {c.name('fold')} AFTER INSERT ON {c.deltas_table} "
        f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {c.name('fn_fold')}()",
    ]


def create_commit_triggers(dialect: str, counted: CountedRows) -> list[str]:
    """PostgreSQL: the counter changes while the writing transaction commits (see the module's
    docstring); SQLite: :func:`create_triggers`."""
    return create_triggers(dialect, counted) if dialect == "sqlite" else _commit_time(counted)


def drop_commit_triggers(dialect: str, counted: CountedRows) -> list[str]:
    if dialect == "sqlite":
        return drop_triggers(dialect, counted)
    return [
        *drop_triggers(dialect, counted),
        f"DROP TABLE IF EXISTS {counted.deltas_table}",  # its fold trigger goes with it
        f"DROP FUNCTION IF EXISTS {counted.name('fn_fold')}()",
    ]
