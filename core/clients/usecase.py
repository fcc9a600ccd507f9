"""What every use case of the clients context stands on: a unit-of-work factory and a clock.

Each public method of a use case is one transaction and acts for a ``caller`` (its account is
the tenant every statement is scoped to)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from core.accounts.model import Principal
from core.clients.errors import ClientMerged, ClientNotFound
from core.clients.model import Client
from core.clients.ports import ClientsUnitOfWork
from core.history.model import Action, Change, EntityType, FieldChange
from core.history.recorder import record
from core.shared.clock import Clock

UowFactory = Callable[..., AbstractAsyncContextManager[ClientsUnitOfWork]]


class UseCase:
    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    @staticmethod
    async def _require_client(uow: ClientsUnitOfWork, account_id: int, client_id: int) -> Client:
        client = await uow.clients.get(account_id, client_id)
        if client is None:
            raise await missing_client(uow, account_id, client_id)
        return client

    def _record(
        self,
        uow: ClientsUnitOfWork,
        caller: Principal,
        entity: tuple[EntityType, int],
        action: Action,
        fields: tuple[FieldChange, ...],
        client_id: int | None = None,
    ) -> None:
        """Record a change of the caller's client (``client_id``) or of one of its parts."""
        entity_type, entity_id = entity
        change = Change(
            entity_type,
            entity_id,
            action,
            fields,
            None if client_id is None else EntityType.CLIENT,
            client_id,
        )
        record(uow.history, caller, change, self._clock.now())


async def missing_client(uow: ClientsUnitOfWork, account_id: int, client_id: int) -> ClientNotFound:
    """The error for a client id that is not (or no longer) there: ``ClientMerged`` naming
    the survivor when the client was merged into another (one statement, on misses only)."""
    survivor = await uow.merges.survivor_of(account_id, client_id)
    return ClientNotFound(client_id) if survivor is None else ClientMerged(client_id, survivor)
