"""The resellers context with no database: its rules on typed inputs, the secret box, and the
service's use cases against fakes of its own ports (tests/support/fakes.py)."""

from __future__ import annotations

from dataclasses import fields, replace

import pytest

from core.accounts.model import Principal, PrincipalKind, SecretScheme, UserKind
from core.accounts.service import AccountService
from core.resellers.batch import web_username
from core.resellers.errors import (
    RESELLERS_ONLY,
    BatchInvalid,
    BatchTooLarge,
    EmptyBatch,
    NotAReseller,
)
from core.resellers.inputs import KEEP, MISSING, OnboardInput, SettingsChanges, Unreadable
from core.resellers.model import IntegrationType, OnboardedFilter, ValidatorEntity
from core.resellers.rules import check_batch, check_item
from core.resellers.secretbox import FernetSecretBox
from core.resellers.service import ResellerService
from core.shared.clock import FixedClock
from core.shared.errors import Conflict, FieldError, InvalidInput, NotFound, PermissionDenied
from core.shared.secrets import SecretHasher
from tests.support.fakes import FakeUnitOfWork

SEED = OnboardInput(
    ruc="20713128381",
    company_name="A&J CORPORTATION S.A.C",
    validator_entity=ValidatorEntity.SUNAT,
    integration_type=IntegrationType.JSON,
    email="correocorporativo@gmail.com",
    phone_number="711-0550",
    mobile_number="162984123",
)
VALID_RUC = "20100070970"  # passes the check digit too


def problems(item: OnboardInput, strict: bool = False) -> list[tuple[str, str]]:
    checked = check_item(item, strict=strict)
    return [(e.field, e.code) for e in checked] if isinstance(checked, list) else []


# -- rules ----------------------------------------------------------------------------------------


def test_the_check_digit_counts_only_for_strict_resellers() -> None:
    assert problems(SEED) == []
    assert problems(SEED, strict=True) == [("ruc", "INVALID_TAX_ID")]
    assert problems(replace(SEED, ruc=VALID_RUC), strict=True) == []


@pytest.mark.parametrize(
    "ruc",
    [
        "2010007097²",  # superscript two: isdigit() says yes, int() says no
        "20100070٩70",  # an Arabic-Indic nine: int() would read it as 9
        "٢٠١٠٠٠٧٠٩٧٠",  # all Arabic-Indic
        "\uff12\uff10\uff11\uff10\uff10\uff10\uff17\uff10\uff19\uff17\uff10",  # full-width digits
    ],
)
def test_a_ruc_is_eleven_ascii_digits(ruc: str) -> None:
    for strict in (False, True):
        checked = check_item(replace(SEED, ruc=ruc), strict=strict)
        assert checked == [FieldError("ruc", "RUC must be exactly 11 digits", "INVALID_TAX_ID")]


def test_missing_values_come_first_then_each_field_in_order() -> None:
    item = replace(
        SEED,
        ruc="1",
        company_name=MISSING,
        validator_entity=Unreadable("bad", "WRONG_TYPE"),
        email="x",
    )
    assert problems(item) == [
        ("company_name", "REQUIRED"),
        ("ruc", "INVALID_TAX_ID"),
        ("email", "INVALID_EMAIL"),
        ("validator_entity", "WRONG_TYPE"),
    ]


def test_lengths_names_and_emails() -> None:
    assert problems(replace(SEED, company_name="   ")) == [("company_name", "REQUIRED")]
    assert problems(replace(SEED, company_name="x" * 201)) == [("company_name", "TOO_LONG")]
    assert problems(replace(SEED, phone_number="9" * 31)) == [("phone_number", "TOO_LONG")]
    # A too long e-mail is not also reported as malformed.
    assert problems(replace(SEED, email="x" * 255)) == [("email", "TOO_LONG")]
    assert problems(replace(SEED, email="nope@")) == [("email", "INVALID_EMAIL")]


