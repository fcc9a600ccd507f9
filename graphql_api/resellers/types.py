"""GraphQL types of the resellers context: onboarded accounts and their settings, onboarding
payloads, ``me``.

Secrets: generated passwords appear only in ``onboardClients``'s answer for new accounts; the
OSE password is write-only (``hasExternalOsePassword`` tells whether one is stored).
"""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry.types import Info

from core.accounts.model import Account, User
from core.history.model import EntityType
from core.resellers import model as m
from graphql_api.context import Context
from graphql_api.errors import UserError, UserErrorCode
from graphql_api.history import loaders as history_loaders
from graphql_api.history.types import ChangeEventConnection
from graphql_api.relay import Node, PageInfo, to_global_id
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

    @strawberry.field(
        description="Changes of this account, newest first (its e-invoicing settings and "
        "credentials too): who, through which face, when, what. `first` at most 100."
    )
    async def history(
        self, info: Info[Context, None], first: int = 20, after: str | None = None
    ) -> ChangeEventConnection:
        return await history_loaders.history(
            info, EntityType.ONBOARDED_ACCOUNT, self.database_id, first, after
        )

    @classmethod
    def from_entity(cls, a: m.OnboardedAccount) -> OnboardedAccount:
        return cls(
            id=to_global_id(TYPE_NAME, a.account_id),
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

    @strawberry.field(description="The page's accounts, without cursors.")
    def nodes(self) -> list[OnboardedAccount]:
        return [edge.node for edge in self.edges]


@strawberry.type(description="A generated username and password, shown only in this answer.")
class GeneratedCredentials:
    username: str
    password: str

    @classmethod
    def from_entity(cls, c: m.Credentials) -> GeneratedCredentials:
        return cls(username=c.username, password=c.password)


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

    @classmethod
    def from_entity(cls, c: m.CreatedClient) -> OnboardedClientCreated:
        return cls(
            account_id=to_global_id(TYPE_NAME, c.account_id),
            ruc=c.ruc,
            company_name=c.company_name,
            access_api=GeneratedCredentials.from_entity(c.access_api),
            access_web=GeneratedCredentials.from_entity(c.access_web),
        )


@strawberry.type(description="An existing account whose settings the batch overwrote.")
class OnboardedClientUpdated:
    account_id: strawberry.ID
    ruc: str
    company_name: str

    @classmethod
    def from_entity(cls, u: m.UpdatedClient) -> OnboardedClientUpdated:
        return cls(
            account_id=to_global_id(TYPE_NAME, u.account_id), ruc=u.ruc, company_name=u.company_name
        )


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

    @classmethod
    def from_entity(cls, account: Account) -> CurrentAccount:
        return cls(
            id=to_global_id(ACCOUNT_TYPE, account.id),
            database_id=account.id,
            name=account.name,
            country=account.country,
            is_reseller=account.is_reseller,
        )


@strawberry.type(description="The signed-in user (API user over Basic, or web user).")
class CurrentUser:
    id: strawberry.ID
    username: str
    kind: UserKind

    @classmethod
    def from_entity(cls, user: User) -> CurrentUser:
        return cls(
            id=to_global_id(USER_TYPE, user.id),
            username=user.username,
            kind=UserKind(user.kind.value),
        )


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
