"""The loyalty points ledger: movements change a client's balance, which never goes below 0."""

from __future__ import annotations

from collections.abc import Collection

from core.accounts.model import Principal
from core.clients import rules
from core.clients.model import PointsEntry, PointsOperation
from core.clients.usecase import UseCase, missing_client
from core.history import fields as history
from core.history.model import Action, EntityType
from core.shared.pagination import check_first


class Points(UseCase):
    async def change_points(
        self,
        caller: Principal,
        client_id: int,
        operation: PointsOperation,
        points: int,
        description: str,
        order_id: str | None = None,
    ) -> PointsEntry:
        rules.check_points_change(points, description, order_id)
        account_id = caller.account_id
        async with self._uow() as uow:
            # Locked: two movements must not both start from the same balance.
            client = await uow.clients.get_for_update(account_id, client_id)
            if client is None:
                raise await missing_client(uow, account_id, client_id)
            balance = rules.new_balance(client.points, operation, points)
            now = self._clock.now()
            entry = await uow.points.add(
                account_id, client_id, operation, points, balance, description, order_id, now
            )
            await uow.clients.update(
                account_id, client_id, {"points": balance, "points_updated": now}, now
            )
            fields = history.created(
                {"operation": operation, "points": points, "description": description}
            ) + history.changed({"balance": client.points}, {"balance": balance})
            entity = (EntityType.POINTS, entry.id)
            self._record(uow, caller, entity, Action.CREATE, fields, client_id)
            await uow.commit()
        return entry

    async def points_history(
        self, caller: Principal, client_id: int, limit: int = rules.MAX_HISTORY
    ) -> list[PointsEntry]:
        async with self._uow(read_only=True) as uow:
            await self._require_client(uow, caller.account_id, client_id)
            return await uow.points.list(caller.account_id, client_id, limit)

    async def points_histories(
        self, caller: Principal, client_ids: Collection[int], first: int
    ) -> dict[int, list[PointsEntry]]:
        """The latest ``first`` movements of each client, newest first, in one statement.
        Clients without movements (or not the caller's) have none."""
        check_first(first, maximum=rules.MAX_HISTORY)
        if not client_ids or first == 0:
            return {}
        async with self._uow(read_only=True) as uow:
            return await uow.points.latest_for_clients(caller.account_id, client_ids, first)
