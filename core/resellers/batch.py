"""Writing a checked onboarding batch in the caller's unit of work: new accounts, their
settings and users in bulk (a fixed number of statements whatever the batch's size), known
RUCs overwritten. Raises BatchInvalid for problems only the database can tell (a RUC held by
another reseller, a generated username already taken) and RucTaken when a racing batch
claimed a new RUC first (the service replays the batch)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from core.accounts.model import UserKind
from core.accounts.service import AccountService
from core.history import fields as history
from core.history.model import Action, Change, EntityType, FieldChange
from core.history.recorder import ChangeLog
from core.resellers.errors import BatchInvalid
from core.resellers.model import (
    BatchResult,
    CreatedClient,
    Credentials,
    ItemError,
    OnboardedAccount,
    OnboardItem,
    SettingsRow,
    UpdatedClient,
)
from core.resellers.ports import ResellersUnitOfWork, SecretBox
from core.shared.errors import Conflict

Indexed = tuple[int, OnboardItem]
"""An item and its 0-based position in the batch."""


def web_username(ruc: str, now: int) -> str:
    """The web user's name: RUC followed by the year of creation (UTC)."""
    return f"{ruc}{datetime.fromtimestamp(now, UTC).year}"


def settings_row(item: OnboardItem, box: SecretBox) -> SettingsRow:
    """What is stored for an item: its settings, the OSE password encrypted."""
    secret = item.external_ose_password
    return SettingsRow(
        ruc=item.ruc,
        company_name=item.company_name,
        email=item.email,
        phone_number=item.phone_number,
        mobile_number=item.mobile_number,
        validator_entity=int(item.validator_entity),
        external_ose_username=item.external_ose_username,
        external_ose_password_enc=box.encrypt(secret) if secret is not None else None,
        is_ose_validation_only=item.is_ose_validation_only,
        integration_type=int(item.integration_type),
    )


def settings_change(
    current: OnboardedAccount, row: SettingsRow, *, password_written: bool
) -> Change:
    """An onboarded account's e-invoicing settings overwritten by ``row`` (the OSE password
    only as "changed", when one was written or cleared)."""
    new = history.as_mapping(row)
    del new["ruc"], new["external_ose_password_enc"]
    fields = history.changed(history.as_mapping(current), new)
    had, has = current.has_external_ose_password, row.external_ose_password_enc is not None
    if password_written and (had or has):
        fields += (FieldChange("external_ose_password", secret=True),)
    return Change(
        EntityType.E_INVOICING,
        current.account_id,
        Action.UPDATE,
        fields,
        EntityType.ONBOARDED_ACCOUNT,
        current.account_id,
    )


def _onboarded(account_id: int, row: SettingsRow) -> Change:
    values = history.as_mapping(row)
    if values.pop("external_ose_password_enc") is not None:
        values["external_ose_password"] = True  # a secret: recorded only as "changed"
    fields = history.created(values)
    return Change(EntityType.ONBOARDED_ACCOUNT, account_id, Action.CREATE, fields)


def _credentials(client: CreatedClient) -> Change:
    fields = history.created(
        {
            "api_username": client.access_api.username,
            "web_username": client.access_web.username,
            "password": True,  # both generated passwords: recorded only as "changed"
        }
    )
    return Change(
        EntityType.CREDENTIALS,
        client.account_id,
        Action.CREATE,
        fields,
        EntityType.ONBOARDED_ACCOUNT,
        client.account_id,
    )


def _held_elsewhere(items: list[Indexed], elsewhere: set[str]) -> list[ItemError]:
    message = "RUC is already onboarded by another reseller"
    return [
        ItemError(index, item.ruc, "ruc", message, "CONFLICT")
        for index, item in items
        if item.ruc in elsewhere
    ]


@dataclass(frozen=True)
class BatchWriter:
    """Writes one checked batch for one reseller, at one instant."""

    uow: ResellersUnitOfWork
    accounts: AccountService
    box: SecretBox
    reseller_id: int
    strict: bool
    now: int
    log: ChangeLog
    """Where each account created or overwritten is recorded (the reseller's history)."""

    async def write(self, items: list[Indexed], errors: list[ItemError]) -> BatchResult:
        """All of ``items`` or nothing (``errors`` are the rules' item errors, if any)."""
        repo = self.uow.resellers
        rucs = [item.ruc for _, item in items]
        elsewhere = await repo.rucs_held_elsewhere(self.reseller_id, rucs) if rucs else set()
        errors = errors + _held_elsewhere(items, elsewhere)
        if errors:
            raise BatchInvalid(sorted(errors, key=lambda e: e.index))
        own = await repo.own_by_ruc(self.reseller_id, rucs)
        # Accounts get ids in request order; RUC-keyed rows are written in RUC order, so
        # concurrent batches lock them in the same order (no deadlock).
        new = [p for p in items if p[1].ruc not in own]
        known = sorted((p for p in items if p[1].ruc in own), key=lambda p: p[1].ruc)
        created = await self._create(new) if new else {}
        if known:
            rows = [(own[item.ruc], settings_row(item, self.box)) for _, item in known]
            await repo.replace_settings(
                self.reseller_id, [(current.account_id, row) for current, row in rows], self.now
            )
            for current, row in rows:
                self.log.add(settings_change(current, row, password_written=True))
        return BatchResult(
            created=[created[i] for i in sorted(created)],
            updated=[
                UpdatedClient(own[item.ruc].account_id, item.ruc, item.company_name)
                for _, item in sorted(known, key=lambda p: p[0])
            ],
        )

    async def _create(self, new: list[Indexed]) -> dict[int, CreatedClient]:
        repo = self.uow.resellers
        ids = await repo.add_accounts(
            self.reseller_id, [item.company_name for _, item in new], self.strict, self.now
        )
        # The unique RUC is claimed before any user: a racing batch fails here.
        rows = [(i, settings_row(item, self.box)) for i, (_, item) in zip(ids, new, strict=True)]
        await repo.add_settings(self.reseller_id, sorted(rows, key=lambda r: r[1].ruc), self.now)
        accounts = list(zip(ids, new, strict=True))
        try:  # a Conflict rolls back only the users' insert (a savepoint), not the batch
            created = await self._users(accounts)
        except Conflict:
            created = await self._users_one_by_one(accounts)
        for account_id, row in rows:
            self.log.add(_onboarded(account_id, row))
        for client in created.values():
            self.log.add(_credentials(client))
        return created

    async def _users(self, accounts: list[tuple[int, Indexed]]) -> dict[int, CreatedClient]:
        """The API and web user of each new account, all in one statement."""
        specs: list[tuple[int, str, UserKind]] = []
        for account_id, (_, item) in accounts:
            specs.append((account_id, item.ruc, UserKind.API))
            specs.append((account_id, web_username(item.ruc, self.now), UserKind.WEB))
        users = await self.accounts.create_users(self.uow, specs)
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
        return created

    async def _users_one_by_one(
        self, accounts: list[tuple[int, Indexed]]
    ) -> dict[int, CreatedClient]:
        """A generated username was taken: creating the users item by item names the item(s)
        at fault (BatchInvalid), or creates them all."""
        created: dict[int, CreatedClient] = {}
        errors: list[ItemError] = []
        for account_id, indexed in accounts:
            try:
                created.update(await self._users([(account_id, indexed)]))
            except Conflict:
                # A username equal to this RUC (or RUC+year) was chosen by someone else.
                index, item = indexed
                message = "a generated username for this RUC is already in use"
                errors.append(ItemError(index, item.ruc, "ruc", message, "CONFLICT"))
        if errors:
            raise BatchInvalid(errors)
        return created