def test_external_validators_need_the_accounts_own_ose_credentials() -> None:
    efact = replace(SEED, validator_entity=ValidatorEntity.OSE_EFACT)
    assert problems(efact) == [
        ("external_ose_username", "REQUIRED"),
        ("external_ose_password", "REQUIRED"),
    ]
    assert problems(replace(efact, external_ose_username="  ", external_ose_password="")) == [
        ("external_ose_username", "REQUIRED"),
        ("external_ose_password", "REQUIRED"),
    ]
    # A field already at fault is not also reported missing.
    too_long = replace(efact, external_ose_username="u" * 101, external_ose_password="p")
    assert problems(too_long) == [("external_ose_username", "TOO_LONG")]
    # An edit that leaves the stored password alone keeps it.
    stored = check_item(
        replace(efact, external_ose_username="u"), strict=False, stored_password=True
    )
    assert not isinstance(stored, list)
    # OSE GIOR is run by us: no credentials needed; the flag is kept as given.
    giro = check_item(
        replace(SEED, validator_entity=ValidatorEntity.OSE_GIOR, is_ose_validation_only=True),
        strict=False,
    )
    assert not isinstance(giro, list) and giro.is_ose_validation_only is True


def test_a_batch_gives_one_error_per_bad_item_and_flags_repeated_rucs() -> None:
    valid, errors = check_batch(
        [
            replace(SEED, ruc="1", email="x"),
            SEED,
            replace(SEED, company_name="Same RUC"),
            Unreadable("must be a JSON object"),
        ],
        strict=False,
    )
    assert [(e.index, e.ruc, e.field) for e in errors] == [
        (0, "1", "ruc"),
        (2, SEED.ruc, "ruc"),
        (3, None, "item"),
    ]
    assert "first at index 1" in errors[1].message
    assert [index for index, _ in valid] == [1]


# -- secret box -----------------------------------------------------------------------------------


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


# -- the service on fakes -------------------------------------------------------------------------


async def make(
    now: int = 1_750_000_000, **account: bool
) -> tuple[ResellerService, FakeUnitOfWork, Principal]:
    uow = FakeUnitOfWork()
    clock = FixedClock(now)
    hasher = SecretHasher(b"k" * 32)
    accounts = AccountService(uow, hasher, clock)
    service = ResellerService(uow, accounts, FernetSecretBox(b"s" * 32), clock, max_batch=3)
    account.setdefault("is_reseller", True)
    reseller = await accounts.create_account(name="R", country="PE", **account)
    # The caller as authenticating its token makes it, without the write of the token's first
    # use (the tests below count the commits of the reseller's use cases).
    principal = Principal(reseller.account, PrincipalKind.API_TOKEN, credential_id=1)
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

    async def nothing(*_: object) -> dict[str, object]:
        return {}

    uow.resellers.own_by_ruc = nothing  # type: ignore[method-assign,assignment]
    with pytest.raises(Conflict):
        await service.onboard(principal, [SEED])
    assert uow.commits == 1  # only the reseller's creation


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


async def test_a_taken_generated_username_names_its_item_and_writes_nothing() -> None:
    service, uow, principal = await make(now=1_735_689_600)
    squatter = await uow.accounts.add(
        name="S", country="PE", is_reseller=False, strict_tax_ids=False,
        reseller_account_id=None, now=0,
    )  # fmt: skip
    await uow.accounts.add_users(
        [(squatter.id, "207131283812025", UserKind.WEB, SecretScheme.HMAC, "x")], 0
    )
    with pytest.raises(BatchInvalid) as caught:
        await service.onboard(principal, [replace(SEED, ruc=VALID_RUC), SEED])
    [error] = caught.value.errors
    assert (error.index, error.ruc, error.field, error.code) == (1, SEED.ruc, "ruc", "CONFLICT")
    assert uow.commits == 1  # only the reseller's creation


