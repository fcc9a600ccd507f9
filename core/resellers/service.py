"""Use cases of the resellers context. Each public method that acts for a caller takes the
``caller`` first, refuses anyone but a reseller (``NotAReseller``, one message for every face)
and is one transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from typing import TypeVar

from core.accounts.model import Principal
from core.accounts.service import AccountService
from core.history.recorder import ChangeLog, record
from core.resellers import rules
from core.resellers.batch import BatchWriter, settings_change, settings_row
from core.resellers.errors import RucTaken
from core.resellers.inputs import KEEP, MISSING, Keep, OnboardInput, SettingsChanges, Unreadable
from core.resellers.model import (
    BatchResult,
    OnboardedAccount,
    OnboardedFilter,
    OnboardedPage,
    OnboardedProjection,
    ProjectedOnboarded,
)
from core.resellers.ports import ResellersUnitOfWork, SecretBox
from core.shared.clock import Clock
from core.shared.errors import Conflict, InvalidInput, NotFound
from core.shared.pagination import keyset_page
from core.shared.search import parse_search

T = TypeVar("T")
UowFactory = Callable[..., AbstractAsyncContextManager[ResellersUnitOfWork]]

MAX_PAGE = 100
# Racing batches on the same new RUC: the loser's transaction is rolled back and replayed, and
# then sees the winner's row (an update, or another reseller's RUC). Two replays are plenty.
_ATTEMPTS = 3
# Settings an edit writes (the RUC never changes; the OSE password only when it is given).
_EDITED = (
    "company_name",
    "email",
    "phone_number",
    "mobile_number",
    "validator_entity",
    "external_ose_username",
    "is_ose_validation_only",
    "integration_type",
)


def _pick(change: T | Keep | None, stored: T | None) -> T | None:
    return stored if isinstance(change, Keep) else change


def _required(value: T | None) -> T | Unreadable:
    return MISSING if value is None else value


def edited_input(current: OnboardedAccount, changes: SettingsChanges) -> OnboardInput:
    """The account's settings with ``changes`` applied, as an item the rules can check: a
    required value cleared is reported missing; the OSE password is only a new one."""
    password = changes.external_ose_password
    return OnboardInput(
        ruc=current.ruc,
        company_name=_required(_pick(changes.company_name, current.company_name)),
        validator_entity=_required(_pick(changes.validator_entity, current.validator_entity)),
        integration_type=_required(_pick(changes.integration_type, current.integration_type)),
        email=_pick(changes.email, current.email),
        phone_number=_pick(changes.phone_number, current.phone_number),
        mobile_number=_pick(changes.mobile_number, current.mobile_number),
        external_ose_username=_pick(changes.external_ose_username, current.external_ose_username),
        external_ose_password=None if isinstance(password, Keep) else password,
        is_ose_validation_only=_pick(
            changes.is_ose_validation_only, current.is_ose_validation_only
        ),
    )


def _checked_page(
    caller: Principal, filters: OnboardedFilter | None, first: int, backward: bool
) -> tuple[int, OnboardedFilter]:
    """The reseller's id and the filters of a page, once its size and search are checked."""
    reseller_id = rules.require_reseller(caller)
    if not 1 <= first <= MAX_PAGE:
        field = "last" if backward else "first"
        raise InvalidInput.single(field, f"must be between 1 and {MAX_PAGE}", "OUT_OF_RANGE")
    filters = filters or OnboardedFilter()
    parse_search(filters.search)  # refuses a search out of bounds
    return reseller_id, filters


