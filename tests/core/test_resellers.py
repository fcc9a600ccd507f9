"""Resellers rules that need no database: item validation, the secret box, and the service's
retry after a racing batch, against fakes of its own ports."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import pytest

from core.accounts.model import UserKind
from core.accounts.service import AccountService
from core.resellers.errors import RucTaken
from core.resellers.model import (
    IntegrationType,
    OnboardedAccount,
    OnboardedFilter,
    SettingsRow,
    ValidatorEntity,
)
from core.resellers.secretbox import FernetSecretBox
from core.resellers.service import ResellerService, web_username
from core.resellers.validation import validate_batch, validate_item
from core.shared.clock import FixedClock
from core.shared.errors import Conflict
from core.shared.secrets import SecretHasher
from tests.core.fakes import FakeAccountRepository, FakeUnitOfWork

SEED = {
    "ruc": "20713128381",
    "company_name": "A&J CORPORTATION S.A.C",
    "email": "correocorporativo@gmail.com",
    "phone_number": "711-0550",
    "mobile_number": "162984123",
    "validator_entity": 0,
    "external_ose_username": None,
    "external_ose_password": None,
    "is_ose_validation_only": None,
    "integration_type": 1,
}


# -- validation ----------------------------------------------------------------------------------


def test_seed_item_is_valid_unless_the_reseller_is_strict() -> None:
    item, errors = validate_item(0, SEED, strict=False)
    assert errors == [] and item is not None
    assert item.validator_entity is ValidatorEntity.SUNAT
    assert item.integration_type is IntegrationType.JSON
    assert item.is_ose_validation_only is False
    _, strict_errors = validate_item(0, SEED, strict=True)
    assert [(e.field, e.code) for e in strict_errors] == [("ruc", "INVALID_TAX_ID")]


def test_types_are_not_coerced() -> None:
    for field, value in (
        ("validator_entity", True),
        ("validator_entity", "0"),
        ("validator_entity", 1.0),
        ("integration_type", "1"),
        ("ruc", 20713128381),
        ("company_name", ["x"]),
        ("is_ose_validation_only", 1),
    ):
        _, errors = validate_item(0, {**SEED, field: value}, strict=False)
        assert [(e.field, e.code) for e in errors] == [(field, "WRONG_TYPE")], field


def test_texts_are_trimmed_and_empty_means_absent_but_passwords_are_kept_as_typed() -> None:
    item, errors = validate_item(
        0,
        {
            **SEED,
            "ruc": " 20713128381 ",
            "company_name": "  ACME  ",
            "email": "",
            "validator_entity": 2,
            "external_ose_username": " user ",
            "external_ose_password": " pass with spaces ",
        },
        strict=False,
    )
    assert errors == [] and item is not None
    assert (item.ruc, item.company_name, item.email) == ("20713128381", "ACME", None)
    assert item.external_ose_username == "user"
    assert item.external_ose_password == " pass with spaces "
    assert "pass with spaces" not in repr(item)


def test_one_error_per_bad_item_in_index_order() -> None:
    items, errors = validate_batch(
        [
            {**SEED, "ruc": "1", "validator_entity": 9, "email": "x"},  # three problems
            SEED,
            {**SEED, "company_name": "Same RUC"},
            None,
        ],
        strict=False,
    )
    assert [(e.index, e.field) for e in errors] == [(0, "ruc"), (2, "ruc"), (3, "item")]
    assert [index for index, _ in items] == [1]
    assert "index 1" in errors[1].message


# -- secret box ----------------------------------------------------------------------------------


def test_secret_box_round_trip_and_wrong_key() -> None:
    box = FernetSecretBox(b"a" * 32)
    token = box.encrypt("OSE-secret")
    assert "OSE-secret" not in token
    assert token != box.encrypt("OSE-secret")  # random IV per encryption
    assert box.decrypt(token) == "OSE-secret"
    with pytest.raises(ValueError, match="cannot decrypt") as caught:
        FernetSecretBox(b"b" * 32).decrypt(token)
    assert token not in str(caught.value)
    with pytest.raises(ValueError):
        FernetSecretBox(b"short")


# -- service against fakes -------------------------------------------------------------------------


class FakeResellerRepository:
    """Just enough of the port; ``race`` makes ``add_settings`` lose to a competitor once."""

    def __init__(self, accounts: FakeAccountRepository) -> None:
        self.accounts = accounts
        self.rows: dict[int, OnboardedAccount] = {}
        self.race: list[tuple[int, int]] = []  # (reseller id, times left)

    async def own_by_ruc(self, reseller: int, rucs: Sequence[str]) -> dict[str, OnboardedAccount]:
        return {
            r.ruc: r
            for r in self.rows.values()
            if r.reseller_account_id == reseller and r.ruc in rucs
        }

    async def rucs_held_elsewhere(self, reseller: int, rucs: Sequence[str]) -> set[str]:
        return {
            r.ruc for r in self.rows.values() if r.reseller_account_id != reseller and r.ruc in rucs
        }

    async def add_accounts(
        self, reseller: int, names: Sequence[str], strict: bool, now: int
    ) -> list[int]:
        return [
            (
                await self.accounts.add(
                    name=n,
                    country="PE",
                    is_reseller=False,
                    strict_tax_ids=strict,
                    reseller_account_id=reseller,
                    now=now,
                )
            ).id
            for n in names
        ]

    def _store(self, reseller: int, account_id: int, row: SettingsRow, now: int) -> None:
        self.rows[account_id] = OnboardedAccount(
            account_id=account_id,
            reseller_account_id=reseller,
            ruc=row.ruc,
            company_name=row.company_name,
            email=row.email,
            phone_number=row.phone_number,
            mobile_number=row.mobile_number,
            validator_entity=ValidatorEntity(row.validator_entity),
            external_ose_username=row.external_ose_username,
            has_external_ose_password=row.external_ose_password_enc is not None,
            is_ose_validation_only=row.is_ose_validation_only,
            integration_type=IntegrationType(row.integration_type),
            created_at=now,
            updated_at=now,
        )

    async def add_settings(
        self, reseller: int, rows: Sequence[tuple[int, SettingsRow]], now: int
    ) -> None:
        if self.race:
            winner, left = self.race[0]
            # The competitor commits the same RUC first; our transaction is rolled back.
            account_id, row = rows[0]
            self._store(winner, 10_000 + left, row, now)
            self.race = [(winner, left - 1)] if left > 1 else []
            raise RucTaken
        for account_id, row in rows:
            self._store(reseller, account_id, row, now)

    async def replace_settings(
        self, reseller: int, rows: Sequence[tuple[int, SettingsRow]], now: int
    ) -> None:
        for account_id, row in rows:
            self.rows[account_id] = replace(self.rows[account_id], company_name=row.company_name)

    async def get(self, reseller: int, account_id: int) -> OnboardedAccount | None:
        row = self.rows.get(account_id)
        return row if row and row.reseller_account_id == reseller else None

    async def page(self, *args: Any) -> list[OnboardedAccount]:
        raise NotImplementedError

    async def count(self, reseller: int, filters: OnboardedFilter) -> int:
        raise NotImplementedError

    async def update(
        self, reseller: int, account_id: int, values: Mapping[str, object], now: int
    ) -> OnboardedAccount | None:
        raise NotImplementedError

    async def secret_of(self, account_id: int) -> tuple[str | None, str | None] | None:
        raise NotImplementedError


class FakeResellersUow(FakeUnitOfWork):
    def __init__(self) -> None:
        super().__init__(FakeAccountRepository())
        self.resellers = FakeResellerRepository(self.accounts)


async def make(now: int = 1_750_000_000) -> tuple[ResellerService, FakeResellersUow, Any]:
    uow = FakeResellersUow()
    clock = FixedClock(now)
    hasher = SecretHasher(b"k" * 32)
    accounts = AccountService(uow, hasher, clock)
    service = ResellerService(uow, accounts, FernetSecretBox(b"s" * 32), clock)
    reseller = await accounts.create_account(name="R", country="PE", is_reseller=True)
    principal = await accounts.authenticate_token(reseller.token)
    return service, uow, principal


def test_web_username_is_ruc_and_year_of_creation() -> None:
    assert web_username("20713128381", 1_735_689_600) == "207131283812025"  # 2025-01-01 UTC
    assert web_username("20713128381", 1_735_689_599) == "207131283812024"


async def test_losing_a_race_on_the_same_reseller_replays_as_an_update() -> None:
    service, uow, principal = await make()
    uow.resellers.race = [(principal.account_id, 1)]
    result = await service.onboard(principal, [SEED])
    assert result.created == []
    assert [(u.ruc, u.account_id) for u in result.updated] == [("20713128381", 10_001)]


async def test_losing_a_race_to_another_reseller_is_an_item_error() -> None:
    from core.resellers.errors import BatchInvalid

    service, uow, principal = await make()
    uow.resellers.race = [(principal.account_id + 99, 1)]
    with pytest.raises(BatchInvalid) as caught:
        await service.onboard(principal, [SEED])
    assert caught.value.errors[0].field == "ruc"
    assert "another reseller" in caught.value.errors[0].message


async def test_endless_races_give_up_with_a_conflict() -> None:
    service, uow, principal = await make()
    # Each replay meets a new competitor row; the fake never lets this reseller see it as its own.
    uow.resellers.race = [(principal.account_id, 5)]
    uow.resellers.own_by_ruc = _nothing  # type: ignore[method-assign]
    with pytest.raises(Conflict):
        await service.onboard(principal, [SEED])
    assert uow.commits == 1  # only the reseller's creation


async def _nothing(*_: Any) -> dict[str, OnboardedAccount]:
    return {}


async def test_new_accounts_get_both_users_with_hashed_passwords() -> None:
    service, uow, principal = await make(now=1_735_689_600)
    [created] = (await service.onboard(principal, [SEED])).created
    assert created.access_web.username == "207131283812025"
    users = {u.username: u for u in uow.accounts.users.values()}
    api, web = users["20713128381"], users["207131283812025"]
    assert (api.kind, web.kind) == (UserKind.API, UserKind.WEB)
    assert created.access_api.password not in api.secret_hash
    assert SecretHasher(b"k" * 32).verify(created.access_api.password, api.secret_hash)
    assert SecretHasher(b"k" * 32).verify(created.access_web.password, web.secret_hash)
