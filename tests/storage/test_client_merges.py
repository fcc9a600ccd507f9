"""Merging clients against a real database (SQLite and PostgreSQL): everything moves in one
transaction, merged clients leave every list, count and lookup, refusals write nothing, and
of two concurrent merges touching a client one wins and the other is refused."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import pytest

from clientgate.container import Services
from core.accounts.model import Account
from core.clients.errors import AlreadyMerged, ClientMerged, ClientNotFound
from core.clients.model import (
    AttributeInput,
    ClientChanges,
    ClientFilter,
    ClientSortField,
    PointsOperation,
)
from core.shared.errors import InvalidInput, NotFound
from tests.support.callers import caller


async def _client(services: Services, acc: Account, **values: Any) -> int:
    client = await services.clients.create(caller(acc), ClientChanges(dict(values)))
    return client.id


async def _full_client(services: Services, acc: Account, name: str, attr: int) -> int:
    """A client with a contact, an address, an attribute value, a paid document and points."""
    svc, who = services.clients, caller(acc)
    client_id = await _client(
        services, acc, first_name=name, accumulate_points=1, email=f"{name}@x.pe"
    )
    await svc.add_contact(who, client_id, {"first_name": f"{name} contact"})
    await svc.add_address(who, client_id, {"address": f"{name} street"})
    await svc.update(
        who, client_id, ClientChanges(attributes=[AttributeInput(attr, f"{name} value")])
    )
    doc = await svc.add_document(
        who,
        client_id,
        name="FACTURA",
        number=client_id,
        emission_date=1,
        expiration_date=2,
        total_amount=Decimal(100),
    )
    await svc.add_payment(who, doc.id, Decimal(40))
    await svc.change_points(who, client_id, PointsOperation.ADD, 10, "alta", None)
    return client_id


async def test_merge_moves_everything_and_hides_the_merged(
    services: Services, make_account: Any
) -> None:
    acc = (await make_account("PE")).account
    svc, who = services.clients, caller(acc)
    attr = (await svc.add_attribute_definition(who, "segment")).id
    other_attr = (await svc.add_attribute_definition(who, "zone")).id
    survivor = await _full_client(services, acc, "ana", attr)
    merged = await _full_client(services, acc, "anna", attr)
    await svc.update(who, merged, ClientChanges(attributes=[AttributeInput(other_attr, "north")]))
    await svc.update(who, survivor, ClientChanges({"phone": ""}))
    await svc.update(who, merged, ClientChanges({"phone": "987 654 321"}))

    preview = await svc.preview_merge(who, survivor, [merged], {"email": merged})
    assert preview.result.email == "anna@x.pe"
    assert preview.result.phone == "987 654 321"  # the survivor's was empty
    assert preview.result.points == 20
    assert {c.field for c in preview.conflicts} >= {"first_name", "email"}
    assert (preview.counts.contacts, preview.counts.documents) == (1, 1)
    assert preview.counts.attribute_values == 2
    assert (await svc.get(who, merged)).id == merged  # nothing written

    result, records = await svc.merge(who, survivor, [merged], {"email": merged})
    assert result.result.email == "anna@x.pe" and result.result.first_name == "ana"
    assert result.result.points == 20
    assert [(r.survivor_id, r.merged_id, r.field_choices) for r in records] == [
        (survivor, merged, {"email": merged, "phone": merged})
    ]
    assert records[0].principal_kind == "api_token"

    assert len((await svc.list_contacts(who, survivor, 50, 0)).items) == 2
    docs = await svc.client_documents(who, survivor)
    assert [d.paid_amount for d in docs] == [Decimal(40), Decimal(40)]
    assert len(await svc.points_history(who, survivor)) == 2
    values = {v.attribute.name: v.value for v in await svc.client_attributes(who, survivor)}
    assert values == {"segment": "ana value", "zone": "north"}  # the survivor's value kept

    with pytest.raises(ClientMerged) as info:
        await svc.get(who, merged)
    assert info.value.survivor_id == survivor
    assert str(survivor) in info.value.message
    assert await svc.count(who, ClientFilter(first_name="anna")) == 0
    assert [c.id for c in (await svc.list_clients(who, ClientFilter(), 50, 0))[0].items] == [
        survivor
    ]
    page, _ = await svc.page(who, ClientFilter(), ClientSortField.ID, False, None, 10)
    assert [c.id for c in page.items] == [survivor]
    assert await svc.get_many(who, [survivor, merged]) == {survivor: result.result}
    with pytest.raises(NotFound):
        await svc.update(who, merged, ClientChanges({"first_name": "back"}))
    with pytest.raises(NotFound):
        await svc.add_contact(who, merged, {"first_name": "x"})
    record = await svc.merge_record(who, merged)
    assert record.survivor_id == survivor
    assert (await svc.merges_into(who, [survivor]))[survivor][0].merged_id == merged


async def test_refused_merges_write_nothing(services: Services, make_account: Any) -> None:
    acc = (await make_account("PE")).account
    stranger = (await make_account("PE")).account
    who = caller(acc)
    a, b, c = [await _client(services, acc, first_name=n) for n in ("a", "b", "c")]
    theirs = await _client(services, stranger, first_name="theirs")
    await services.clients.change_points(who, b, PointsOperation.ADD, 5, "alta", None)

    with pytest.raises(InvalidInput) as info:
        await services.clients.merge(who, a, [a])
    assert info.value.errors[0].field == "merged_ids"
    with pytest.raises(InvalidInput):
        await services.clients.merge(who, a, [])
    with pytest.raises(InvalidInput):
        await services.clients.merge(who, a, list(range(a + 1, a + 12)))
    with pytest.raises(InvalidInput):
        await services.clients.merge(who, a, [b, b])
    with pytest.raises(InvalidInput) as info:
        await services.clients.merge(who, a, [b], {"bogus": b, "email": theirs})
    assert {e.field for e in info.value.errors} == {
        "fields_from[0].field",
        "fields_from[1].client_id",
    }
    with pytest.raises(ClientNotFound):
        await services.clients.merge(who, a, [b, theirs])  # b is not moved
    assert (await services.clients.get(who, b)).points == 5
    assert (await services.clients.get(caller(stranger), theirs)).id == theirs

    await services.clients.merge(who, a, [b])
    with pytest.raises(NotFound):  # another tenant learns nothing of the merge
        await services.clients.merge_record(caller(stranger), b)
    with pytest.raises(ClientNotFound) as hidden:
        await services.clients.get(caller(stranger), b)
    assert not isinstance(hidden.value, ClientMerged)
    assert await services.clients.merges_into(caller(stranger), [a]) == {}
    with pytest.raises(AlreadyMerged) as already:
        await services.clients.merge(who, a, [b])  # a retry
    assert already.value.survivor_id == a
    with pytest.raises(AlreadyMerged):
        await services.clients.merge(who, b, [c])  # a merged client cannot survive
    with pytest.raises(AlreadyMerged):
        await services.clients.preview_merge(who, c, [b])
    assert (await services.clients.get(who, c)).id == c
    assert (await services.clients.get(who, a)).points == 5


async def test_a_survivor_merged_in_turn_passes_its_merged_clients_on(
    services: Services, make_account: Any
) -> None:
    acc = (await make_account("PE")).account
    who = caller(acc)
    a, b, c = [await _client(services, acc, first_name=n) for n in ("a", "b", "c")]
    await services.clients.merge(who, b, [a])
    await services.clients.merge(who, c, [b])
    with pytest.raises(ClientMerged) as info:
        await services.clients.get(who, a)
    assert info.value.survivor_id == c  # the live survivor
    assert (await services.clients.merge_record(who, a)).survivor_id == b  # as recorded


async def test_points_balance_never_goes_below_zero(services: Services, make_account: Any) -> None:
    acc = (await make_account("PE")).account
    who = caller(acc)
    a, b = [await _client(services, acc, first_name=n) for n in ("a", "b")]
    await services.clients.change_points(who, b, PointsOperation.ADD, 7, "alta", None)
    result, _ = await services.clients.merge(who, a, [b])
    assert result.result.points == 7
    assert result.result.points_updated is not None


async def test_concurrent_merges_touching_a_client_one_wins(
    services: Services, make_account: Any
) -> None:
    acc = (await make_account("PE")).account
    who = caller(acc)
    a, b, c = [await _client(services, acc, first_name=n) for n in ("a", "b", "c")]
    for _ in range(3):  # both orders of arrival have their chance
        outcomes = await asyncio.gather(
            services.clients.merge(who, a, [b]),
            services.clients.merge(who, c, [b]),
            return_exceptions=True,
        )
        won = [o for o in outcomes if not isinstance(o, BaseException)]
        lost = [o for o in outcomes if isinstance(o, BaseException)]
        assert len(won) == 1 and len(lost) == 1, outcomes
        assert isinstance(lost[0], AlreadyMerged)
        survivor = won[0][0].result.id
        assert (await services.clients.merge_record(who, b)).survivor_id == survivor
        a, b, c = [await _client(services, acc, first_name=n) for n in ("a", "b", "c")]


async def test_unique_tax_ids_refuses_a_second_valid_code(
    services: Services, make_account: Any
) -> None:
    from core.accounts.model import AccountChanges
    from core.clients.errors import DuplicateTaxId

    created = await make_account("PE")
    acc = await services.accounts.update_account(
        created.account.id, AccountChanges(unique_tax_ids=True)
    )
    who = caller(acc)
    first = await _client(services, acc, first_name="a", code="20100070970")
    with pytest.raises(DuplicateTaxId) as info:
        await _client(services, acc, first_name="b", code="20100070970")
    assert info.value.other_id == first and info.value.code == "DUPLICATE"
    second = await _client(services, acc, first_name="b", code="20100070971")  # invalid: flagged
    await _client(services, acc, first_name="c", code="20100070971")  # invalid ones may repeat
    with pytest.raises(DuplicateTaxId):
        await services.clients.update(who, second, ClientChanges({"code": "20100070970"}))
    await services.clients.update(who, first, ClientChanges({"code": "20100070970"}))  # its own
    assert await services.clients.count(who, ClientFilter(code="20100070970")) == 1
    await services.clients.merge(who, second, [first])
    await services.clients.update(who, second, ClientChanges({"code": "20100070970"}))


async def test_a_merge_keeps_unique_tax_ids(services: Services, make_account: Any) -> None:
    from core.accounts.model import AccountChanges
    from core.clients.errors import DuplicateTaxId

    created = await make_account("PE")
    survivor = await _client(services, created.account, first_name="S")
    held = await _client(services, created.account, first_name="B", code="20100070970")
    also = await _client(services, created.account, first_name="C", code="20100070970")
    acc = await services.accounts.update_account(
        created.account.id, AccountChanges(unique_tax_ids=True)
    )
    who = caller(acc)
    with pytest.raises(DuplicateTaxId):  # C would still hold it
        await services.clients.preview_merge(who, survivor, [held], {"code": held})
    with pytest.raises(DuplicateTaxId):
        await services.clients.merge(who, survivor, [held], {"code": held})
    assert (await services.clients.get(who, held)).id == held  # nothing written
    result, _ = await services.clients.merge(who, survivor, [held, also], {"code": held})
    assert (result.result.code, result.result.code_valid) == ("20100070970", True)


async def test_a_merge_runs_a_fixed_number_of_statements(
    services: Services, make_account: Any, count_statements: Any
) -> None:
    """Whatever the rows moved: lock 1, children 4, attribute values 2, survivor 1 (its
    search keys a second one when a name, e-mail, phone or code changes), mark 1, records 1,
    and the change history's writes at commit (feed position and changes: two on SQLite; one
    on PostgreSQL, which also notifies the feed's followers)."""
    acc = (await make_account("PE")).account
    who = caller(acc)
    attr = (await services.clients.add_attribute_definition(who, "segment")).id
    counts = []
    for size in (1, 3):
        ids = [await _full_client(services, acc, f"n{size}{i}", attr) for i in range(2)]
        for client_id in ids:
            for i in range(size):
                await services.clients.add_contact(who, client_id, {"first_name": f"k{i}"})
        with count_statements() as counter:
            await services.clients.merge(who, ids[0], ids[1:])
        counts.append(counter.count)
    history = 2 if services.engine.dialect.name == "sqlite" else 1
    assert counts == [10 + history] * 2, counts


async def test_unique_tax_ids_holds_for_concurrent_creates(
    services: Services, make_account: Any
) -> None:
    """Eight creates of one valid tax id at once, each on its own connection: one client,
    seven refusals (the check takes a lock on the account and tax id on PostgreSQL)."""
    from core.accounts.model import AccountChanges
    from core.clients.errors import DuplicateTaxId

    created = await make_account("PE")
    acc = await services.accounts.update_account(
        created.account.id, AccountChanges(unique_tax_ids=True)
    )
    outcomes = await asyncio.gather(
        *(_client(services, acc, first_name=f"c{i}", code="20100070970") for i in range(8)),
        return_exceptions=True,
    )
    made = [o for o in outcomes if isinstance(o, int)]
    refused = [o for o in outcomes if isinstance(o, DuplicateTaxId)]
    assert (len(made), len(refused)) == (1, 7), outcomes
    assert all(r.other_id == made[0] for r in refused)
    assert await services.clients.count(caller(acc), ClientFilter(code="20100070970")) == 1
