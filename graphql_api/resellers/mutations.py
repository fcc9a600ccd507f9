"""Root mutation fields of the resellers context: onboarding a batch, editing an onboarded
account's settings, and a web user changing its credentials. Each runs through ``attempt``:
expected failures come back as ``userErrors``."""

from __future__ import annotations

import strawberry
from strawberry.types import Info

from core.resellers.errors import BatchInvalid
from core.resellers.model import BatchResult, ItemError
from core.shared.errors import FieldError
from graphql_api.context import Context
from graphql_api.errors import UserError, UserErrorCode, attempt, user_error
from graphql_api.relay import local_id
from graphql_api.resellers import types as t
from graphql_api.resellers.inputs import (
    ChangeCredentialsInput,
    OnboardClientInput,
    OnboardedAccountInput,
)

GqlInfo = Info[Context, None]
# The service says "account N not found"; this field has always said it without the id.
ACCOUNT_NOT_FOUND = UserError(
    field=["id"], message="account not found", code=UserErrorCode.NOT_FOUND
)


def _item_error(e: ItemError) -> t.BatchUserError:
    error = user_error(FieldError(f"{e.index}.{e.field}", e.message, e.code))
    return t.BatchUserError(
        index=e.index, ruc=e.ruc, field=error.field, message=error.message, code=error.code
    )


def _batch_error(e: UserError) -> t.BatchUserError:
    """An error of the whole batch (not a reseller, empty, too large, lost every replay)."""
    return t.BatchUserError(
        index=None, ruc=None, field=e.field or ["input"], message=e.message, code=e.code
    )


@strawberry.type
class ResellerMutation:
    @strawberry.mutation(
        description="Create or overwrite, by RUC, a batch of accounts: all items or none."
    )
    async def onboard_clients(
        self, info: GqlInfo, input: list[OnboardClientInput]
    ) -> t.OnboardClientsPayload:
        caller = await info.context.principal()
        items = [i.to_core() for i in input]
        resellers = info.context.services.resellers

        async def run() -> BatchResult | BatchInvalid:
            # Item errors have their own shape (index, ruc): they come back as a value.
            try:
                return await resellers.onboard(caller, items)
            except BatchInvalid as exc:
                return exc

        outcome, errors = await attempt(run)
        if isinstance(outcome, BatchResult):
            return t.OnboardClientsPayload(
                created_clients=[t.OnboardedClientCreated.from_entity(c) for c in outcome.created],
                updated_clients=[t.OnboardedClientUpdated.from_entity(u) for u in outcome.updated],
                user_errors=[],
            )
        if isinstance(outcome, BatchInvalid):
            refused = [_item_error(e) for e in outcome.errors]
        else:
            refused = [_batch_error(e) for e in errors]
        return t.OnboardClientsPayload(created_clients=[], updated_clients=[], user_errors=refused)

    @strawberry.mutation(description="Change some settings of one account you onboarded.")
    async def update_onboarded_account(
        self, info: GqlInfo, id: strawberry.ID, input: OnboardedAccountInput
    ) -> t.UpdateOnboardedAccountPayload:
        caller = await info.context.principal()
        resellers = info.context.services.resellers
        changes = input.to_core()
        updated, errors = await attempt(
            lambda: resellers.update_settings(caller, local_id(id, t.TYPE_NAME), changes)
        )
        return t.UpdateOnboardedAccountPayload(
            account=t.OnboardedAccount.from_entity(updated) if updated is not None else None,
            user_errors=[
                ACCOUNT_NOT_FOUND if e.code is UserErrorCode.NOT_FOUND else e for e in errors
            ],
        )

    @strawberry.mutation(
        description="A signed-in web user changes its username and/or password. Needs the "
        "current password; the old credentials and every session stop working at once."
    )
    async def change_credentials(
        self, info: GqlInfo, input: ChangeCredentialsInput
    ) -> t.ChangeCredentialsPayload:
        caller = await info.context.principal()
        user, errors = await attempt(
            lambda: info.context.services.accounts.change_credentials(
                caller,
                input.current_password,
                new_username=input.new_username,
                new_password=input.new_password,
            )
        )
        return t.ChangeCredentialsPayload(
            user=t.CurrentUser.from_entity(user) if user is not None else None,
            user_errors=errors,
        )
