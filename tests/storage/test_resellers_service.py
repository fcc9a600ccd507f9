"""ResellerService on real SQLite and PostgreSQL: onboarding, idempotency, races, isolation.

Batches are written as the reseller dialect's JSON items (``item``, shared with the REST
tests) and read into the service's typed inputs with the dialect's ``read_items``."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, select
from stdnum.pe import ruc as stdnum_ruc

from clientgate.container import Services
from core.accounts.model import Principal, UserKind
from core.resellers.errors import BatchInvalid, BatchTooLarge, EmptyBatch
from core.resellers.inputs import SettingsChanges
from core.resellers.model import OnboardedFilter, ValidatorEntity
from core.shared.errors import AuthenticationFailed, InvalidInput, NotFound, PermissionDenied
from core.storage.tables.accounts import accounts, users
from core.storage.tables.resellers import einvoice_settings
from rest_compat.resellers.bodies import read_items


def new_ruc(valid_check_digit: bool = True) -> str:
    """A fresh RUC with a valid structure (and check digit unless told otherwise)."""
    body = "20" + "".join(random.choice("0123456789") for _ in range(8))
    digit = stdnum_ruc.calc_check_digit(body)
    if not valid_check_digit:
        digit = str((int(digit) + 1) % 10)
    return body + digit


def item(ruc: object, /, **overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "ruc": ruc,
        "company_name": f"Company {ruc}",
        "email": "billing@example.pe",
        "phone_number": "711-0550",
        "mobile_number": "162984123",
        "validator_entity": 0,
        "external_ose_username": None,
        "external_ose_password": None,
        "is_ose_validation_only": None,
        "integration_type": 1,
    }
    base.update(overrides)
    return base


async def reseller(services: Services, make_account: Callable[..., Any], **kw: Any) -> Principal:
    created = await make_account("PE", is_reseller=True, **kw)
    return await services.accounts.authenticate_token(created.token)


async def counts(services: Services) -> tuple[int, int, int]:
    async with services.engine.connect() as conn:
        return (
            (await conn.execute(select(func.count()).select_from(accounts))).scalar_one(),
            (await conn.execute(select(func.count()).select_from(einvoice_settings))).scalar_one(),
            (await conn.execute(select(func.count()).select_from(users))).scalar_one(),
        )


async def test_new_ruc_creates_an_account_with_two_users_that_log_in(
    services: Services, make_account: Callable[..., Any]
) -> None:
    principal = await reseller(services, make_account)
    ruc = new_ruc()
    result = await services.resellers.onboard(principal, read_items([item(ruc)]))
    assert result.updated == []
    [created] = result.created
    year = datetime.now(UTC).year
    assert created.ruc == ruc
    assert created.access_api.username == ruc
    assert created.access_web.username == f"{ruc}{year}"
    assert len(created.access_api.password) == 15
    assert created.access_api.password != created.access_web.password

    account = await services.accounts.get(created.account_id)
    assert account is not None
    assert account.country == "PE"
    assert account.reseller_account_id == principal.account_id
    assert not account.is_reseller
    assert account.name == f"Company {ruc}"

    api = await services.accounts.authenticate_basic(ruc, created.access_api.password)
    assert api.account_id == created.account_id
    session = await services.accounts.login(
        created.access_web.username, created.access_web.password
    )
    web = await services.accounts.authenticate_token(session.token)
    assert web.account_id == created.account_id
    # The kinds do not cross: the API password is not a web login and vice versa.
    with pytest.raises(AuthenticationFailed):
        await services.accounts.login(ruc, created.access_api.password)
    with pytest.raises(AuthenticationFailed):
        await services.accounts.authenticate_basic(
            created.access_web.username, created.access_web.password
        )
    kinds = {u.kind for u in await services.accounts.users_of(created.account_id)}
    assert kinds == {UserKind.API, UserKind.WEB}


async def test_known_ruc_is_overwritten_and_keeps_its_credentials(
    services: Services, make_account: Callable[..., Any]
) -> None:
    principal = await reseller(services, make_account)
    ruc = new_ruc()
    first = (await services.resellers.onboard(principal, read_items([item(ruc)]))).created[0]
    before = await counts(services)
    again = await services.resellers.onboard(
        principal,
        read_items(
            [item(ruc, company_name="Renamed SAC", validator_entity=1, is_ose_validation_only=True)]
        ),
    )
    assert again.created == []
    assert [(u.ruc, u.company_name, u.account_id) for u in again.updated] == [
        (ruc, "Renamed SAC", first.account_id)
    ]
    assert await counts(services) == before
    stored = await services.resellers.get(principal, first.account_id)
    assert stored.company_name == "Renamed SAC"
    assert stored.validator_entity is ValidatorEntity.OSE_GIOR
    assert stored.is_ose_validation_only is True
    assert stored.updated_at >= stored.created_at
    account = await services.accounts.get(first.account_id)
    assert account is not None and account.name == "Renamed SAC"
    # The first credentials still work.
    await services.accounts.authenticate_basic(ruc, first.access_api.password)


async def test_mixed_batch_answers_in_request_order(
    services: Services, make_account: Callable[..., Any]
) -> None:
    principal = await reseller(services, make_account)
    known = new_ruc()
    await services.resellers.onboard(principal, read_items([item(known)]))
    fresh = [new_ruc() for _ in range(3)]
    result = await services.resellers.onboard(
        principal, read_items([item(fresh[0]), item(known), item(fresh[1]), item(fresh[2])])
    )
    assert [c.ruc for c in result.created] == fresh
    assert [u.ruc for u in result.updated] == [known]


async def test_only_resellers_may_onboard(
    services: Services, make_account: Callable[..., Any]
) -> None:
    plain = await services.accounts.authenticate_token((await make_account("PE")).token)
    before = await counts(services)
    with pytest.raises(PermissionDenied):
        await services.resellers.onboard(plain, read_items([item(new_ruc())]))
    # An onboarded account is not a reseller either.
    principal = await reseller(services, make_account)
    ruc = new_ruc()
    created = (await services.resellers.onboard(principal, read_items([item(ruc)]))).created[0]
    onboarded = await services.accounts.authenticate_basic(ruc, created.access_api.password)
    mid = await counts(services)
    with pytest.raises(PermissionDenied):
        await services.resellers.onboard(onboarded, read_items([item(new_ruc())]))
    with pytest.raises(PermissionDenied):
        await services.resellers.page(onboarded)
    assert await counts(services) == mid
    assert mid[1] == before[1] + 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"ruc": "2071312838"}, "ruc"),
        ({"ruc": "207131283811"}, "ruc"),
        ({"ruc": "30713128381"}, "ruc"),
        ({"ruc": 20713128381}, "ruc"),
        ({"ruc": None}, "ruc"),
        ({"company_name": None}, "company_name"),
        ({"company_name": "   "}, "company_name"),
        ({"company_name": "x" * 201}, "company_name"),
        ({"validator_entity": None}, "validator_entity"),
        ({"validator_entity": "1"}, "validator_entity"),
        ({"validator_entity": 4}, "validator_entity"),
        ({"validator_entity": True}, "validator_entity"),
        ({"integration_type": None}, "integration_type"),
        ({"integration_type": 2}, "integration_type"),
        ({"integration_type": "1"}, "integration_type"),
        ({"validator_entity": 2}, "external_ose_username"),
        ({"validator_entity": 3, "external_ose_username": "u"}, "external_ose_password"),
        ({"email": "not-an-email"}, "email"),
        ({"email": 5}, "email"),
        ({"is_ose_validation_only": "yes"}, "is_ose_validation_only"),
        ({"phone_number": "9" * 31}, "phone_number"),
    ],
)
async def test_an_invalid_item_fails_the_whole_batch(
    services: Services,
    make_account: Callable[..., Any],
    overrides: dict[str, Any],
    field: str,
) -> None:
    principal = await reseller(services, make_account)
    good = new_ruc()
    before = await counts(services)
    bad = item(new_ruc(), **overrides)
    with pytest.raises(BatchInvalid) as caught:
        await services.resellers.onboard(principal, read_items([item(good), bad]))
    assert [(e.index, e.field) for e in caught.value.errors] == [(1, field)]
    assert await counts(services) == before


async def test_errors_name_every_bad_item_and_non_objects(
    services: Services, make_account: Callable[..., Any]
) -> None:
    principal = await reseller(services, make_account)
    dup = new_ruc()
    before = await counts(services)
    with pytest.raises(BatchInvalid) as caught:
        await services.resellers.onboard(
            principal,
            read_items([item(dup), "nope", item(dup), item(new_ruc(), validator_entity=9)]),
        )
    got = [(e.index, e.ruc, e.field) for e in caught.value.errors]
    assert got == [(1, None, "item"), (2, dup, "ruc"), (3, got[2][1], "validator_entity")]
    assert await counts(services) == before


async def test_check_digit_only_for_strict_resellers(
    services: Services, make_account: Callable[..., Any]
) -> None:
    loose = await reseller(services, make_account)
    strict = await reseller(services, make_account, strict_tax_ids=True)
    wrong_digit = new_ruc(valid_check_digit=False)
    before = await counts(services)
    with pytest.raises(BatchInvalid) as caught:
        await services.resellers.onboard(strict, read_items([item(wrong_digit)]))
    assert caught.value.errors[0].field == "ruc"
    assert "check digit" in caught.value.errors[0].message
    assert await counts(services) == before
    result = await services.resellers.onboard(loose, read_items([item(wrong_digit)]))
    assert [c.ruc for c in result.created] == [wrong_digit]
    ok = new_ruc()
    assert [
        c.ruc for c in (await services.resellers.onboard(strict, read_items([item(ok)]))).created
    ] == [ok]


async def test_a_ruc_of_another_reseller_is_an_item_error(
    services: Services, make_account: Callable[..., Any]
) -> None:
    first = await reseller(services, make_account)
    second = await reseller(services, make_account)
    taken = new_ruc()
    await services.resellers.onboard(first, read_items([item(taken)]))
    before = await counts(services)
    with pytest.raises(BatchInvalid) as caught:
        await services.resellers.onboard(second, read_items([item(new_ruc()), item(taken)]))
    [error] = caught.value.errors
    assert (error.index, error.ruc, error.field) == (1, taken, "ruc")
    assert str(first.account_id) not in error.message
    assert await counts(services) == before


async def test_empty_and_oversized_batches(
    services: Services, make_account: Callable[..., Any]
) -> None:
    principal = await reseller(services, make_account)
    with pytest.raises(EmptyBatch):
        await services.resellers.onboard(principal, read_items([]))
    before = await counts(services)
    limit = services.resellers.max_batch
    with pytest.raises(BatchTooLarge):
        await services.resellers.onboard(
            principal, read_items([item(new_ruc()) for _ in range(limit + 1)])
        )
    assert await counts(services) == before


async def test_racing_batches_on_one_new_ruc_create_exactly_one_account(
    services: Services, make_account: Callable[..., Any]
) -> None:
    principal = await reseller(services, make_account)
    ruc = new_ruc()
    others = [new_ruc() for _ in range(6)]
    # Each batch also carries its own fresh RUC, so they differ but share ``ruc``.
    results = await asyncio.gather(
        *(services.resellers.onboard(principal, read_items([item(o), item(ruc)])) for o in others)
    )
    created = [c for r in results for c in r.created if c.ruc == ruc]
    updated = [u for r in results for u in r.updated if u.ruc == ruc]
    assert len(created) == 1
    assert len(updated) == len(others) - 1
    assert {u.account_id for u in updated} == {created[0].account_id}
    async with services.engine.connect() as conn:
        n = (
            await conn.execute(
                select(func.count())
                .select_from(einvoice_settings)
                .where(einvoice_settings.c.ruc == ruc)
            )
        ).scalar_one()
    assert n == 1
    assert sorted(c.ruc for r in results for c in r.created if c.ruc != ruc) == sorted(others)


async def test_racing_resellers_on_one_ruc_one_wins_the_other_gets_an_item_error(
    services: Services, make_account: Callable[..., Any]
) -> None:
    resellers = [await reseller(services, make_account) for _ in range(4)]
    ruc = new_ruc()
    outcomes = await asyncio.gather(
        *(services.resellers.onboard(p, read_items([item(ruc)])) for p in resellers),
        return_exceptions=True,
    )
    wins = [o for o in outcomes if not isinstance(o, BaseException)]
    losses = [o for o in outcomes if isinstance(o, BaseException)]
    assert len(wins) == 1 and len(wins[0].created) == 1
    assert len(losses) == 3
    assert all(isinstance(o, BatchInvalid) for o in losses)


async def test_ose_password_is_encrypted_and_readable_by_the_server_only(
    services: Services, make_account: Callable[..., Any]
) -> None:
    principal = await reseller(services, make_account)
    ruc = new_ruc()
    secret = "ose-Secret-" + new_ruc()
    result = await services.resellers.onboard(
        principal,
        read_items(
            [
                item(
                    ruc,
                    validator_entity=2,
                    external_ose_username="efact-user",
                    external_ose_password=secret,
                )
            ]
        ),
    )
    account_id = result.created[0].account_id
    async with services.engine.connect() as conn:
        stored = (
            await conn.execute(
                select(einvoice_settings.c.external_ose_password_enc).where(
                    einvoice_settings.c.account_id == account_id
                )
            )
        ).scalar_one()
    assert stored and secret not in stored
    assert await services.resellers.external_ose_credentials(account_id) == ("efact-user", secret)
    view = await services.resellers.get(principal, account_id)
    assert view.has_external_ose_password is True
    assert secret not in repr(view)


async def test_reading_and_editing_are_scoped_to_the_reseller(
    services: Services, make_account: Callable[..., Any]
) -> None:
    mine = await reseller(services, make_account)
    theirs = await reseller(services, make_account)
    rucs = [new_ruc() for _ in range(5)]
    result = await services.resellers.onboard(
        mine,
        read_items([item(r, validator_entity=1 if i % 2 else 0) for i, r in enumerate(rucs)]),
    )
    ids = [c.account_id for c in result.created]
    other = (await services.resellers.onboard(theirs, read_items([item(new_ruc())]))).created[0]

    page = await services.resellers.page(mine, first=2)
    assert [a.account_id for a in page.items] == ids[:2]
    assert page.has_next and page.total == 5
    rest = await services.resellers.page(mine, first=10, after_id=ids[1])
    assert [a.account_id for a in rest.items] == ids[2:] and not rest.has_next
    ose = await services.resellers.page(
        mine, OnboardedFilter(validator_entity=ValidatorEntity.OSE_GIOR)
    )
    assert [a.account_id for a in ose.items] == [ids[1], ids[3]] and ose.total == 2
    by_ruc = await services.resellers.page(mine, OnboardedFilter(ruc=rucs[4]))
    assert [a.account_id for a in by_ruc.items] == [ids[4]]
    assert (await services.resellers.page(mine, OnboardedFilter(created_since=2**40))).total == 0

    with pytest.raises(NotFound):
        await services.resellers.get(mine, other.account_id)
    with pytest.raises(NotFound):
        await services.resellers.update_settings(
            mine, other.account_id, SettingsChanges(company_name="X")
        )
    assert (await services.resellers.get(theirs, other.account_id)).company_name != "X"

    edited = await services.resellers.update_settings(
        mine, ids[0], SettingsChanges(company_name="Edited", email=None)
    )
    assert (edited.company_name, edited.email) == ("Edited", None)
    # The RUC is not a setting: SettingsChanges has no such field (tests/core/test_resellers.py).
    with pytest.raises(InvalidInput) as caught:
        await services.resellers.update_settings(
            mine, ids[0], SettingsChanges(validator_entity=ValidatorEntity.OSE_NUBEFACT)
        )
    assert {e.field for e in caught.value.errors} == {
        "external_ose_username",
        "external_ose_password",
    }
    edited = await services.resellers.update_settings(
        mine,
        ids[0],
        SettingsChanges(
            validator_entity=ValidatorEntity.OSE_NUBEFACT,
            external_ose_username="n",
            external_ose_password="p4ss",
        ),
    )
    assert edited.has_external_ose_password
    # Leaving the password out keeps it; other fields change.
    edited = await services.resellers.update_settings(
        mine, ids[0], SettingsChanges(external_ose_username="m")
    )
    assert await services.resellers.external_ose_credentials(ids[0]) == ("m", "p4ss")


async def test_a_taken_generated_username_is_an_item_error_and_nothing_is_written(
    services: Services, make_account: Callable[..., Any]
) -> None:
    principal = await reseller(services, make_account)
    squatter = await make_account("PE")
    ruc = new_ruc()
    # Someone's user already has the name the web user of this RUC would get.
    async with services.uow() as uow:
        await services.accounts.create_user(
            uow, squatter.account.id, f"{ruc}{datetime.now(UTC).year}", UserKind.WEB
        )
        await uow.commit()
    before = await counts(services)
    fine = new_ruc()
    with pytest.raises(BatchInvalid) as caught:
        await services.resellers.onboard(principal, read_items([item(fine), item(ruc)]))
    [error] = caught.value.errors
    assert (error.index, error.ruc, error.field, error.code) == (1, ruc, "ruc", "CONFLICT")
    assert await counts(services) == before
    # Without the clashing item the batch goes through.
    result = await services.resellers.onboard(principal, read_items([item(fine)]))
    assert [c.ruc for c in result.created] == [fine]
    await services.accounts.authenticate_basic(fine, result.created[0].access_api.password)


async def test_an_update_batch_overwrites_every_field_of_every_item(
    services: Services, make_account: Callable[..., Any]
) -> None:
    principal = await reseller(services, make_account)
    rucs = [new_ruc() for _ in range(3)]
    first = [
        item(
            r,
            validator_entity=2,
            external_ose_username=f"user{i}",
            external_ose_password=f"pass{i}",
            integration_type=0,
        )
        for i, r in enumerate(rucs)
    ]
    ids = [
        c.account_id
        for c in (await services.resellers.onboard(principal, read_items(first))).created
    ]
    second = [
        item(
            r,
            company_name=f"Second {i}",
            email=None,
            phone_number=None,
            mobile_number="999",
            validator_entity=1,
            is_ose_validation_only=True,
            integration_type=1,
        )
        for i, r in enumerate(rucs)
    ]
    second[2] = item(
        rucs[2],
        company_name="Third",
        validator_entity=3,
        external_ose_username="nf",
        external_ose_password="new-pass",
    )
    result = await services.resellers.onboard(principal, read_items(second))
    assert [u.account_id for u in result.updated] == ids
    for i in range(2):
        got = await services.resellers.get(principal, ids[i])
        assert (got.company_name, got.email, got.phone_number, got.mobile_number) == (
            f"Second {i}",
            None,
            None,
            "999",
        )
        assert got.validator_entity is ValidatorEntity.OSE_GIOR
        assert got.is_ose_validation_only is True
        assert int(got.integration_type) == 1
        # The batch is a full overwrite: no OSE credentials given, none kept.
        assert got.external_ose_username is None and not got.has_external_ose_password
        assert await services.resellers.external_ose_credentials(ids[i]) is None
        account = await services.accounts.get(ids[i])
        assert account is not None and account.name == f"Second {i}"
    assert await services.resellers.external_ose_credentials(ids[2]) == ("nf", "new-pass")


async def test_statements_do_not_grow_with_the_batch(
    services: Services, make_account: Callable[..., Any], count_statements: Callable[[], Any]
) -> None:
    principal = await reseller(services, make_account)
    measured = {}
    for size in (2, 40):
        rucs = [new_ruc() for _ in range(size)]
        with count_statements() as created:
            await services.resellers.onboard(principal, read_items([item(r) for r in rucs]))
        with count_statements() as updated:
            await services.resellers.onboard(
                principal, read_items([item(r, email=None) for r in rucs])
            )
        measured[size] = (created.count, updated.count)
    # Executemany counts as one statement here: per-item round trips would show up as growth.
    assert measured[2] == measured[40], measured
    # + 2 for the change history: the feed position and one insert of every change.
    assert measured[40][0] <= 8 and measured[40][1] <= 7, measured
