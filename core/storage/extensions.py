"""PostgreSQL extensions the migrations need, created with a clear error when they cannot be."""

from __future__ import annotations

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError


class ExtensionUnavailable(RuntimeError):
    """``migrate`` could not create a PostgreSQL extension it needs."""


def require_extension(conn: Connection, name: str, why: str) -> None:
    """``CREATE EXTENSION IF NOT EXISTS name`` in a savepoint, or :class:`ExtensionUnavailable`
    naming the extension, what it is for and how to fix it (the driver's message attached)."""
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not an extension name: {name!r}")
    try:
        with conn.begin_nested():
            conn.execute(text(f'CREATE EXTENSION IF NOT EXISTS "{name}"'))
    except DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise ExtensionUnavailable(
            f"migrate needs the PostgreSQL extension {name!r} ({why}) and could not create it: "
            f"{reason}. Install it on the server (package postgresql-contrib) and run "
            f"'CREATE EXTENSION {name};' in this database as a superuser (or a user with "
            "CREATE on it), then run 'clientgate migrate' again."
        ) from exc