class ResellerService:
    def __init__(
        self,
        uow: UowFactory,
        accounts: AccountService,
        box: SecretBox,
        clock: Clock,
        max_batch: int = rules.MAX_BATCH,
    ) -> None:
        self._uow = uow
        self._accounts = accounts
        self._box = box
        self._clock = clock
        self.max_batch = max_batch

    # -- access ---------------------------------------------------------------------------------

    def is_reseller(self, caller: Principal) -> bool:
        """Whether ``caller`` may use this context (e.g. to answer "nothing" rather than
        "forbidden" where a face must)."""
        return rules.is_reseller(caller)

    def require_reseller(self, caller: Principal) -> None:
        """NotAReseller unless ``caller`` is a reseller. Every use case checks it; a face that
        must refuse before reading a body calls it first."""
        rules.require_reseller(caller)

    # -- onboarding -----------------------------------------------------------------------------

    async def onboard(
        self, caller: Principal, items: Sequence[OnboardInput | Unreadable]
    ) -> BatchResult:
        """Create or overwrite, by RUC, the accounts of a batch: all items or none.

        Raises NotAReseller, EmptyBatch, BatchTooLarge, BatchInvalid (one error per bad item),
        or Conflict when racing batches won every replay."""
        reseller_id = rules.require_reseller(caller)
        rules.check_batch_size(len(items), self.max_batch)
        strict = caller.account.strict_tax_ids
        valid, errors = rules.check_batch(items, strict=strict)
        for _ in range(_ATTEMPTS):
            try:
                async with self._uow() as uow:
                    now = self._clock.now()
                    log = ChangeLog.of(uow.history, caller, now)
                    writer = BatchWriter(
                        uow, self._accounts, self._box, reseller_id, strict, now, log
                    )
                    result = await writer.write(valid, errors)
                    await uow.commit()
                return result
            except RucTaken:
                continue
        raise Conflict("the batch kept racing with concurrent batches; send it again")

    # -- reading and editing --------------------------------------------------------------------

    async def get(self, caller: Principal, account_id: int) -> OnboardedAccount:
        """One account this reseller onboarded; NotFound for any other id."""
        reseller_id = rules.require_reseller(caller)
        async with self._uow(read_only=True) as uow:
            found = await uow.resellers.get(reseller_id, account_id)
        if found is None:
            raise NotFound("account", account_id)
        return found

    async def page(
        self,
        caller: Principal,
        filters: OnboardedFilter | None = None,
        *,
        first: int = 20,
        after_id: int | None = None,
        backward: bool = False,
        after_tier: int = 0,
    ) -> OnboardedPage:
        """A keyset page of the reseller's onboarded accounts, in id order, with the total:
        the ``first`` after ``after_id``, or with ``backward`` (Relay's ``last``/``before``)
        the ``first`` just before it. With a search, in relevance order after the cursor's
        ``(after_tier, after_id)``."""
        reseller_id, filters = _checked_page(caller, filters, first, backward)
        async with self._uow(read_only=True) as uow:
            rows = await uow.resellers.page(
                reseller_id, filters, after_id, first + 1, backward=backward, after_tier=after_tier
            )
            total = await uow.resellers.count(reseller_id, filters)
        items = rows[:first]
        if backward:
            items.reverse()
        page = keyset_page(
            items, more=len(rows) > first, bounded=after_id is not None, backward=backward
        )
        return OnboardedPage(
            items=items, has_next=page.has_next, total=total, has_previous=page.has_previous
        )

    async def projected_page(
        self,
        caller: Principal,
        filters: OnboardedFilter | None,
        projection: OnboardedProjection,
        *,
        first: int = 20,
        after_id: int | None = None,
        backward: bool = False,
        total: bool = False,
    ) -> ProjectedOnboarded:
        """``page`` as rows of ``projection``'s columns (GraphQL's planner), counted only
        when ``total`` is asked for."""
        reseller_id, filters = _checked_page(caller, filters, first, backward)
        async with self._uow(read_only=True) as uow:
            rows = await uow.onboarded_rows.page(
                reseller_id, filters, after_id, first + 1, projection, backward=backward
            )
            count = await uow.resellers.count(reseller_id, filters) if total else None
        items = rows[:first]
        if backward:
            items.reverse()
        page = keyset_page(
            items, more=len(rows) > first, bounded=after_id is not None, backward=backward
        )
        return ProjectedOnboarded(items, page.has_next, page.has_previous, count)

    async def update_settings(
        self, caller: Principal, account_id: int, changes: SettingsChanges
    ) -> OnboardedAccount:
        """Change some settings of one onboarded account (InvalidInput lists every problem).
        The RUC cannot change. Leaving ``external_ose_password`` at KEEP keeps the stored
        one; None clears it."""
        reseller_id = rules.require_reseller(caller)
        current = await self.get(caller, account_id)
        keep_secret = changes.external_ose_password is KEEP
        checked = rules.check_item(
            edited_input(current, changes),
            strict=False,  # the RUC is not changing and was checked when onboarded
            stored_password=keep_secret and current.has_external_ose_password,
        )
        if isinstance(checked, list):
            raise InvalidInput(checked)
        row = settings_row(checked, self._box)
        values: dict[str, object] = {name: getattr(row, name) for name in _EDITED}
        if not keep_secret:
            values["external_ose_password_enc"] = row.external_ose_password_enc
        async with self._uow() as uow:
            updated = await uow.resellers.update(reseller_id, account_id, values, self._clock.now())
            if updated is None:
                raise NotFound("account", account_id)
            change = settings_change(current, row, password_written=not keep_secret)
            record(uow.history, caller, change, self._clock.now())
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
