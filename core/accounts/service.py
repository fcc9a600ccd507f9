"""Accounts (tenants), their users and credentials: creating them, resolving credentials to
a ``Principal``, web sessions, and the operator's list and changes of accounts. Methods that
act for a caller take ``caller`` first; the ones that establish who the caller is take
credentials; the operator's (the CLI) name the account; ``create_users`` works inside another
service's unit of work. API tokens' lifecycle is ``core.accounts.tokens``."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import replace

from core.accounts import rules
from core.accounts.last_use import LAST_USED_RESOLUTION, LastUseClaims
from core.accounts.model import (
    Account,
    AccountChanges,
    AccountPage,
    NewAccount,
    NewUser,
    Principal,
    PrincipalKind,
    SecretScheme,
    Session,
    User,
    UserKind,
)
from core.accounts.ports import AccountsUnitOfWork, WithAccounts
from core.history import fields as history
from core.history.model import Action, Author, Change, EntityType
from core.shared.clock import Clock
from core.shared.errors import (
    AuthenticationFailed,
    FieldError,
    InvalidInput,
    NotFound,
    ServiceUnavailable,
)
from core.shared.secrets import PasswordHasher, SecretHasher, new_password, new_token
from core.shared.taxid import SUPPORTED_COUNTRIES

UowFactory = Callable[..., AbstractAsyncContextManager[AccountsUnitOfWork]]

SESSION_PREFIX = "cgs"
_USERNAME = re.compile(r"^[A-Za-z0-9._@+-]{3,100}$")
MIN_PASSWORD = 12
MAX_PASSWORD = 256
MAX_ACCOUNT_PAGE = 1000


class AccountService:
    def __init__(
        self,
        uow: UowFactory,
        hasher: SecretHasher,
        clock: Clock,
        passwords: PasswordHasher | None = None,
        session_ttl: int = 8 * 3600,
    ) -> None:
        self._uow = uow
        self._hasher = hasher
        self._clock = clock
        self._passwords = passwords or PasswordHasher()
        self._session_ttl = session_ttl
        self._last_use = LastUseClaims()

    async def create_account(
        self,
        *,
        name: str,
        country: str,
        is_reseller: bool = False,
        strict_tax_ids: bool = False,
        reseller_account_id: int | None = None,
    ) -> NewAccount:
        name = name.strip()
        country = country.strip().upper()
        errors = rules.account_name_errors(name)
        if country not in SUPPORTED_COUNTRIES:
            errors.append(
                FieldError(
                    "country", f"must be one of {', '.join(SUPPORTED_COUNTRIES)}", "UNSUPPORTED"
                )
            )
        if errors:
            raise InvalidInput(errors)
        token = new_token()
        now = self._clock.now()
        async with self._uow() as uow:
            account = await uow.accounts.add(
                name=name,
                country=country,
                is_reseller=is_reseller,
                strict_tax_ids=strict_tax_ids,
                reseller_account_id=reseller_account_id,
                now=now,
            )
            await uow.accounts.add_token(account.id, self._hasher.hash(token), "default", now)
            await uow.commit()
        return NewAccount(account=account, token=token)

    async def authenticate_token(self, token: str) -> Principal:
        """An API token or a web session token (they differ by prefix). Revoked and expired
        ones fail at once: nothing about a credential is remembered between calls."""
        if not token or len(token) > 256:
            raise AuthenticationFailed("invalid token")
        digest = self._hasher.hash(token)
        now = self._clock.now()
        async with self._uow(read_only=True) as uow:
            if token.startswith(SESSION_PREFIX + "_"):
                session = await uow.accounts.session_principal(digest, now)
                if session is None:
                    raise AuthenticationFailed("invalid or expired session")
                account, session_id, user_id = session
                return Principal(
                    account=account,
                    kind=PrincipalKind.WEB_SESSION,
                    credential_id=session_id,
                    user_id=user_id,
                )
            found = await uow.accounts.account_for_token(digest, now)
        if found is None:
            raise AuthenticationFailed("invalid, revoked or expired token")
        account, token_id, last_used, label = found
        if self._last_use.claim(token_id, last_used, now):
            await self._record_use(account.id, token_id, now)
        return Principal(
            account=account, kind=PrincipalKind.API_TOKEN, credential_id=token_id, label=label
        )

    async def _record_use(self, account_id: int, token_id: int, now: int) -> None:
        """Write a token's last use (the once-a-minute write of ``authenticate_token``)."""
        try:
            async with self._uow() as uow:
                await uow.accounts.touch_token(
                    account_id, token_id, now, now - LAST_USED_RESOLUTION + 1
                )
                await uow.commit()
        except ServiceUnavailable:
            # Bookkeeping, not a check: a token that verified is let through even when the
            # database cannot take this write in time (the next request records the use).
            return

    # -- users --------------------------------------------------------------------------------

    async def _verify(self, user: User, password: str) -> bool:
        if user.secret_scheme is SecretScheme.HMAC:
            return self._hasher.verify(password, user.secret_hash)
        return await asyncio.to_thread(self._passwords.verify, password, user.secret_hash)

    async def create_users(
        self, uow: WithAccounts, specs: Sequence[tuple[int, str, UserKind]]
    ) -> list[NewUser]:
        """Users ``(account id, username, kind)`` with generated passwords, inside the caller's
        unit of work, in one statement. Raises Conflict, creating none, if a username is taken."""
        for _, username, _ in specs:
            if not _USERNAME.match(username):
                raise InvalidInput.single("username", "3-100 letters, digits or ._@+-", "INVALID")
        passwords = [new_password() for _ in specs]
        users = await uow.accounts.add_users(
            [
                (account_id, username, kind, SecretScheme.HMAC, self._hasher.hash(password))
                for (account_id, username, kind), password in zip(specs, passwords, strict=True)
            ],
            self._clock.now(),
        )
        return [NewUser(user, password) for user, password in zip(users, passwords, strict=True)]

    async def create_user(
        self, uow: WithAccounts, account_id: int, username: str, kind: UserKind
    ) -> NewUser:
        """One user with a generated password, inside the caller's unit of work."""
        return (await self.create_users(uow, [(account_id, username, kind)]))[0]

    async def _user_with_password(self, username: str, password: str, kind: UserKind) -> User:
        if not username or not password or len(password) > MAX_PASSWORD:
            raise AuthenticationFailed("invalid username or password")
        async with self._uow(read_only=True) as uow:
            user = await uow.accounts.user_by_username(username)
        if user is None or user.kind is not kind or not await self._verify(user, password):
            raise AuthenticationFailed("invalid username or password")
        return user

    async def authenticate_basic(self, username: str, password: str) -> Principal:
        """HTTP Basic with an account's API user."""
        user = await self._user_with_password(username, password, UserKind.API)
        async with self._uow(read_only=True) as uow:
            account = await uow.accounts.get(user.account_id)
        if account is None:
            raise AuthenticationFailed("invalid username or password")
        return Principal(
            account=account,
            kind=PrincipalKind.API_USER,
            credential_id=user.id,
            user_id=user.id,
            label=user.username,
        )

    async def login(self, username: str, password: str) -> Session:
        """A web user's password for a session token that expires."""
        user = await self._user_with_password(username, password, UserKind.WEB)
        token = new_token(SESSION_PREFIX)
        now = self._clock.now()
        expires = now + self._session_ttl
        async with self._uow() as uow:
            await uow.accounts.add_session(
                user.account_id, user.id, self._hasher.hash(token), now, expires
            )
            await uow.commit()
        return Session(token=token, expires_at=expires)

    async def logout(self, token: str) -> bool:
        async with self._uow() as uow:
            revoked = await uow.accounts.revoke_session(self._hasher.hash(token), self._clock.now())
            await uow.commit()
        return revoked

    async def _get_user(self, account_id: int, user_id: int) -> User:
        async with self._uow(read_only=True) as uow:
            user = await uow.accounts.get_user(account_id, user_id)
        if user is None:
            raise NotFound("user", user_id)
        return user

    async def current_user(self, caller: Principal) -> User | None:
        """The user ``caller`` signed in as (an API user over Basic, or a web user's session);
        None for an API token, which is no user's."""
        if caller.user_id is None or caller.kind not in (
            PrincipalKind.API_USER,
            PrincipalKind.WEB_SESSION,
        ):
            return None
        return await self._get_user(caller.account_id, caller.user_id)

    async def users_of(self, account_id: int) -> list[User]:
        """An account's users (an internal path: no caller)."""
        async with self._uow(read_only=True) as uow:
            return await uow.accounts.users_of(account_id)

    async def change_credentials(
        self,
        caller: Principal,
        current_password: str,
        *,
        new_username: str | None = None,
        new_password: str | None = None,
    ) -> User:
        """A logged-in web user changes its username and/or password. The old ones, and every
        other session of the user, stop working at once."""
        if caller.kind is not PrincipalKind.WEB_SESSION or caller.user_id is None:
            raise InvalidInput.single(
                "user", "only a logged-in web user can do this", "NOT_WEB_USER"
            )
        errors: list[FieldError] = []
        if new_username is None and new_password is None:
            errors.append(FieldError("new_password", "give a new username or password", "REQUIRED"))
        if new_username is not None and not _USERNAME.match(new_username):
            errors.append(FieldError("new_username", "3-100 letters, digits or ._@+-", "INVALID"))
        if new_password is not None and not MIN_PASSWORD <= len(new_password) <= MAX_PASSWORD:
            errors.append(
                FieldError(
                    "new_password",
                    f"must be {MIN_PASSWORD} to {MAX_PASSWORD} characters",
                    "WEAK_PASSWORD",
                )
            )
        if errors:
            raise InvalidInput(errors)
        user = await self._get_user(caller.account_id, caller.user_id)
        if not await self._verify(user, current_password):
            raise InvalidInput.single("current_password", "is not correct", "WRONG_PASSWORD")
        values: dict[str, object] = {}
        if new_username is not None:
            values["username"] = new_username
        if new_password is not None:
            values["secret_scheme"] = SecretScheme.ARGON2.value
            values["secret_hash"] = await asyncio.to_thread(self._passwords.hash, new_password)
        now = self._clock.now()
        async with self._uow() as uow:
            updated = await uow.accounts.update_user(caller.account_id, user.id, values, now)
            if updated is None:
                raise NotFound("user", user.id)
            await uow.accounts.revoke_user_sessions(user.id, now)
            _record_credentials(uow, caller, user, values, now)
            await uow.commit()
        return updated

    async def get(self, account_id: int) -> Account | None:
        """An account by id (an internal path: no caller)."""
        async with self._uow(read_only=True) as uow:
            return await uow.accounts.get(account_id)

    # -- the operator's (CLI): every tenant, no caller ------------------------------------------

    async def page_accounts(self, *, after_id: int | None = None, limit: int = 100) -> AccountPage:
        """Accounts in id order after ``after_id``."""
        if not 1 <= limit <= MAX_ACCOUNT_PAGE:
            raise InvalidInput.single(
                "limit", f"must be between 1 and {MAX_ACCOUNT_PAGE}", "OUT_OF_RANGE"
            )
        async with self._uow(read_only=True) as uow:
            rows = await uow.directory.page(after_id, limit + 1)
        return AccountPage(items=rows[:limit], has_next=len(rows) > limit)

    async def update_account(self, account_id: int, changes: AccountChanges) -> Account:
        """Rename an account, or turn strict tax ids or the reseller flag on or off. An account
        that stops being a reseller keeps the accounts it onboarded, but can no longer onboard
        or list them."""
        if changes.name is not None:
            name = changes.name.strip()
            errors = rules.account_name_errors(name)
            if errors:
                raise InvalidInput(errors)
            changes = replace(changes, name=name)
        if changes.is_empty():
            raise InvalidInput.single("account", "nothing to change", "REQUIRED")
        async with self._uow() as uow:
            updated = await uow.accounts.update(account_id, changes, self._clock.now())
            if updated is None:
                raise NotFound("account", account_id)
            await uow.commit()
        return updated


def _record_credentials(
    uow: AccountsUnitOfWork, caller: Principal, user: User, values: dict[str, object], now: int
) -> None:
    """A user's new username and/or password (only as "changed"), recorded in its account
    and, for an onboarded account, in its reseller's (``OnboardedAccount.history``)."""
    new: dict[str, object] = {}
    if "username" in values:
        new["username"] = values["username"]
    if "secret_hash" in values:
        new["password"] = True  # a secret: recorded only as "changed"
    fields = history.changed({"username": user.username}, new)
    author = Author.of(caller)
    account = caller.account
    change = Change(EntityType.CREDENTIALS, user.id, Action.UPDATE, fields)
    uow.history.record(account.id, author, change, now)
    if account.reseller_account_id is not None:
        onboarded = Change(
            EntityType.CREDENTIALS,
            user.id,
            Action.UPDATE,
            fields,
            EntityType.ONBOARDED_ACCOUNT,
            account.id,
        )
        uow.history.record(account.reseller_account_id, author, onboarded, now)