async def test_only_resellers_with_one_message_for_every_use_case() -> None:
    service, uow, plain = await make(is_reseller=False)
    assert not service.is_reseller(plain)
    with pytest.raises(NotAReseller) as caught:
        service.require_reseller(plain)
    assert isinstance(caught.value, PermissionDenied)
    assert caught.value.message == RESELLERS_ONLY
    for use in (
        service.onboard(plain, [SEED]),
        service.get(plain, 1),
        service.page(plain),
        service.update_settings(plain, 1, SettingsChanges()),
    ):
        with pytest.raises(NotAReseller, match=RESELLERS_ONLY):
            await use
    assert uow.commits == 1  # only the account's creation


async def test_batch_bounds_come_before_the_items() -> None:
    service, _, principal = await make()
    with pytest.raises(EmptyBatch):
        await service.onboard(principal, [])
    with pytest.raises(BatchTooLarge, match="at most 3"):
        await service.onboard(principal, [Unreadable("x")] * 4)


async def test_reading_and_paging_are_scoped_to_the_reseller() -> None:
    service, _, principal = await make()
    rucs = ["20100070970", "20131312955", "20100047218"]
    batch = [
        replace(SEED, ruc=ruc, validator_entity=ValidatorEntity(i % 2))
        for i, ruc in enumerate(rucs)
    ]
    ids = [c.account_id for c in (await service.onboard(principal, batch)).created]
    page = await service.page(principal, first=2)
    assert [a.account_id for a in page.items] == ids[:2] and page.has_next and page.total == 3
    rest = await service.page(principal, first=2, after_id=ids[1])
    assert [a.account_id for a in rest.items] == ids[2:] and not rest.has_next
    giro = await service.page(principal, OnboardedFilter(validator_entity=ValidatorEntity.OSE_GIOR))
    assert [a.account_id for a in giro.items] == [ids[1]]
    with pytest.raises(InvalidInput):
        await service.page(principal, first=101)
    # Another reseller sees none of them.
    other = replace(principal, account=replace(principal.account, id=principal.account_id + 99))
    with pytest.raises(NotFound):
        await service.get(other, ids[0])
    assert (await service.page(other)).total == 0


async def test_settings_changes_keep_what_they_leave_out() -> None:
    service, uow, principal = await make()
    [created] = (await service.onboard(principal, [SEED])).created
    account_id = created.account_id
    edited = await service.update_settings(
        principal,
        account_id,
        SettingsChanges(
            company_name="  Edited  ",
            email=None,
            validator_entity=ValidatorEntity.OSE_NUBEFACT,
            external_ose_username="nf",
            external_ose_password="p4ss",
        ),
    )
    assert (edited.company_name, edited.email, edited.phone_number) == ("Edited", None, "711-0550")
    assert await service.external_ose_credentials(account_id) == ("nf", "p4ss")
    # Leaving the password out keeps it; other fields change.
    await service.update_settings(principal, account_id, SettingsChanges(external_ose_username="m"))
    assert await service.external_ose_credentials(account_id) == ("m", "p4ss")
    # Clearing it, or a required value, lists every problem; nothing is written.
    commits = uow.commits
    with pytest.raises(InvalidInput) as caught:
        await service.update_settings(
            principal,
            account_id,
            SettingsChanges(external_ose_password=None, company_name=None, email="nope"),
        )
    assert [(e.field, e.code) for e in caught.value.errors] == [
        ("company_name", "REQUIRED"),
        ("email", "INVALID_EMAIL"),
        ("external_ose_password", "REQUIRED"),
    ]
    assert uow.commits == commits
    with pytest.raises(NotFound):
        await service.update_settings(principal, 10**6, SettingsChanges(company_name="X"))


def test_the_ruc_is_not_a_setting_and_everything_else_starts_kept() -> None:
    changes = SettingsChanges()
    assert "ruc" not in {f.name for f in fields(changes)}
    assert all(getattr(changes, f.name) is KEEP for f in fields(changes))


def test_the_core_refuses_nul_characters_in_every_text() -> None:
    """Not only the JSON readers: the rule holds for inputs built by any face."""
    item = replace(SEED, company_name="ACME\x00", email="a\x00@b.pe")
    assert problems(item) == [("company_name", "INVALID"), ("email", "INVALID")]
