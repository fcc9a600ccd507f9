"""Which database errors a face answers with a retryable 503 (``ServiceUnavailable``) instead
of a 500: timeouts, and the transactions PostgreSQL aborts to break a deadlock or a
serialization conflict."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import DBAPIError

from core.storage.uow import timed_out


class _Orig(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


@pytest.mark.parametrize(
    ("sqlstate", "reason"),
    [
        ("57014", "timed out"),
        ("55P03", "lock timed out"),
        ("40P01", "deadlock"),
        ("40001", "conflicting concurrent write"),
        ("23505", None),  # a unique violation is a bug or a rule, not a retry
    ],
)
def test_retryable_database_errors(sqlstate: str, reason: str | None) -> None:
    found = timed_out(DBAPIError("INSERT ...", {}, _Orig(sqlstate)))
    assert (found is None) if reason is None else (found is not None and reason in found)
