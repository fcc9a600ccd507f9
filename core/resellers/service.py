"""Use cases of the resellers context. Each public method is one transaction."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime

from core.accounts.model import Principal, UserKind
from core.accounts.service import AccountService
from core.resellers.errors import BatchInvalid, BatchTooLarge, EmptyBatch, RucTaken
from core.resellers.model import (
    MAX_BATCH,
    BatchResult,
    CreatedClient,
    Credentials,
    ItemError,
    OnboardedAccount,
    OnboardedFilter,
    OnboardedPage,
    OnboardItem,
    SettingsRow,
    UpdatedClient,
)
from core.resellers.ports import ResellersUnitOfWork, SecretBox
from core.resellers.validation import validate_batch, validate_item
from core.shared.clock import Clock
from core.shared.errors import Conflict, FieldError, InvalidInput, NotFound, PermissionDenied

UowFactory = Callable[..., AbstractAsyncContextManager[ResellersUnitOfWork]]

MAX_PAGE = 100
# Racing batches on the same new RUC: the loser's transaction is rolled back and replayed, and
# then sees the winner's row (an update, or another reseller's RUC). Two replays are plenty.
_ATTEMPTS = 3
UPDATABLE = frozenset(
    {
        "company_name",
        "email",
        "phone_number",
        "mobile_number",
        "validator_entity",
        "integration_type",
        "external_ose_username",
        "external_ose_password",
        "is_ose_validation_only",
    }
)


def web_username(ruc: str, now: int) -> str:
    """The web user's name: RUC followed by the year of creation (UTC)."""
    return f"{ruc}{datetime.fromtimestamp(now, UTC).year}"


