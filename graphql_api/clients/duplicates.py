"""``duplicateClients``: groups of the account's clients sharing a key, one reason at a time,
as a connection paged by key (``possibleDuplicates`` on ``Client`` lists one client's)."""

from __future__ import annotations

import asyncio

import strawberry
from strawberry.types import Info

from core.clients import duplicate_keys
from core.clients import model as m
from core.shared.errors import InvalidInput
from graphql_api.clients import build
from graphql_api.clients.client import Client, DuplicateReason
from graphql_api.context import Context
from graphql_api.relay import PageInfo, decode_cursor, encode_cursor, page_info

GqlInfo = Info[Context, None]
_CURSOR = "dup"


@strawberry.type(description="Clients of the account sharing one key.")
class DuplicateGroup:
    reason: DuplicateReason
    key: str = strawberry.field(
        description="The key they share, normalised (name and city: `name|city`)."
    )
    size: int = strawberry.field(description="How many clients hold it.")
    entities: strawberry.Private[list[m.Client]]

    @strawberry.field(
        description=f"The first {duplicate_keys.MAX_GROUP_MEMBERS} of them, in id order."
    )
    async def clients(self, info: GqlInfo) -> list[Client]:
        selections = info.selected_fields[0].selections
        # Concurrently, so the loaders batch every group's clients of the page together.
        return list(
            await asyncio.gather(*(build.build_one(info, c, selections) for c in self.entities))
        )


@strawberry.type
class DuplicateGroupEdge:
    cursor: str
    node: DuplicateGroup


@strawberry.type(description="A page of duplicate groups, in key order.")
class DuplicateGroupConnection:
    edges: list[DuplicateGroupEdge]
    nodes: list[DuplicateGroup]
    page_info: PageInfo


def _after(cursor: str | None, reason: DuplicateReason) -> str | None:
    if cursor is None:
        return None
    kind, found, key = decode_cursor(cursor, 3)
    if kind != _CURSOR or found != reason.value or not isinstance(key, str) or not key:
        raise InvalidInput.single("after", "not a valid cursor", "INVALID")
    return key


@strawberry.type
class DuplicateQuery:
    @strawberry.field(
        description="Groups of the account's clients that may be the same customer: clients "
        "sharing the key of `reason`, groups in key order (at most "
        f"{duplicate_keys.MAX_GROUP_PAGE} per page). Merged clients are never listed."
    )
    async def duplicate_clients(
        self,
        info: GqlInfo,
        reason: DuplicateReason = DuplicateReason.TAX_ID,
        first: int = 10,
        after: str | None = None,
    ) -> DuplicateGroupConnection:
        caller = await info.context.principal()
        core_reason = m.DuplicateReason(reason.value)
        groups, more = await info.context.services.clients.duplicate_groups(
            caller, core_reason, first, _after(after, reason)
        )
        nodes = [
            DuplicateGroup(reason=reason, key=g.key, size=g.size, entities=g.clients)
            for g in groups
        ]
        edges = [
            DuplicateGroupEdge(cursor=encode_cursor([_CURSOR, reason.value, n.key]), node=n)
            for n in nodes
        ]
        return DuplicateGroupConnection(
            edges=edges,
            nodes=nodes,
            page_info=page_info(
                [e.cursor for e in edges], has_next=more, has_previous=after is not None
            ),
        )
