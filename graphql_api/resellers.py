"""GraphQL of the resellers context: onboarding batches, the accounts a reseller onboarded and
their e-invoicing settings, ``me``, and a web user changing its credentials.

Secrets: generated passwords appear only in ``onboardClients``'s answer for new accounts; the
OSE password is write-only (``hasExternalOsePassword`` tells whether one is stored).
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Any

import strawberry
from strawberry.types import Info

from core.accounts.model import PrincipalKind
from core.resellers import model as m
from core.resellers.errors import BatchInvalid, BatchTooLarge, EmptyBatch
from core.shared.errors import Conflict, DomainError, NotFound, PermissionDenied
from graphql_api.context import Context
from graphql_api.errors import UserError, UserErrorCode, graphql_name, user_errors
from graphql_api.relay import (
    Node,
    PageInfo,
    decode_id_cursor,
    encode_cursor,
    local_id,
    page_info,
    register_node,
    to_global_id,
)
from graphql_api.scalars import utc_datetime

TYPE_NAME = "OnboardedAccount"
ACCOUNT_TYPE = "Account"
USER_TYPE = "User"


@strawberry.enum(description="Who validates the account's e-invoices.")
class ValidatorEntity(Enum):
    SUNAT = 0
    OSE_GIOR = 1
    OSE_EFACT = 2
    OSE_NUBEFACT = 3


@strawberry.enum(description="The account's integration format.")
class IntegrationType(Enum):
    XML = 0
    JSON = 1


@strawberry.enum(description="How a user signs in: API (HTTP Basic) or WEB (login, session).")
class UserKind(Enum):
    API = "api"
    WEB = "web"


# -- types ---------------------------------------------------------------------------------------


@strawberry.type(description="An account onboarded by the calling reseller, with its settings.")
class OnboardedAccount(Node):
    database_id: int = strawberry.field(description="Numeric account id.")
    ruc: str
    company_name: str
    email: str | None
    phone_number: str | None
    mobile_number: str | None
    validator_entity: ValidatorEntity
    external_ose_username: str | None
    has_external_ose_password: bool = strawberry.field(
        description="Whether an OSE password is stored. The password itself is never returned."
    )
    is_ose_validation_only: bool = strawberry.field(
        description="Only meaningful with validatorEntity OSE_GIOR: OSE only (true) or PSE."
    )
    integration_type: IntegrationType
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_entity(cls, a: m.OnboardedAccount) -> OnboardedAccount:
        return cls(
            id=strawberry.ID(to_global_id(TYPE_NAME, a.account_id)),
            database_id=a.account_id,
            ruc=a.ruc,
            company_name=a.company_name,
            email=a.email,
            phone_number=a.phone_number,
            mobile_number=a.mobile_number,
            validator_entity=ValidatorEntity(int(a.validator_entity)),
            external_ose_username=a.external_ose_username,
            has_external_ose_password=a.has_external_ose_password,
            is_ose_validation_only=a.is_ose_validation_only,
            integration_type=IntegrationType(int(a.integration_type)),
            created_at=utc_datetime(a.created_at),
            updated_at=utc_datetime(a.updated_at),
        )


@strawberry.type
class OnboardedAccountEdge:
    cursor: str
    node: OnboardedAccount


@strawberry.type(description="A page of onboarded accounts (Relay connection), in id order.")
class OnboardedAccountConnection:
    edges: list[OnboardedAccountEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(description="Accounts matching the filter.")


@strawberry.type(description="A generated username and password, shown only in this answer.")
class GeneratedCredentials:
    username: str
    password: str


@strawberry.type(description="A new account and its credentials (shown once).")
class OnboardedClientCreated:
    account_id: strawberry.ID = strawberry.field(description="Global id of the onboarded account.")
    ruc: str
    company_name: str
    access_api: GeneratedCredentials = strawberry.field(
        description="API user: username = RUC; HTTP Basic on the account's API paths."
    )
    access_web: GeneratedCredentials = strawberry.field(
        description="Web user: username = RUC + year; POST /auth/login for a session token."
    )


@strawberry.type(description="An existing account whose settings the batch overwrote.")
class OnboardedClientUpdated:
    account_id: strawberry.ID
    ruc: str
    company_name: str


@strawberry.type(description="A batch item (or the whole batch) refused. Nothing was written.")
class BatchUserError:
    index: int | None = strawberry.field(
        description="0-based position of the item in the batch; null for the whole batch."
    )
    ruc: str | None
    field: list[str] | None
    message: str
    code: UserErrorCode


@strawberry.type
class OnboardClientsPayload:
    created_clients: list[OnboardedClientCreated]
    updated_clients: list[OnboardedClientUpdated]
    user_errors: list[BatchUserError]


@strawberry.type
class UpdateOnboardedAccountPayload:
    account: OnboardedAccount | None
    user_errors: list[UserError]


@strawberry.type(description="The account the caller acts for.")
class CurrentAccount:
    id: strawberry.ID
    database_id: int
    name: str
    country: str
    is_reseller: bool


@strawberry.type(description="The signed-in user (API user over Basic, or web user).")
class CurrentUser:
    id: strawberry.ID
    username: str
    kind: UserKind


@strawberry.type(description="Who is calling.")
class Me:
    account: CurrentAccount
    user: CurrentUser | None = strawberry.field(
        description="Null when the caller used an API token rather than a user."
    )


@strawberry.type
class ChangeCredentialsPayload:
    user: CurrentUser | None
    user_errors: list[UserError]


# -- inputs --------------------------------------------------------------------------------------


@strawberry.input(description="One company to onboard (same fields as the REST batch).")
class OnboardClientInput:
    ruc: str
    company_name: str
    validator_entity: ValidatorEntity
    integration_type: IntegrationType
    email: str | None = None
    phone_number: str | None = None
    mobile_number: str | None = None
    external_ose_username: str | None = None
    external_ose_password: str | None = strawberry.field(
        default=None, description="Stored encrypted; required for OSE_EFACT and OSE_NUBEFACT."
    )
    is_ose_validation_only: bool | None = None


@strawberry.input(description="Settings to change; fields left out keep their value.")
class OnboardedAccountInput:
    company_name: str | None = strawberry.UNSET
    email: str | None = strawberry.UNSET
    phone_number: str | None = strawberry.UNSET
    mobile_number: str | None = strawberry.UNSET
    validator_entity: ValidatorEntity | None = strawberry.UNSET
    integration_type: IntegrationType | None = strawberry.UNSET
    external_ose_username: str | None = strawberry.UNSET
    external_ose_password: str | None = strawberry.field(
        default=strawberry.UNSET, description="Left out keeps the stored one; null clears it."
    )
    is_ose_validation_only: bool | None = strawberry.UNSET


@strawberry.input
class OnboardedAccountFilter:
    ruc: str | None = None
    validator_entity: ValidatorEntity | None = None
    created_since: datetime | None = None
    updated_since: datetime | None = None


@strawberry.input
class ChangeCredentialsInput:
    current_password: str
    new_username: str | None = None
    new_password: str | None = None


# -- helpers -------------------------------------------------------------------------------------


def _cursor(account_id: int) -> str:
    return encode_cursor(["oa", account_id])


def _enum_value(value: object) -> object:
    return value.value if isinstance(value, Enum) else value


def _item(value: OnboardClientInput) -> dict[str, Any]:
    return {
        "ruc": value.ruc,
        "company_name": value.company_name,
        "validator_entity": value.validator_entity.value,
        "integration_type": value.integration_type.value,
        "email": value.email,
        "phone_number": value.phone_number,
        "mobile_number": value.mobile_number,
        "external_ose_username": value.external_ose_username,
        "external_ose_password": value.external_ose_password,
        "is_ose_validation_only": value.is_ose_validation_only,
    }


def _batch_error(e: m.ItemError) -> BatchUserError:
    try:
        code = UserErrorCode(e.code)
    except ValueError:
        code = UserErrorCode.INVALID
    return BatchUserError(
        index=e.index,
        ruc=e.ruc,
        field=["input", str(e.index), graphql_name(e.field)],
        message=e.message,
        code=code,
    )


def _whole_batch(message: str, code: UserErrorCode) -> OnboardClientsPayload:
    error = BatchUserError(index=None, ruc=None, field=["input"], message=message, code=code)
    return OnboardClientsPayload(created_clients=[], updated_clients=[], user_errors=[error])


def _current_user(user_id: int, username: str, kind: str) -> CurrentUser:
    return CurrentUser(
        id=strawberry.ID(to_global_id(USER_TYPE, user_id)), username=username, kind=UserKind(kind)
    )


async def _fetch_node(info: Info[Context, None], global_id: str) -> OnboardedAccount:
    principal = await info.context.principal()
    account_id = local_id(global_id, TYPE_NAME)
    if not principal.account.is_reseller:
        # ``node`` answers null for what the caller cannot see, never "forbidden".
        raise NotFound(TYPE_NAME, account_id)
    found = await info.context.services.resellers.get(principal, account_id)
    return OnboardedAccount.from_entity(found)


register_node(TYPE_NAME, _fetch_node)


# -- roots ---------------------------------------------------------------------------------------


@strawberry.type
class ResellerQuery:
    @strawberry.field(description="Who is calling: the account, and the user when there is one.")
    async def me(self, info: Info[Context, None]) -> Me:
        principal = await info.context.principal()
        account = principal.account
        user = None
        if principal.user_id is not None and principal.kind in (
            PrincipalKind.API_USER,
            PrincipalKind.WEB_SESSION,
        ):
            found = await info.context.services.accounts.get_user(
                principal.account_id, principal.user_id
            )
            user = _current_user(found.id, found.username, found.kind.value)
        return Me(
            account=CurrentAccount(
                id=strawberry.ID(to_global_id(ACCOUNT_TYPE, account.id)),
                database_id=account.id,
                name=account.name,
                country=account.country,
                is_reseller=account.is_reseller,
            ),
            user=user,
        )

    @strawberry.field(description="Accounts the calling reseller onboarded (resellers only).")
    async def onboarded_accounts(
        self,
        info: Info[Context, None],
        first: int = 20,
        after: str | None = None,
        filter: OnboardedAccountFilter | None = None,
    ) -> OnboardedAccountConnection:
        principal = await info.context.principal()
        filters = m.OnboardedFilter()
        if filter is not None:
            filters = m.OnboardedFilter(
                ruc=filter.ruc,
                validator_entity=(
                    m.ValidatorEntity(filter.validator_entity.value)
                    if filter.validator_entity is not None
                    else None
                ),
                created_since=(
                    int(filter.created_since.timestamp()) if filter.created_since else None
                ),
                updated_since=(
                    int(filter.updated_since.timestamp()) if filter.updated_since else None
                ),
            )
        after_id = decode_id_cursor(after, "oa") if after is not None else None
        page = await info.context.services.resellers.page(
            principal, filters, first=first, after_id=after_id
        )
        edges = [
            OnboardedAccountEdge(cursor=_cursor(a.account_id), node=OnboardedAccount.from_entity(a))
            for a in page.items
        ]
        return OnboardedAccountConnection(
            edges=edges,
            page_info=page_info(
                [e.cursor for e in edges], has_next=page.has_next, has_previous=after_id is not None
            ),
            total_count=page.total,
        )

    @strawberry.field(description="One onboarded account; null when it is not yours.")
    async def onboarded_account(
        self,
        info: Info[Context, None],
        id: strawberry.ID,
    ) -> OnboardedAccount | None:
        principal = await info.context.principal()
        account_id = local_id(id, TYPE_NAME)
        try:
            found = await info.context.services.resellers.get(principal, account_id)
        except NotFound:
            return None
        return OnboardedAccount.from_entity(found)


@strawberry.type
class ResellerMutation:
    @strawberry.mutation(
        description="Create or overwrite, by RUC, a batch of accounts: all items or none."
    )
    async def onboard_clients(
        self,
        info: Info[Context, None],
        input: list[OnboardClientInput],
    ) -> OnboardClientsPayload:
        principal = await info.context.principal()
        try:
            result = await info.context.services.resellers.onboard(
                principal, [_item(i) for i in input]
            )
        except BatchInvalid as exc:
            return OnboardClientsPayload(
                created_clients=[],
                updated_clients=[],
                user_errors=[_batch_error(e) for e in exc.errors],
            )
        except PermissionDenied as exc:
            return _whole_batch(exc.message, UserErrorCode.FORBIDDEN)
        except EmptyBatch as exc:
            return _whole_batch(exc.message, UserErrorCode.REQUIRED)
        except BatchTooLarge as exc:
            return _whole_batch(exc.message, UserErrorCode.OUT_OF_RANGE)
        except Conflict as exc:
            # Lost the race with concurrent batches several times: nothing written, retry.
            return _whole_batch(exc.message, UserErrorCode.CONFLICT)
        return OnboardClientsPayload(
            created_clients=[
                OnboardedClientCreated(
                    account_id=strawberry.ID(to_global_id(TYPE_NAME, c.account_id)),
                    ruc=c.ruc,
                    company_name=c.company_name,
                    access_api=GeneratedCredentials(
                        username=c.access_api.username, password=c.access_api.password
                    ),
                    access_web=GeneratedCredentials(
                        username=c.access_web.username, password=c.access_web.password
                    ),
                )
                for c in result.created
            ],
            updated_clients=[
                OnboardedClientUpdated(
                    account_id=strawberry.ID(to_global_id(TYPE_NAME, u.account_id)),
                    ruc=u.ruc,
                    company_name=u.company_name,
                )
                for u in result.updated
            ],
            user_errors=[],
        )

    @strawberry.mutation(description="Change some settings of one account you onboarded.")
    async def update_onboarded_account(
        self,
        info: Info[Context, None],
        id: strawberry.ID,
        input: OnboardedAccountInput,
    ) -> UpdateOnboardedAccountPayload:
        principal = await info.context.principal()
        changes = {
            name: _enum_value(value)
            for name, value in vars(input).items()
            if value is not strawberry.UNSET
        }
        try:
            account_id = local_id(id, TYPE_NAME)
            updated = await info.context.services.resellers.update_settings(
                principal, account_id, changes
            )
        except NotFound:
            return UpdateOnboardedAccountPayload(
                account=None,
                user_errors=[
                    UserError(
                        field=["id"], message="account not found", code=UserErrorCode.NOT_FOUND
                    )
                ],
            )
        except DomainError as exc:
            return UpdateOnboardedAccountPayload(account=None, user_errors=user_errors(exc))
        return UpdateOnboardedAccountPayload(
            account=OnboardedAccount.from_entity(updated), user_errors=[]
        )

    @strawberry.mutation(
        description="A signed-in web user changes its username and/or password. Needs the "
        "current password; the old credentials and every session stop working at once."
    )
    async def change_credentials(
        self,
        info: Info[Context, None],
        input: ChangeCredentialsInput,
    ) -> ChangeCredentialsPayload:
        principal = await info.context.principal()
        try:
            user = await info.context.services.accounts.change_credentials(
                principal,
                input.current_password,
                new_username=input.new_username,
                new_password=input.new_password,
            )
        except DomainError as exc:
            return ChangeCredentialsPayload(user=None, user_errors=user_errors(exc))
        return ChangeCredentialsPayload(
            user=_current_user(user.id, user.username, user.kind.value), user_errors=[]
        )


QUERIES = (ResellerQuery,)
MUTATIONS = (ResellerMutation,)
EXTRA_TYPES: tuple[type, ...] = (OnboardedAccount,)
