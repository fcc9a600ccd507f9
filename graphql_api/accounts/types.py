"""GraphQL types of the accounts context: API tokens and the payloads that change them.

A token's secret appears in exactly one answer, ``createApiToken``'s; no type can show it
again (storage holds only its keyed hash).
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from core.accounts import model as m
from graphql_api.errors import UserError
from graphql_api.relay import Node, PageInfo, to_global_id
from graphql_api.scalars import utc_datetime

TYPE_NAME = "ApiToken"


@strawberry.enum(description="Whether an API token authenticates: only ACTIVE ones do.")
class ApiTokenState(Enum):
    ACTIVE = "active"
    EXPIRED = "expired"
    REVOKED = "revoked"


def _maybe(seconds: int | None) -> datetime | None:
    return utc_datetime(seconds) if seconds is not None else None


@strawberry.type(
    description="An API token of the calling account. Its secret is never shown here: only "
    "`createApiToken` answers it, once."
)
class ApiToken(Node):
    database_id: int = strawberry.field(description="Numeric token id (as the CLI lists it).")
    label: str
    state: ApiTokenState
    current: bool = strawberry.field(
        description="Whether this request authenticated with this token."
    )
    created_at: datetime
    last_used_at: datetime | None = strawberry.field(
        description="When the token last authenticated a request (recorded at most once a "
        "minute); null when it never has."
    )
    expires_at: datetime | None = strawberry.field(
        description="When the token stops authenticating; null when it never expires."
    )
    revoked_at: datetime | None

    @classmethod
    def from_entity(cls, token: m.ApiToken, state: m.TokenState, caller: m.Principal) -> ApiToken:
        return cls(
            id=to_global_id(TYPE_NAME, token.id),
            database_id=token.id,
            label=token.label,
            state=ApiTokenState(state.value),
            current=caller.kind is m.PrincipalKind.API_TOKEN and caller.credential_id == token.id,
            created_at=utc_datetime(token.created_at),
            last_used_at=_maybe(token.last_used_at),
            expires_at=_maybe(token.expires_at),
            revoked_at=_maybe(token.revoked_at),
        )


@strawberry.type
class ApiTokenEdge:
    cursor: str
    node: ApiToken


@strawberry.type(description="A page of API tokens (Relay connection), in id order.")
class ApiTokenConnection:
    edges: list[ApiTokenEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="The account's tokens, in every state.")


@strawberry.type
class CreateApiTokenPayload:
    api_token: ApiToken | None
    secret: str | None = strawberry.field(
        description="The token itself, for `access_token: <secret>` or `Authorization: Bearer "
        "<secret>`. Shown only in this answer: keep it now."
    )
    user_errors: list[UserError]


@strawberry.type
class RevokeApiTokenPayload:
    api_token: ApiToken | None
    user_errors: list[UserError]
