"""Merging duplicate clients into one survivor, in one transaction, and the merge records.

The clients named are read (and, for the merge itself, locked) in id order in one statement,
so two merges touching a client queue behind each other: the second finds it merged (or its
survivor merged) and is refused, never half applied.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from core.accounts.model import Principal
from core.clients import merge_plan
from core.clients.clients import check_unique_tax_id
from core.clients.errors import AlreadyMerged, ClientNotFound
from core.clients.model import Client, MergeCounts, MergePlan, MergeRecord
from core.clients.ports import ClientsUnitOfWork
from core.clients.usecase import UseCase
from core.history import fields as history
from core.history.model import Action, EntityType, FieldChange
from core.shared.errors import NotFound
from core.shared.pagination import check_first

MAX_RECORDS = 50
"""Most merge records listed per survivor."""


class Merges(UseCase):
    async def preview_merge(
        self,
        caller: Principal,
        survivor_id: int,
        merged_ids: Sequence[int],
        fields_from: Mapping[str, int] | None = None,
    ) -> MergePlan:
        """What ``merge`` would do with the same arguments, without writing."""
        choices = dict(fields_from or {})
        merge_plan.check_request(survivor_id, merged_ids, choices)
        async with self._uow(read_only=True) as uow:
            survivor, merged = await _live_clients(uow, caller, survivor_id, merged_ids, False)
            counts = await uow.merges.counts(caller.account_id, merged_ids)
            planned = merge_plan.plan(survivor, merged, choices, counts)
            values = merge_plan.survivor_values(planned.result, survivor)
            await check_unique_tax_id(uow, caller, values, survivor, merged_ids)
        return planned

    async def merge(
        self,
        caller: Principal,
        survivor_id: int,
        merged_ids: Sequence[int],
        fields_from: Mapping[str, int] | None = None,
    ) -> tuple[MergePlan, list[MergeRecord]]:
        """Moves everything of the merged clients to the survivor, applies the fields chosen,
        hides the merged clients and records the merge: all of it or nothing."""
        choices = dict(fields_from or {})
        merge_plan.check_request(survivor_id, merged_ids, choices)
        account_id = caller.account_id
        async with self._uow() as uow:
            survivor, merged = await _live_clients(uow, caller, survivor_id, merged_ids, True)
            planned = merge_plan.plan(survivor, merged, choices, MergeCounts())
            values = merge_plan.survivor_values(planned.result, survivor)
            await check_unique_tax_id(uow, caller, values, survivor, merged_ids)
            counts = await uow.merges.move_children(account_id, merged_ids, survivor_id)
            now = self._clock.now()
            if "points" in values:
                values["points_updated"] = now
            result = await uow.clients.update(account_id, survivor_id, values, now)
            assert result is not None  # locked above
            await uow.merges.mark_merged(account_id, merged_ids, survivor_id)
            self._record_merge(uow, caller, survivor, result, merged_ids, values)
            records = await uow.merges.add_records(
                account_id,
                survivor_id,
                merged_ids,
                (caller.kind.value, caller.credential_id),
                planned.field_sources,
                now,
            )
            await uow.commit()
        return _with_result(planned, result, counts), records

    def _record_merge(
        self,
        uow: ClientsUnitOfWork,
        caller: Principal,
        before: Client,
        after: Client,
        merged_ids: Sequence[int],
        values: Mapping[str, object],
    ) -> None:
        """A merge in the history: on the survivor, the fields it took and the clients merged
        into it; on each merged client, the survivor it went to."""
        fields = history.changed(history.as_mapping(before), history.as_mapping(after), values)
        merged = FieldChange("merged_ids", None, ",".join(str(i) for i in merged_ids))
        survivor = (EntityType.CLIENT, before.id)
        self._record(uow, caller, survivor, Action.MERGE, (*fields, merged))
        for merged_id in merged_ids:
            into = (FieldChange("merged_into_id", None, before.id),)
            self._record(uow, caller, (EntityType.CLIENT, merged_id), Action.MERGE, into)

    async def merge_record(self, caller: Principal, merged_id: int) -> MergeRecord:
        """How a client was merged; NotFound when it was not (or is not the caller's)."""
        async with self._uow(read_only=True) as uow:
            record = await uow.merges.record_of(caller.account_id, merged_id)
        if record is None:
            raise NotFound("client merge", merged_id)
        return record

    async def merges_into(
        self, caller: Principal, survivor_ids: Collection[int], first: int = MAX_RECORDS
    ) -> dict[int, list[MergeRecord]]:
        """The clients merged into each survivor (latest first), in one statement."""
        check_first(first, maximum=MAX_RECORDS)
        if not survivor_ids or first == 0:
            return {}
        async with self._uow(read_only=True) as uow:
            return await uow.merges.records_into(caller.account_id, survivor_ids, first)


async def _live_clients(
    uow: ClientsUnitOfWork,
    caller: Principal,
    survivor_id: int,
    merged_ids: Sequence[int],
    lock: bool,
) -> tuple[Client, list[Client]]:
    """The survivor and the merged clients, refusing any that is missing, another account's,
    or merged already."""
    found = await uow.merges.clients_with_merge_state(
        caller.account_id, [survivor_id, *merged_ids], lock
    )
    for client_id in (survivor_id, *merged_ids):
        if client_id not in found:
            raise ClientNotFound(client_id)
        into = found[client_id][1]
        if into is not None:
            raise AlreadyMerged(client_id, into)
    return found[survivor_id][0], [found[i][0] for i in merged_ids]


def _with_result(planned: MergePlan, result: Client, counts: MergeCounts) -> MergePlan:
    return MergePlan(
        result=result,
        merged=planned.merged,
        field_sources=planned.field_sources,
        conflicts=planned.conflicts,
        counts=counts,
    )