class ResellerService:
    def __init__(
        self,
        uow: UowFactory,
        accounts: AccountService,
        box: SecretBox,
        clock: Clock,
        max_batch: int = MAX_BATCH,
    ) -> None:
        self._uow = uow
        self._accounts = accounts
        self._box = box
        self._clock = clock
        self.max_batch = max_batch

    @staticmethod
    def _require_reseller(principal: Principal) -> int:
        if not principal.account.is_reseller:
            raise PermissionDenied("only reseller accounts may use the reseller API")
        return principal.account_id

    def _row(self, item: OnboardItem) -> SettingsRow:
        secret = item.external_ose_password
        return SettingsRow(
            ruc=item.ruc,
            company_name=item.company_name,
            email=item.email,
            phone_number=item.phone_number,
            mobile_number=item.mobile_number,
            validator_entity=int(item.validator_entity),
            external_ose_username=item.external_ose_username,
            external_ose_password_enc=self._box.encrypt(secret) if secret is not None else None,
            is_ose_validation_only=item.is_ose_validation_only,
            integration_type=int(item.integration_type),
        )

    # -- onboarding ---------------------------------------------------------------------------

    async def onboard(self, principal: Principal, raw_items: Sequence[object]) -> BatchResult:
        """Create or overwrite, by RUC, the accounts of a batch: all items or none.

        Raises PermissionDenied (not a reseller), EmptyBatch, BatchTooLarge, BatchInvalid.
        """
        reseller_id = self._require_reseller(principal)
        if not raw_items:
            raise EmptyBatch("the batch is empty: send at least one item")
        if len(raw_items) > self.max_batch:
            raise BatchTooLarge(
                f"the batch has {len(raw_items)} items; at most {self.max_batch} are accepted"
            )
        strict = principal.account.strict_tax_ids
        items, errors = validate_batch(raw_items, strict=strict)
        for _ in range(_ATTEMPTS):
            try:
                return await self._apply(reseller_id, strict, items, errors)
            except RucTaken:
                continue
        raise Conflict("the batch kept racing with concurrent batches; send it again")

    async def _apply(
        self,
        reseller_id: int,
        strict: bool,
        items: list[tuple[int, OnboardItem]],
        errors: list[ItemError],
    ) -> BatchResult:
        rucs = [item.ruc for _, item in items]
        async with self._uow() as uow:
            repo = uow.resellers
            elsewhere = await repo.rucs_held_elsewhere(reseller_id, rucs) if rucs else set()
            errors = errors + [
                ItemError(
                    index,
                    item.ruc,
                    "ruc",
                    "RUC is already onboarded by another reseller",
                    "CONFLICT",
                )
                for index, item in items
                if item.ruc in elsewhere
            ]
            if errors:
                raise BatchInvalid(sorted(errors, key=lambda e: e.index))
            own = await repo.own_by_ruc(reseller_id, rucs)
            # Accounts get ids in request order; RUC-keyed rows are written in RUC order, so
            # concurrent batches lock them in the same order (no deadlock).
            new = [p for p in items if p[1].ruc not in own]
            known = sorted((p for p in items if p[1].ruc in own), key=lambda p: p[1].ruc)
            now = self._clock.now()
            created: dict[int, CreatedClient] = {}
            if new:
                ids = await repo.add_accounts(
                    reseller_id, [item.company_name for _, item in new], strict, now
                )
                # The unique RUC is claimed before any user: a racing batch fails here.
                await repo.add_settings(
                    reseller_id,
                    sorted(
                        ((i, self._row(item)) for i, (_, item) in zip(ids, new, strict=True)),
                        key=lambda pair: pair[1].ruc,
                    ),
                    now,
                )
                created, user_errors = await self._create_users(
                    uow, reseller_id, list(zip(ids, new, strict=True)), now
                )
                if user_errors:
                    raise BatchInvalid(user_errors)
            if known:
                await repo.replace_settings(
                    reseller_id,
                    [(own[item.ruc].account_id, self._row(item)) for _, item in known],
                    now,
                )
            await uow.commit()
        by_index = {index: item for index, item in items}
        return BatchResult(
            created=[created[i] for i in sorted(created)],
            updated=[
                UpdatedClient(
                    own[by_index[i].ruc].account_id, by_index[i].ruc, by_index[i].company_name
                )
                for i in sorted(i for i, item in known)
            ],
        )

    async def _create_users(
        self,
        uow: ResellersUnitOfWork,
        reseller_id: int,
        accounts: list[tuple[int, tuple[int, OnboardItem]]],
        now: int,
    ) -> tuple[dict[int, CreatedClient], list[ItemError]]:
        """The API and web user of each new account, all in one statement. If a username is
        taken, creating them one by one finds the item(s) at fault."""
        specs: list[tuple[int, str, UserKind]] = []
        for account_id, (_, item) in accounts:
            specs.append((account_id, item.ruc, UserKind.API))
            specs.append((account_id, web_username(item.ruc, now), UserKind.WEB))
        try:  # a Conflict rolls back only the users' insert (a savepoint), not the batch
            users = await self._accounts.create_users(uow, specs)
        except Conflict:
            return await self._create_users_one_by_one(uow, accounts, now)
        created: dict[int, CreatedClient] = {}
        for n, (account_id, (index, item)) in enumerate(accounts):
            api, web = users[2 * n], users[2 * n + 1]
            created[index] = CreatedClient(
                account_id,
                item.ruc,
                item.company_name,
                Credentials(api.user.username, api.password),
                Credentials(web.user.username, web.password),
            )
        return created, []

    async def _create_users_one_by_one(
        self,
        uow: ResellersUnitOfWork,
        accounts: list[tuple[int, tuple[int, OnboardItem]]],
        now: int,
    ) -> tuple[dict[int, CreatedClient], list[ItemError]]:
        created: dict[int, CreatedClient] = {}
        errors: list[ItemError] = []
        for account_id, (index, item) in accounts:
            try:
                api = await self._accounts.create_user(uow, account_id, item.ruc, UserKind.API)
                web = await self._accounts.create_user(
                    uow, account_id, web_username(item.ruc, now), UserKind.WEB
                )
            except Conflict:
                # A username equal to this RUC (or RUC+year) was chosen by someone else.
                errors.append(
                    ItemError(
                        index,
                        item.ruc,
                        "ruc",
                        "a generated username for this RUC is already in use",
                        "CONFLICT",
                    )
                )
                continue
            created[index] = CreatedClient(
                account_id=account_id,
                ruc=item.ruc,
                company_name=item.company_name,
                access_api=Credentials(api.user.username, api.password),
                access_web=Credentials(web.user.username, web.password),
            )
        return created, errors

    # -- reading and editing ------------------------------------------------------------------

    async def get(self, principal: Principal, account_id: int) -> OnboardedAccount:
        """One account this reseller onboarded; NotFound for any other id."""
        reseller_id = self._require_reseller(principal)
        async with self._uow(read_only=True) as uow:
            found = await uow.resellers.get(reseller_id, account_id)
        if found is None:
            raise NotFound("account", account_id)
        return found

    async def page(
        self,
        principal: Principal,
        filters: OnboardedFilter | None = None,
        *,
        first: int = 20,
        after_id: int | None = None,
    ) -> OnboardedPage:
        """A keyset page of the reseller's onboarded accounts, in id order, with the total."""
        reseller_id = self._require_reseller(principal)
        if not 1 <= first <= MAX_PAGE:
            raise InvalidInput.single("first", f"must be between 1 and {MAX_PAGE}", "OUT_OF_RANGE")
        filters = filters or OnboardedFilter()
        async with self._uow(read_only=True) as uow:
            rows = await uow.resellers.page(reseller_id, filters, after_id, first + 1)
            total = await uow.resellers.count(reseller_id, filters)
        return OnboardedPage(items=rows[:first], has_next=len(rows) > first, total=total)

    async def update_settings(
        self, principal: Principal, account_id: int, changes: Mapping[str, object]
    ) -> OnboardedAccount:
        """Change some settings of one onboarded account. The RUC cannot change. Leaving
        ``external_ose_password`` out keeps the stored one; null clears it."""
        reseller_id = self._require_reseller(principal)
        errors = [
            FieldError(key, "is not a field that can be changed", "UNKNOWN_FIELD")
            for key in changes
            if key not in UPDATABLE
        ]
        if errors:
            raise InvalidInput(errors)
        current = await self.get(principal, account_id)
        merged: dict[str, object] = {
            "ruc": current.ruc,
            "company_name": current.company_name,
            "email": current.email,
            "phone_number": current.phone_number,
            "mobile_number": current.mobile_number,
            "validator_entity": int(current.validator_entity),
            "external_ose_username": current.external_ose_username,
            "is_ose_validation_only": current.is_ose_validation_only,
            "integration_type": int(current.integration_type),
            **changes,
        }
        keep_secret = "external_ose_password" not in changes
        item, item_errors = validate_item(
            0,
            merged,
            strict=False,  # the RUC is not changing and was checked when onboarded
            stored_password=keep_secret and current.has_external_ose_password,
        )
        if item is None:
            raise InvalidInput([FieldError(e.field, e.message, e.code) for e in item_errors])
        row = self._row(item)
        values: dict[str, object] = {
            key: getattr(row, key)
            for key in (
                "company_name",
                "email",
                "phone_number",
                "mobile_number",
                "validator_entity",
                "external_ose_username",
                "is_ose_validation_only",
                "integration_type",
            )
        }
        if not keep_secret:
            values["external_ose_password_enc"] = row.external_ose_password_enc
        async with self._uow() as uow:
            updated = await uow.resellers.update(reseller_id, account_id, values, self._clock.now())
            if updated is None:
                raise NotFound("account", account_id)
            await uow.commit()
        return updated

    async def external_ose_credentials(self, account_id: int) -> tuple[str, str] | None:
        """For the server's own use (sending e-invoices through the account's OSE): the
        account's OSE username and decrypted password, or None when it has none. Never expose
        the result through an API."""
        async with self._uow(read_only=True) as uow:
            found = await uow.resellers.secret_of(account_id)
        if found is None:
            return None
        username, encrypted = found
        if username is None or encrypted is None:
            return None
        return username, self._box.decrypt(encrypted)
