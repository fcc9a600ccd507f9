"""A subject's ``history`` field, loaded for every subject of a page in one statement."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from strawberry.types import Info

from core.history.model import EntityType
from core.history.service import EventPage
from graphql_api.context import Context, LoaderKey
from graphql_api.history.types import ChangeEventConnection, event_connection
from graphql_api.relay import decode_id_cursor

GqlInfo = Info[Context, None]
CURSOR_KIND = "hist"
HISTORY: LoaderKey[tuple[EntityType, int, int, int | None], EventPage] = LoaderKey("history")
_EMPTY = EventPage(items=[], has_next=False)


async def history(
    info: GqlInfo, subject_type: EntityType, subject_id: int, first: int, after: str | None
) -> ChangeEventConnection:
    """A subject's changes, newest first; every subject of the page asking with the same
    arguments is read in the same statement."""
    before = None if after is None else decode_id_cursor(after, CURSOR_KIND)

    async def load(keys: list[tuple[EntityType, int, int, int | None]]) -> list[Any]:
        groups: dict[tuple[EntityType, int, int | None], list[int]] = {}
        for kind, sid, size, position in keys:
            groups.setdefault((kind, size, position), []).append(sid)
        caller = await info.context.principal()
        found: dict[tuple[EntityType, int, int | None], dict[int, EventPage]] = {}
        for (kind, size, position), ids in groups.items():
            found[kind, size, position] = await info.context.services.history.histories(
                caller, kind, ids, first=size, before_position=position
            )
        return [found[k, size, p].get(sid, _EMPTY) for k, sid, size, p in keys]

    loader = info.context.loader(HISTORY, load)
    page: Awaitable[EventPage] = loader.load((subject_type, subject_id, first, before))
    got = await page
    return event_connection(
        CURSOR_KIND, list(got.items), has_next=got.has_next, has_previous=before is not None
    )
