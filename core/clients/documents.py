"""Sale documents issued to clients, the payments recorded on them, and what clients owe."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from decimal import Decimal

from core.accounts.model import Principal
from core.clients import rules
from core.clients.errors import AmbiguousClientCode, ClientNotFound
from core.clients.model import (
    ACTIVE,
    Client,
    ClientFilter,
    Document,
    Payment,
    UnpaidSummary,
    is_overdue,
)
from core.clients.ports import ClientsUnitOfWork
from core.clients.usecase import UseCase
from core.history import fields as history
from core.history.model import Action, EntityType
from core.shared.errors import FieldError, InvalidInput, NotFound


class Documents(UseCase):
    async def add_document(
        self,
        caller: Principal,
        client_id: int,
        *,
        name: str,
        number: int,
        emission_date: int,
        expiration_date: int,
        total_amount: Decimal | int | float | str,
    ) -> Document:
        amount = rules.checked_document(name, number, emission_date, expiration_date, total_amount)
        account_id = caller.account_id
        async with self._uow() as uow:
            await self._require_client(uow, account_id, client_id)
            doc = await uow.documents.add(
                account_id, client_id, name, number, emission_date, expiration_date, amount
            )
            fields = history.created(
                {
                    "name": name,
                    "number": number,
                    "emission_date": emission_date,
                    "expiration_date": expiration_date,
                    "total_amount": amount,
                }
            )
            entity = (EntityType.DOCUMENT, doc.id)
            self._record(uow, caller, entity, Action.CREATE, fields, client_id)
            await uow.commit()
        return doc

    async def add_payment(
        self, caller: Principal, document_id: int, amount: Decimal | int | float | str
    ) -> Payment:
        errors: list[FieldError] = []
        value = rules.money("amount", amount, errors)
        if errors:
            raise InvalidInput(errors)
        async with self._uow() as uow:
            # Locked: two payments must not both check the same amount owed.
            doc = await uow.documents.get_for_update(caller.account_id, document_id)
            if doc is None:
                raise NotFound("document", document_id)
            rules.check_payment(value, doc.amount_owed)
            payment = await uow.documents.add_payment(
                caller.account_id, document_id, value, self._clock.now()
            )
            fields = history.created({"document_id": document_id, "amount": value})
            entity = (EntityType.PAYMENT, payment.id)
            self._record(uow, caller, entity, Action.CREATE, fields, doc.client_id)
            await uow.commit()
        return payment

    async def get_document(self, caller: Principal, document_id: int) -> Document:
        async with self._uow(read_only=True) as uow:
            doc = await uow.documents.get(caller.account_id, document_id)
        if doc is None:
            raise NotFound("document", document_id)
        return doc

    async def client_documents(self, caller: Principal, client_id: int) -> list[Document]:
        async with self._uow(read_only=True) as uow:
            await self._require_client(uow, caller.account_id, client_id)
            return await uow.documents.list_for_client(caller.account_id, client_id)

    async def documents_of(
        self, caller: Principal, client_ids: Collection[int]
    ) -> dict[int, list[Document]]:
        """The documents of many clients in one statement (clients without any have none)."""
        if not client_ids:
            return {}
        async with self._uow(read_only=True) as uow:
            return await uow.documents.list_for_clients(caller.account_id, client_ids)

    async def unpaid_summary(
        self,
        caller: Principal,
        *,
        client_id: int | None = None,
        code: str | None = None,
        comparison_date: int | None = None,
    ) -> UnpaidSummary:
        """Unpaid documents of one client, split by whether they expire before the date.
        By ``code``: the client with that code; when several share it, the one active among
        them, and ``AmbiguousClientCode`` when none or more than one is."""
        if client_id is None and not code:
            raise InvalidInput.single("clientid", "clientid or code is required", "REQUIRED")
        when = self._clock.now() if comparison_date is None else comparison_date
        account_id = caller.account_id
        stored = None if not code else rules.lookup_code(caller.account, code)
        async with self._uow(read_only=True) as uow:
            if client_id is not None:
                client = await self._require_client(uow, account_id, client_id)
                if stored is not None and client.code != stored:
                    raise ClientNotFound(code)
            else:
                assert code is not None and stored is not None
                client = await _one_by_code(uow, account_id, stored, code)
            docs = await uow.documents.unpaid_for_client(account_id, client.id)
        return _summary(client, when, docs)

    async def unpaid_summaries(
        self, caller: Principal, client_ids: Collection[int], comparison_date: int | None = None
    ) -> dict[int, UnpaidSummary]:
        """``unpaid_summary`` of many clients in two statements (clients, then documents).
        Clients that do not exist for the caller are missing from the answer."""
        if not client_ids:
            return {}
        when = self._clock.now() if comparison_date is None else comparison_date
        ids = tuple(client_ids)
        async with self._uow(read_only=True) as uow:
            clients, _ = await uow.clients.list_offset(
                caller.account_id, ClientFilter(ids=ids), len(ids), 0
            )
            if not clients:
                return {}
            docs = await uow.documents.unpaid_for_clients(
                caller.account_id, [c.id for c in clients]
            )
        return {c.id: _summary(c, when, docs.get(c.id, [])) for c in clients}


async def _one_by_code(uow: ClientsUnitOfWork, account_id: int, stored: str, typed: str) -> Client:
    """One statement when the code is unique (the usual case), two when it is shared."""
    found, _ = await uow.clients.list_offset(account_id, ClientFilter(code=stored), 2, 0)
    if len(found) == 1:
        return found[0]
    if not found:
        raise ClientNotFound(typed)
    active, _ = await uow.clients.list_offset(
        account_id, ClientFilter(code=stored, state=ACTIVE), 2, 0
    )
    if len(active) == 1:
        return active[0]
    raise AmbiguousClientCode(typed)


def _summary(client: Client, when: int, docs: Sequence[Document]) -> UnpaidSummary:
    overdue = [d for d in docs if is_overdue(d.expiration_date, when)]
    upcoming = [d for d in docs if not is_overdue(d.expiration_date, when)]
    return UnpaidSummary(client=client, comparison_date=when, overdue=overdue, upcoming=upcoming)
