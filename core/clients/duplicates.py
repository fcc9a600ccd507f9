"""Duplicate candidates: of given clients (in bulk), and groups across the account.

Candidates are a warning, never a refusal (that is the account's ``unique_tax_ids``, see
``clients.Clients``). Merged clients are never candidates.
"""

from __future__ import annotations

from collections.abc import Collection

from core.accounts.model import Principal
from core.clients import duplicate_keys
from core.clients.model import (
    ClientFilter,
    DuplicateCandidate,
    DuplicateGroup,
    DuplicateKeys,
    DuplicateReason,
)
from core.clients.usecase import UseCase
from core.shared.errors import InvalidInput
from core.shared.pagination import check_first


class Duplicates(UseCase):
    async def possible_duplicates(
        self, caller: Principal, client_ids: Collection[int]
    ) -> dict[int, list[DuplicateCandidate]]:
        """The candidates of each client, in two statements whatever their number (the
        clients, then every client sharing any of their keys). At most ``MAX_CANDIDATES``
        each; clients that do not exist for the caller have none."""
        if not client_ids:
            return {}
        ids = tuple(client_ids)
        account_id = caller.account_id
        async with self._uow(read_only=True) as uow:
            clients, _ = await uow.clients.list_offset(
                account_id, ClientFilter(ids=ids), len(ids), 0
            )
            keys = [duplicate_keys.keys_of(c) for c in clients]
            keys = [k for k in keys if k != DuplicateKeys()]  # clients with something to compare
            if not keys:
                return {}
            limit = (duplicate_keys.MAX_CANDIDATES + 1) * len(clients)
            others = await uow.duplicates.matching(account_id, keys, limit)
        return {c.id: duplicate_keys.candidates(c, others) for c in clients}

    async def duplicate_groups(
        self, caller: Principal, reason: DuplicateReason, first: int, after: str | None
    ) -> tuple[list[DuplicateGroup], bool]:
        """Keys held by more than one client of the account, in key order after ``after``:
        a page of groups (each with its size and first members) and whether more follow."""
        check_first(first, maximum=duplicate_keys.MAX_GROUP_PAGE)
        if after is not None and not after:
            raise InvalidInput.single("after", "must not be empty", "INVALID")
        if first == 0:
            return [], False
        account_id = caller.account_id
        async with self._uow(read_only=True) as uow:
            rows = await uow.duplicates.groups(account_id, reason, after, first + 1)
            page = rows[:first]
            members = await uow.duplicates.members(
                account_id, reason, [key for key, _ in page], duplicate_keys.MAX_GROUP_MEMBERS
            )
        groups = [DuplicateGroup(reason, key, size, members.get(key, [])) for key, size in page]
        return groups, len(rows) > first
