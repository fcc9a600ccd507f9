"""Root fields of the history: ``auditEvents`` (filtered, newest first) and ``changes``
(the change feed, in commit order)."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from core.history.model import AuditFilter
from core.history.service import MAX_PAGE
from core.shared.errors import InvalidInput
from graphql_api.context import Context
from graphql_api.history import types as t
from graphql_api.relay import decode_id_cursor

GqlInfo = Info[Context, None]
AUDIT_CURSOR = "audit"
FEED_CURSOR = "feed"


@strawberry.input(description="`auditEvents` filters; each one left out matches any change.")
class AuditEventFilter:
    entity_types: list[t.ChangeEntityType] | None = None  # type: ignore[valid-type]
    actor_kind: t.ActorKind | None = None  # type: ignore[valid-type]
    actor_credential_id: int | None = strawberry.field(
        default=None, description="The API token's (or session's, user's) id."
    )
    face: t.ChangeFace | None = None  # type: ignore[valid-type]
    since: datetime | None = strawberry.field(default=None, description="Inclusive.")
    until: datetime | None = strawberry.field(default=None, description="Exclusive.")

    def to_core(self) -> AuditFilter:
        if self.entity_types is not None and len(self.entity_types) > MAX_PAGE:
            raise InvalidInput.single("entityTypes", "too many types", "OUT_OF_RANGE")
        return AuditFilter(
            entity_types=None if self.entity_types is None else frozenset(self.entity_types),
            actor_kind=self.actor_kind,
            actor_credential_id=self.actor_credential_id,
            face=self.face,
            since=None if self.since is None else int(self.since.timestamp()),
            until=None if self.until is None else int(self.until.timestamp()),
        )


@strawberry.type
class HistoryQuery:
    @strawberry.field(
        description=f"The calling account's recorded changes, newest first (`first` at most "
        f"{MAX_PAGE})."
    )
    async def audit_events(
        self,
        info: GqlInfo,
        first: int = 20,
        after: str | None = None,
        filter: AuditEventFilter | None = None,
    ) -> t.ChangeEventConnection:
        caller = await info.context.principal()
        before = None if after is None else decode_id_cursor(after, AUDIT_CURSOR)
        flt = AuditFilter() if filter is None else filter.to_core()
        page = await info.context.services.history.audit_events(
            caller, flt, first=first, before_position=before
        )
        return t.event_connection(
            AUDIT_CURSOR, list(page.items), has_next=page.has_next, has_previous=before is not None
        )

    @strawberry.field(
        description="The change feed: every change of the calling account (clients, business "
        "partners, onboarded accounts, companies, locations, API tokens) in commit order. "
        "Keep the last `endCursor` and ask again with `after`: a change is never missed and "
        "never seen twice, however many writers commit at once. An empty page keeps the "
        f"cursor you sent. `first` at most {MAX_PAGE}; `types` filters on the subject."
    )
    async def changes(
        self,
        info: GqlInfo,
        first: int = 50,
        after: str | None = None,
        types: list[t.ChangeEntityType] | None = None,  # type: ignore[valid-type]
    ) -> t.ChangeEventConnection:
        caller = await info.context.principal()
        position = 0 if after is None else decode_id_cursor(after, FEED_CURSOR)
        if types is not None and len(types) > MAX_PAGE:
            raise InvalidInput.single("types", "too many types", "OUT_OF_RANGE")
        page = await info.context.services.history.changes(
            caller,
            after_position=position,
            first=first,
            types=None if types is None else frozenset(types),
        )
        connection = t.event_connection(
            FEED_CURSOR, list(page.items), has_next=page.has_next, has_previous=position > 0
        )
        if not connection.edges and after is not None:
            # Nothing new: the reader's cursor stays where it was.
            connection.page_info.start_cursor = connection.page_info.end_cursor = after
        return connection
