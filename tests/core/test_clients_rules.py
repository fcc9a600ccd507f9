"""The clients context's rules, pure and through its use cases on in-memory fakes (no
database): tax-id policy, points never below zero, no overpayment, one district under two
names, text that fits its column and carries no NUL."""

from __future__ import annotations

from decimal import Decimal

import pytest

from core.accounts.model import Account
from core.clients import rules
from core.clients.model import (
    AttributeInput,
    CatalogKind,
    Client,
    ClientChanges,
    ClientFilter,
    PointsOperation,
)
from core.clients.service import ClientService
from core.shared.clock import FixedClock
from core.shared.errors import FieldError, InvalidInput, NotFound
from tests.support.callers import caller
from tests.support.clients_fakes import FakeUowFactory

NOW = 1_700_000_000
PERU = Account(1, "Peru SAC", "PE")
CHILE = Account(2, "Chile SpA", "CL")
STRICT_PERU = Account(3, "Strict SAC", "PE", strict_tax_ids=True)


@pytest.fixture
def uow() -> FakeUowFactory:
    return FakeUowFactory()


@pytest.fixture
def service(uow: FakeUowFactory) -> ClientService:
    return ClientService(uow, FixedClock(NOW))


# -- tax ids ----------------------------------------------------------------------------------


def test_tax_id_policy_on_values() -> None:
    def applied(
        account: Account, values: dict[str, object], current: Client | None = None
    ) -> tuple[dict[str, object], list[FieldError]]:
        errors: list[FieldError] = []
        rules.apply_tax_id(account, values, current, errors)
        return values, errors

    assert applied(CHILE, {"code": "92.341.000-7"}) == (
        {"code": "92341000-7", "code_valid": True},
        [],
    )
    assert applied(CHILE, {"code": "2-7"}) == ({"code": "2-7", "code_valid": False}, [])
    assert applied(PERU, {"is_foreigner": 1}) == (
        {"is_foreigner": 1, "code": "55555555-5", "code_valid": None},
        [],
    )
    _, errors = applied(STRICT_PERU, {"code": "20713128381"})
    assert [(e.field, e.code) for e in errors] == [("code", "INVALID_TAX_ID")]
    # A change that does not touch the code leaves it alone.
    current = Client(7, PERU.id, code="20100070970", code_valid=True)
    assert applied(STRICT_PERU, {"first_name": "X"}, current) == ({"first_name": "X"}, [])


async def test_tax_id_policy_through_create(service: ClientService, uow: FakeUowFactory) -> None:
    created = await service.create(
        caller(CHILE), ClientChanges({"company": "A", "code": "92.341.000-7"})
    )
    assert (created.code, created.code_valid) == ("92341000-7", True)
    with pytest.raises(InvalidInput) as refused:
        await service.create(
            caller(STRICT_PERU), ClientChanges({"company": "B", "code": "20713128381"})
        )
    assert [e.code for e in refused.value.errors] == ["INVALID_TAX_ID"]
    assert uow.log == ["commit", "rollback"]
    assert await service.count(caller(STRICT_PERU), ClientFilter()) == 0
    assert (await service.get_by_code(caller(CHILE), "92.341.000-7")).id == created.id


# -- points -----------------------------------------------------------------------------------


def test_points_never_go_below_zero() -> None:
    assert rules.new_balance(10, PointsOperation.ADD, 5) == 15
    assert rules.new_balance(10, PointsOperation.SUBTRACT, 10) == 0
    with pytest.raises(InvalidInput) as refused:
        rules.new_balance(10, PointsOperation.SUBTRACT, 11)
    assert refused.value.errors == [
        FieldError("points", "the client has 10 points; cannot subtract 11", "INSUFFICIENT_POINTS")
    ]


async def test_points_through_the_ledger(service: ClientService) -> None:
    me = caller(PERU)
    client = await service.create(me, ClientChanges({"first_name": "P"}))
    await service.change_points(me, client.id, PointsOperation.ADD, 10, "alta")
    with pytest.raises(InvalidInput):
        await service.change_points(me, client.id, PointsOperation.SUBTRACT, 11, "baja")
    entry = await service.change_points(me, client.id, PointsOperation.SUBTRACT, 4, "baja")
    assert entry.balance == 6
    assert (await service.get(me, client.id)).points == 6
    assert [e.points for e in await service.points_history(me, client.id)] == [4, 10]
    histories = await service.points_histories(me, [client.id], 1)
    assert [e.points for e in histories[client.id]] == [4]
    for bad in (0, -1, 1_000_000_001):
        with pytest.raises(InvalidInput):
            await service.change_points(me, client.id, PointsOperation.ADD, bad, "x")
    with pytest.raises(NotFound):  # another tenant's client
        await service.change_points(caller(CHILE), client.id, PointsOperation.ADD, 1, "x")


# -- payments ---------------------------------------------------------------------------------


def test_a_payment_never_exceeds_what_is_owed() -> None:
    rules.check_payment(Decimal("15000"), Decimal("15000"))
    with pytest.raises(InvalidInput) as refused:
        rules.check_payment(Decimal("15000.01"), Decimal("15000"))
    assert refused.value.errors[0].code == "OVERPAYMENT"


