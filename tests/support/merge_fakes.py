"""In-memory fakes of the merge and duplicate ports of the clients context, over the same
``ClientsStore`` as the other fakes (``tests/support/clients_fakes.py`` binds them into its unit
of work)."""

from __future__ import annotations

import builtins
from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from core.clients.model import (
    Client,
    DuplicateKeys,
    DuplicateReason,
    MergeCounts,
    MergeRecord,
)
from core.clients.ports import DuplicateRepository, MergeRepository

if TYPE_CHECKING:
    from tests.support.clients_fakes import ClientsStore


class FakeMergeRepository(MergeRepository):
    def __init__(self, store: ClientsStore) -> None:
        self.s = store

    def _children(self) -> dict[str, Any]:
        return {
            "contacts": self.s.contacts,
            "addresses": self.s.addresses,
            "documents": self.s.documents,
            "points_entries": self.s.points,
        }

    async def clients_with_merge_state(
        self, account_id: int, client_ids: Collection[int], lock: bool
    ) -> dict[int, tuple[Client, int | None]]:
        return {
            i: (c, self.s.merged_into.get(i))
            for i in sorted(client_ids)
            if (c := self.s.clients.get(i)) is not None and c.account_id == account_id
        }

    async def survivor_of(self, account_id: int, client_id: int) -> int | None:
        client = self.s.clients.get(client_id)
        if client is None or client.account_id != account_id:
            return None
        return self.s.merged_into.get(client_id)

    async def counts(self, account_id: int, client_ids: Collection[int]) -> MergeCounts:
        found = {
            name: sum(
                1 for r in rows.values() if r.account_id == account_id and r.client_id in client_ids
            )
            for name, rows in self._children().items()
        }
        found["attribute_values"] = sum(1 for owner, _ in self.s.values if owner in client_ids)
        return MergeCounts(**found)

    async def move_children(
        self, account_id: int, merged_ids: Sequence[int], survivor_id: int
    ) -> MergeCounts:
        moved: dict[str, int] = {}
        for name, rows in self._children().items():
            hit = [
                k
                for k, r in rows.items()
                if r.account_id == account_id and r.client_id in merged_ids
            ]
            for k in hit:
                rows[k] = replace(rows[k], client_id=survivor_id)
            moved[name] = len(hit)
        moved["attribute_values"] = 0
        for merged_id in merged_ids:
            for owner, attr in sorted(self.s.values):
                if owner != merged_id:
                    continue
                value = self.s.values.pop((owner, attr))
                if (survivor_id, attr) not in self.s.values:
                    self.s.values[(survivor_id, attr)] = value
                    moved["attribute_values"] += 1
        return MergeCounts(**moved)

    async def mark_merged(
        self, account_id: int, merged_ids: Collection[int], survivor_id: int
    ) -> None:
        for client_id, into in list(self.s.merged_into.items()):
            if into in merged_ids:
                self.s.merged_into[client_id] = survivor_id
        for client_id in merged_ids:
            self.s.merged_into[client_id] = survivor_id

    async def add_records(
        self,
        account_id: int,
        survivor_id: int,
        merged_ids: Sequence[int],
        principal: tuple[str, int],
        field_choices: Mapping[str, int],
        now: int,
    ) -> builtins.list[MergeRecord]:
        records = []
        for merged_id in merged_ids:
            record = MergeRecord(
                self.s.next_id(),
                account_id,
                survivor_id,
                merged_id,
                principal[0],
                principal[1],
                now,
                dict(field_choices),
            )
            self.s.merges[record.id] = record
            records.append(record)
        return records

    async def record_of(self, account_id: int, merged_id: int) -> MergeRecord | None:
        return next(
            (
                r
                for r in self.s.merges.values()
                if r.account_id == account_id and r.merged_id == merged_id
            ),
            None,
        )

    async def records_into(
        self, account_id: int, survivor_ids: Collection[int], limit: int
    ) -> dict[int, builtins.list[MergeRecord]]:
        out: dict[int, list[MergeRecord]] = {}
        for record in sorted(self.s.merges.values(), key=lambda r: -r.id):
            if record.account_id == account_id and record.survivor_id in survivor_ids:
                listed = out.setdefault(record.survivor_id, [])
                if len(listed) < limit:
                    listed.append(record)
        return out


class FakeDuplicateRepository(DuplicateRepository):
    """Compares the Python keys (``core.clients.duplicate_keys``) of live clients."""

    def __init__(self, store: ClientsStore) -> None:
        self.s = store

    def _live(self, account_id: int) -> builtins.list[Client]:
        return sorted(
            (
                c
                for c in self.s.clients.values()
                if c.account_id == account_id and c.id not in self.s.merged_into
            ),
            key=lambda c: c.id,
        )

    async def matching(
        self, account_id: int, keys: Sequence[DuplicateKeys], limit: int
    ) -> builtins.list[Client]:
        from core.clients.duplicate_keys import keys_of

        found = []
        for client in self._live(account_id):
            theirs = keys_of(client)
            if any(
                k.of(r) is not None and k.of(r) == theirs.of(r)
                for k in keys
                for r in DuplicateReason
            ):
                found.append(client)
        return found[:limit]

    def _by_key(self, account_id: int, reason: DuplicateReason) -> dict[str, list[Client]]:
        from core.clients.duplicate_keys import group_key, keys_of

        out: dict[str, list[Client]] = {}
        for client in self._live(account_id):
            key = group_key(reason, keys_of(client))
            if key is not None:
                out.setdefault(key, []).append(client)
        return out

    async def groups(
        self, account_id: int, reason: DuplicateReason, after: str | None, limit: int
    ) -> builtins.list[tuple[str, int]]:
        held = self._by_key(account_id, reason)
        keys = sorted(k for k, v in held.items() if len(v) > 1 and (after is None or k > after))
        return [(k, len(held[k])) for k in keys[:limit]]

    async def members(
        self, account_id: int, reason: DuplicateReason, keys: Collection[str], per_key: int
    ) -> dict[str, builtins.list[Client]]:
        held = self._by_key(account_id, reason)
        return {k: held[k][:per_key] for k in keys if k in held}
