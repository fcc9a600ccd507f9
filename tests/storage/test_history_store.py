"""Change events on SQLite and PostgreSQL: written with the unit of work's commit (never on a
rollback), numbered per account in commit order, read back per account only."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from clientgate.container import Services
from core.accounts.model import FaceName, Origin, Principal, PrincipalKind
from core.history.model import Action, Change, EntityType, FieldChange
from core.history.recorder import record
from core.storage.tables.history import change_events


async def caller_of(make_account: Any) -> Principal:
    created = await make_account("PE")
    return Principal(
        created.account,
        PrincipalKind.API_TOKEN,
        7,
        label="erp sync",
        origin=Origin(FaceName.GRAPHQL, "req-1"),
    )


def change(entity_id: int, *fields: FieldChange) -> Change:
    return Change(EntityType.CLIENT, entity_id, Action.UPDATE, fields)


async def test_committed_changes_read_back_in_position_order(
    services: Services, make_account: Any
) -> None:
    caller = await caller_of(make_account)
    async with services.uow() as uow:
        record(uow.history, caller, change(1, FieldChange("email", "a@x.pe", "b@x.pe")), 100)
        record(uow.history, caller, change(2), 101)
        await uow.commit()
    async with services.uow() as uow:
        record(uow.history, caller, change(3), 102)
        await uow.commit()
    async with services.uow(read_only=True) as uow:
        events = await uow.history_reads.changes_after(caller.account_id, 0, 10)
    assert [(e.position, e.entity_id) for e in events] == [(1, 1), (2, 2), (3, 3)]
    first = events[0]
    assert first.fields == (FieldChange("email", "a@x.pe", "b@x.pe"),)
    assert (first.actor.kind, first.actor.credential_id, first.actor.label) == (
        PrincipalKind.API_TOKEN,
        7,
        "erp sync",
    )
    assert (first.face, first.request_id, first.at) == (FaceName.GRAPHQL, "req-1", 100)
    assert (first.subject_type, first.subject_id) == (EntityType.CLIENT, 1)


async def test_a_rolled_back_write_records_nothing_and_leaves_no_gap(
    services: Services, make_account: Any
) -> None:
    caller = await caller_of(make_account)
    async with services.uow() as uow:
        record(uow.history, caller, change(1), 100)
        # no commit: rolled back
    async with services.uow() as uow:
        record(uow.history, caller, change(2), 100)
        await uow.commit()
    async with services.uow(read_only=True) as uow:
        events = await uow.history_reads.changes_after(caller.account_id, 0, 10)
    assert [(e.position, e.entity_id) for e in events] == [(1, 2)]


async def test_positions_are_per_account_and_reads_are_tenant_scoped(
    services: Services, make_account: Any
) -> None:
    one, other = await caller_of(make_account), await caller_of(make_account)
    async with services.uow() as uow:
        record(uow.history, one, change(1), 100)
        record(uow.history, other, change(2), 100)
        await uow.commit()
    async with services.uow(read_only=True) as uow:
        mine = await uow.history_reads.changes_after(one.account_id, 0, 10)
        theirs = await uow.history_reads.changes_after(other.account_id, 0, 10)
    assert [(e.position, e.entity_id) for e in mine] == [(1, 1)]
    assert [(e.position, e.entity_id) for e in theirs] == [(1, 2)]


async def test_secret_fields_are_stored_only_as_changed(
    services: Services, make_account: Any
) -> None:
    caller = await caller_of(make_account)
    async with services.uow() as uow:
        secret = FieldChange("external_ose_password", secret=True)
        record(uow.history, caller, change(1, secret), 100)
        await uow.commit()
    async with services.uow(read_only=True) as uow:
        rows = (
            await uow.connection.execute(
                select(change_events.c.fields).where(
                    change_events.c.account_id == caller.account_id
                )
            )
        ).all()
    assert rows == [('[["external_ose_password",null,null,true]]',)]


async def test_changes_after_filters_on_subject_types_and_honours_the_limit(
    services: Services, make_account: Any
) -> None:
    caller = await caller_of(make_account)
    async with services.uow() as uow:
        record(uow.history, caller, change(1), 100)
        partner = Change(EntityType.BUSINESS_PARTNER, 5, Action.CREATE)
        record(uow.history, caller, partner, 100)
        contact = Change(EntityType.CLIENT_CONTACT, 9, Action.CREATE, (), EntityType.CLIENT, 1)
        record(uow.history, caller, contact, 100)
        await uow.commit()
    async with services.uow(read_only=True) as uow:
        reads = uow.history_reads
        clients = await reads.changes_after(caller.account_id, 0, 10, [EntityType.CLIENT])
        first = await reads.changes_after(caller.account_id, 0, 1)
        rest = await reads.changes_after(caller.account_id, first[-1].position, 10)
    assert [(e.entity_type, e.position) for e in clients] == [
        (EntityType.CLIENT, 1),
        (EntityType.CLIENT_CONTACT, 3),
    ]
    assert [e.position for e in first] == [1]
    assert [e.position for e in rest] == [2, 3]
