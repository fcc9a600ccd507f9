"""The ``changes`` subscription: the change feed pushed as it commits (``ChangeFollower``:
woken by the notification bus, from any instance on PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from graphql_api.context import Context
from graphql_api.history import types as t
from graphql_api.history.queries import FEED_CURSOR
from graphql_api.relay import decode_id_cursor, encode_cursor

GqlInfo = Info[Context, None]


@strawberry.type
class HistorySubscription:
    @strawberry.subscription(
        description="The calling account's changes pushed as they commit, in commit order "
        "(`types`: of those subjects only). Without `after`, from now on; with a cursor of "
        "`changes` (or an edge's `cursor` pushed here), from there: a reader that reconnects "
        "with its last cursor misses nothing and sees nothing twice."
    )
    async def changes(
        self,
        info: GqlInfo,
        after: str | None = None,
        types: list[t.ChangeEntityType] | None = None,  # type: ignore[valid-type]
    ) -> AsyncGenerator[t.ChangeEventEdge, None]:
        caller = await info.context.principal()
        position = None if after is None else decode_id_cursor(after, FEED_CURSOR)
        feed = info.context.services.feed.follow(
            caller, after_position=position, types=None if types is None else frozenset(types)
        )
        async for event in feed:
            node = t.ChangeEvent.from_entity(event)
            yield t.ChangeEventEdge(cursor=encode_cursor([FEED_CURSOR, event.position]), node=node)
