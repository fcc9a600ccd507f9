"""API tokens' lifecycle: created with a secret shown once, listed without it, revoked at once.

A caller manages the tokens of its own account (``caller`` first); the operator (the CLI)
names the account. Tokens are stored only as keyed hashes (``SecretHasher``); a revoked or
expired token fails its very next authentication (``AccountService.authenticate_token``), on
every instance, since nothing about a credential is cached between requests.

A token may revoke itself: the request doing it completes, and the next one with that token
is refused. That is the last step of a rotation made with the old token alone.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from core.accounts import rules
from core.accounts.model import ApiToken, NewApiToken, Principal, TokenPage, TokenState
from core.accounts.ports import AccountsUnitOfWork
from core.history import fields as history
from core.history.model import OPERATOR, Action, Author, Change, EntityType
from core.shared.clock import Clock
from core.shared.errors import Conflict, InvalidInput, NotFound
from core.shared.secrets import SecretHasher, new_token

UowFactory = Callable[..., AbstractAsyncContextManager[AccountsUnitOfWork]]

MAX_PAGE = 100
MAX_ACTIVE_TOKENS = 100
"""Per account: a leaked token cannot fill the table, and a list of live tokens stays short."""
_CHUNK = 500


class TokenService:
    def __init__(self, uow: UowFactory, hasher: SecretHasher, clock: Clock) -> None:
        self._uow = uow
        self._hasher = hasher
        self._clock = clock

    def state(self, token: ApiToken) -> TokenState:
        """Whether ``token`` authenticates now."""
        return token.state(self._clock.now())

    # -- for a caller: its own account's tokens -----------------------------------------------

    async def create(
        self, caller: Principal, label: str, *, expires_at: int | None = None
    ) -> NewApiToken:
        """A new token for the caller's account; its secret is in the answer and nowhere else."""
        return await self.issue(
            caller.account_id, label, expires_at=expires_at, author=Author.of(caller)
        )

    async def page(
        self, caller: Principal, *, first: int = 20, after_id: int | None = None
    ) -> TokenPage:
        """The caller's account's tokens (every state), in id order, with the total."""
        if not 1 <= first <= MAX_PAGE:
            raise InvalidInput.single("first", f"must be between 1 and {MAX_PAGE}", "OUT_OF_RANGE")
        async with self._uow(read_only=True) as uow:
            rows = await uow.accounts.tokens_page(caller.account_id, after_id, first + 1)
            total = await uow.accounts.count_tokens(caller.account_id)
        return TokenPage(items=rows[:first], has_next=len(rows) > first, total=total)

    async def get(self, caller: Principal, token_id: int) -> ApiToken:
        """One of the caller's account's tokens; NotFound for any other (another account's
        answers exactly like one that does not exist)."""
        async with self._uow(read_only=True) as uow:
            found = await uow.accounts.get_token(caller.account_id, token_id)
        if found is None:
            raise NotFound("API token", token_id)
        return found

    async def revoke(self, caller: Principal, token_id: int) -> ApiToken:
        """Revoke one of the caller's account's tokens (the one in use too). Revoking a revoked
        token changes nothing and answers it."""
        return await self.revoke_for(caller.account_id, token_id, author=Author.of(caller))

    # -- for the operator (CLI): the account is named -----------------------------------------

    async def issue(
        self,
        account_id: int,
        label: str,
        *,
        expires_at: int | None = None,
        author: Author = OPERATOR,
    ) -> NewApiToken:
        label = rules.checked_label(label)
        now = self._clock.now()
        rules.check_expiry(expires_at, now)
        secret = new_token()
        async with self._uow() as uow:
            if await uow.accounts.get(account_id) is None:
                raise NotFound("account", account_id)
            if await uow.accounts.count_active_tokens(account_id, now) >= MAX_ACTIVE_TOKENS:
                raise Conflict(
                    f"an account holds at most {MAX_ACTIVE_TOKENS} active tokens: revoke some first"
                )
            token = await uow.accounts.add_token(
                account_id, self._hasher.hash(secret), label, now, expires_at
            )
            fields = history.created({"label": label, "expires_at": expires_at, "token": True})
            change = Change(EntityType.API_TOKEN, token.id, Action.CREATE, fields)
            uow.history.record(account_id, author, change, now)
            await uow.commit()
        return NewApiToken(token=token, secret=secret)

    async def list_for(self, account_id: int) -> list[ApiToken]:
        """Every token of the account, in id order (NotFound when there is no such account)."""
        found: list[ApiToken] = []
        async with self._uow(read_only=True) as uow:
            if await uow.accounts.get(account_id) is None:
                raise NotFound("account", account_id)
            while True:
                after = found[-1].id if found else None
                chunk = await uow.accounts.tokens_page(account_id, after, _CHUNK)
                found.extend(chunk)
                if len(chunk) < _CHUNK:
                    return found

    async def revoke_for(
        self, account_id: int, token_id: int, *, author: Author = OPERATOR
    ) -> ApiToken:
        now = self._clock.now()
        async with self._uow() as uow:
            before = await uow.accounts.get_token(account_id, token_id)
            token = await uow.accounts.revoke_token(account_id, token_id, now)
            if before is None or token is None:
                raise NotFound("API token", token_id)
            if before.revoked_at is None:  # revoked by this call (an earlier revocation stays)
                fields = history.changed({"revoked_at": None}, {"revoked_at": now})
                change = Change(EntityType.API_TOKEN, token_id, Action.UPDATE, fields)
                uow.history.record(account_id, author, change, now)
            await uow.commit()
        return token
