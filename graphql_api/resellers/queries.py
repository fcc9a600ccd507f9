"""Root query fields of the resellers context: ``me``, the accounts a reseller onboarded, and
``node(id:)`` for an ``OnboardedAccount``."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from core.resellers.search import onboarded_relevance
from core.shared.errors import NotFound
from core.shared.search import has_search, parse_search
from graphql_api.context import Context
from graphql_api.relay import (
    decode_search_cursor,
    encode_search_cursor,
    local_id,
    page_info,
    register_node,
    window,
)
from graphql_api.resellers import types as t
from graphql_api.resellers.inputs import OnboardedAccountFilter

GqlInfo = Info[Context, None]
CURSOR_KIND = "oa"


async def _fetch_node(info: GqlInfo, global_id: str) -> t.OnboardedAccount:
    caller = await info.context.principal()
    account_id = local_id(global_id, t.TYPE_NAME)
    resellers = info.context.services.resellers
    if not resellers.is_reseller(caller):
        # ``node`` answers null for what the caller cannot see, never "forbidden".
        raise NotFound(t.TYPE_NAME, account_id)
    return t.OnboardedAccount.from_entity(await resellers.get(caller, account_id))


register_node(t.TYPE_NAME, _fetch_node)


@strawberry.type
class ResellerQuery:
    @strawberry.field(description="Who is calling: the account, and the user when there is one.")
    async def me(self, info: GqlInfo) -> t.Me:
        caller = await info.context.principal()
        user = await info.context.services.accounts.current_user(caller)
        return t.Me(
            account=t.CurrentAccount.from_entity(caller.account),
            user=t.CurrentUser.from_entity(user) if user is not None else None,
        )

    @strawberry.field(
        description="Accounts the calling reseller onboarded (resellers only), in id order or "
        "by relevance when searching: `first`/`after` forward, or `last`/`before` backward "
        "(not both)."
    )
    async def onboarded_accounts(
        self,
        info: GqlInfo,
        first: int = 20,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
        filter: OnboardedAccountFilter | None = None,
        search: Annotated[
            str | None,
            strawberry.argument(
                description="Words a person would type, in any order: RUC, company name, "
                "e-mail, phone digits. Case- and accent-insensitive; each word matches the "
                "start of a word. At most 200 characters and 8 words. Results come by "
                "relevance: exact RUC, e-mail, phone or company name; then company names "
                "starting with the search; then the rest (ties by id). A cursor taken with a "
                "search pages only with a search."
            ),
        ] = None,
    ) -> t.OnboardedAccountConnection:
        caller = await info.context.principal()
        want = window(info, first, after, last, before)
        filters = (filter or OnboardedAccountFilter()).to_core(search)
        tier, bound = (0, None)
        if want.cursor is not None:
            searching = has_search(filters.search)
            tier, bound = decode_search_cursor(want.cursor, CURSOR_KIND, searching, want.field)
        page = await info.context.services.resellers.page(
            caller,
            filters,
            first=want.size,
            after_id=bound,
            backward=want.backward,
            after_tier=tier,
        )
        query = parse_search(filters.search)
        edges = [
            t.OnboardedAccountEdge(
                cursor=encode_search_cursor(
                    CURSOR_KIND, a.account_id, onboarded_relevance(a, query) if query else None
                ),
                node=t.OnboardedAccount.from_entity(a),
            )
            for a in page.items
        ]
        return t.OnboardedAccountConnection(
            edges=edges,
            page_info=page_info(
                [e.cursor for e in edges], has_next=page.has_next, has_previous=page.has_previous
            ),
            total_count=page.total,
        )

    @strawberry.field(description="One onboarded account; null when it is not yours.")
    async def onboarded_account(
        self, info: GqlInfo, id: strawberry.ID
    ) -> t.OnboardedAccount | None:
        caller = await info.context.principal()
        account_id = local_id(id, t.TYPE_NAME)
        try:
            found = await info.context.services.resellers.get(caller, account_id)
        except NotFound:
            return None
        return t.OnboardedAccount.from_entity(found)
