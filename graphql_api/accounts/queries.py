"""Root query fields of the accounts context: ``apiTokens``, and ``node(id:)`` for an
``ApiToken`` (the caller's account's only: another account's answers null)."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from graphql_api.accounts import types as t
from graphql_api.context import Context
from graphql_api.relay import decode_id_cursor, encode_cursor, local_id, page_info, register_node

GqlInfo = Info[Context, None]
CURSOR_KIND = "tok"


async def _fetch_node(info: GqlInfo, global_id: str) -> t.ApiToken:
    caller = await info.context.principal()
    tokens = info.context.services.tokens
    token = await tokens.get(caller, local_id(global_id, t.TYPE_NAME))
    return t.ApiToken.from_entity(token, tokens.state(token), caller)


register_node(t.TYPE_NAME, _fetch_node)


@strawberry.type
class AccountQuery:
    @strawberry.field(
        description="The calling account's API tokens in every state (ACTIVE, EXPIRED, "
        "REVOKED), in id order. Secrets are never shown."
    )
    async def api_tokens(
        self, info: GqlInfo, first: int = 20, after: str | None = None
    ) -> t.ApiTokenConnection:
        caller = await info.context.principal()
        after_id = decode_id_cursor(after, CURSOR_KIND) if after is not None else None
        tokens = info.context.services.tokens
        page = await tokens.page(caller, first=first, after_id=after_id)
        edges = [
            t.ApiTokenEdge(
                cursor=encode_cursor([CURSOR_KIND, token.id]),
                node=t.ApiToken.from_entity(token, tokens.state(token), caller),
            )
            for token in page.items
        ]
        return t.ApiTokenConnection(
            edges=edges,
            page_info=page_info(
                [e.cursor for e in edges], has_next=page.has_next, has_previous=after_id is not None
            ),
            total_count=page.total,
        )