async def test_payments_through_documents(service: ClientService, uow: FakeUowFactory) -> None:
    me = caller(CHILE)
    client = await service.create(me, ClientChanges({"first_name": "R"}))
    doc = await service.add_document(
        me,
        client.id,
        name="Factura",
        number=1,
        emission_date=NOW - 100,
        expiration_date=NOW - 50,
        total_amount="20000",
    )
    await service.add_payment(me, doc.id, Decimal("5000"))
    uow.log.clear()
    with pytest.raises(InvalidInput) as refused:
        await service.add_payment(me, doc.id, Decimal("15000.01"))
    assert refused.value.errors[0].code == "OVERPAYMENT"
    assert uow.log == ["rollback"]
    await service.add_payment(me, doc.id, "15000")
    assert (await service.get_document(me, doc.id)).amount_owed == 0
    summary = await service.unpaid_summary(me, client_id=client.id)
    assert summary.total_debt == 0
    for amount in ("0", "-1", "abc", True, "1e16"):
        with pytest.raises(InvalidInput):
            await service.add_payment(me, doc.id, amount)


# -- one district, two names ------------------------------------------------------------------


def test_district_and_municipality_are_one_field() -> None:
    for given, merged in (
        ({"district": "Surco"}, {"district": "Surco"}),
        ({"municipality": "Surco"}, {"district": "Surco"}),
        ({"district": "Surco", "municipality": "Surco"}, {"district": "Surco"}),
        ({"city": "Lima"}, {"city": "Lima"}),
    ):
        values: dict[str, object] = dict(given)
        assert rules.merge_district(values) is None
        assert values == merged
    assert rules.merge_district({"district": "Surco", "municipality": "Lince"}) == FieldError(
        "municipality", "must equal district when both are given", "INVALID"
    )


# -- the steps of a client write ----------------------------------------------------------------


async def test_a_write_reports_every_problem_and_writes_nothing(
    service: ClientService, uow: FakeUowFactory
) -> None:
    me = caller(PERU)
    mine = await service.add_catalog_item(me, CatalogKind.PAYMENT_TYPE, "Efectivo")
    theirs = await service.add_catalog_item(caller(CHILE), CatalogKind.PAYMENT_TYPE, "Otro")
    uow.log.clear()
    with pytest.raises(InvalidInput) as refused:
        await service.create(
            me,
            ClientChanges(
                {
                    "first_name": 5,
                    "code": "c" * 65,
                    "has_credit": 2,
                    "email": "nope",
                    "note": "a\x00b",
                    "payment_type_id": theirs.id,
                    "bogus": 1,
                },
                attributes=[AttributeInput(424242, "x")],
            ),
        )
    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("first_name", "WRONG_TYPE"),
        ("code", "TOO_LONG"),
        ("has_credit", "OUT_OF_RANGE"),
        ("email", "INVALID_EMAIL"),
        ("note", "INVALID"),
        ("payment_type_id", "NOT_FOUND"),
        ("bogus", "UNKNOWN_FIELD"),
        ("dynamic_attributes[0].dynamic_attribute_id", "NOT_FOUND"),
    ]
    assert uow.log == ["rollback"]
    created = await service.create(
        me, ClientChanges({"first_name": "  Ana ", "note": " n ", "payment_type_id": mine.id})
    )
    assert (created.first_name, created.note, created.payment_type_id) == ("Ana", " n ", mine.id)


async def test_a_new_client_needs_a_name(service: ClientService) -> None:
    with pytest.raises(InvalidInput) as refused:
        await service.create(caller(PERU), ClientChanges({"note": "only a note"}))
    assert [(e.field, e.code) for e in refused.value.errors] == [("first_name", "REQUIRED")]


async def test_contacts_and_addresses_text(service: ClientService) -> None:
    me = caller(PERU)
    client = await service.create(me, ClientChanges({"first_name": "C"}))
    with pytest.raises(InvalidInput) as refused:
        await service.add_contact(me, client.id, {"first_name": "x" * 256, "email": "a\x00@b.pe"})
    assert [(e.field, e.code) for e in refused.value.errors] == [
        ("first_name", "TOO_LONG"),
        ("email", "INVALID"),
    ]
    with pytest.raises(InvalidInput):
        await service.add_address(me, client.id, {"address": "A", "municipality": "M"})
    address = await service.add_address(me, client.id, {"address": "A", "district": "D"})
    with pytest.raises(InvalidInput):
        await service.update_address(me, client.id, address.id, {"state": 2})
    gone = await service.deactivate_address(me, client.id, address.id)
    assert gone.state == 1


async def test_filters_and_lookups_refuse_nul(service: ClientService) -> None:
    me = caller(PERU)
    with pytest.raises(InvalidInput):
        await service.count(me, ClientFilter(first_name="a\x00"))
    with pytest.raises(InvalidInput):
        await service.get_by_code(me, "2010\x00")
    with pytest.raises(InvalidInput):
        await service.count(me, ClientFilter(state=3))
