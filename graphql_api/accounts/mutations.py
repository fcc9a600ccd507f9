"""Root mutation fields of the accounts context: creating an API token (its secret answered
once) and revoking one. Rotating without downtime: create a new token, move the callers to
it, revoke the old one; both authenticate in between. Each runs through ``attempt``."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from graphql_api.accounts import types as t
from graphql_api.accounts.inputs import CreateApiTokenInput
from graphql_api.context import Context
from graphql_api.errors import UserError, UserErrorCode, attempt
from graphql_api.relay import local_id

GqlInfo = Info[Context, None]


def _on_id(error: UserError) -> UserError:
    """A token that is not the caller's account's is NOT_FOUND on the ``id`` argument."""
    if error.code is UserErrorCode.NOT_FOUND:
        return UserError(field=["id"], message="API token not found", code=error.code)
    return error


@strawberry.type
class AccountMutation:
    @strawberry.mutation(
        description="A new API token for the calling account. The answer's `secret` is the "
        "token, shown this once."
    )
    async def create_api_token(
        self, info: GqlInfo, input: CreateApiTokenInput
    ) -> t.CreateApiTokenPayload:
        caller = await info.context.principal()
        tokens = info.context.services.tokens
        created, errors = await attempt(
            lambda: tokens.create(caller, input.label, expires_at=input.expires_at_seconds())
        )
        if created is None:
            return t.CreateApiTokenPayload(api_token=None, secret=None, user_errors=errors)
        return t.CreateApiTokenPayload(
            api_token=t.ApiToken.from_entity(created.token, tokens.state(created.token), caller),
            secret=created.secret,
            user_errors=[],
        )

    @strawberry.mutation(
        description="Revoke one of the calling account's API tokens: it fails from the next "
        "request on, on every instance. The token in use may revoke itself."
    )
    async def revoke_api_token(self, info: GqlInfo, id: strawberry.ID) -> t.RevokeApiTokenPayload:
        caller = await info.context.principal()
        tokens = info.context.services.tokens
        revoked, errors = await attempt(
            lambda: tokens.revoke(caller, local_id(id, t.TYPE_NAME)), root=""
        )
        return t.RevokeApiTokenPayload(
            api_token=(
                t.ApiToken.from_entity(revoked, tokens.state(revoked), caller)
                if revoked is not None
                else None
            ),
            user_errors=[_on_id(e) for e in errors],
        )
