"""``python -m bench.history_off serve ...``: clientgate with its change recorder made a no-op,
for ``bench.history`` only (the product has no such setting: every write records its change).

Everything else is the same build: the same services, the same statements for the write, the
same diff of old and new values; only the recording (the buffer, the feed position and the
insert of the change rows at commit) is skipped."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncConnection

import core.storage.uow
from clientgate.cli import main
from core.history.model import Author, Change, PendingChange
from core.history.recorder import ChangeBuffer


async def _write_nothing(
    conn: AsyncConnection, pending: Sequence[PendingChange], channel: str
) -> list[int]:
    return []  # no change written, no follower to wake


def _record_nothing(
    self: ChangeBuffer, account_id: int, author: Author, change: Change, at: int
) -> None:
    return None


def switch_off() -> None:
    core.storage.uow.write_pending = _write_nothing  # type: ignore[attr-defined]
    ChangeBuffer.record = _record_nothing  # type: ignore[method-assign]


if __name__ == "__main__":
    switch_off()
    raise SystemExit(main())
