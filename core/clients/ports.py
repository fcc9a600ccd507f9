"""Repository ports of the clients context. Every method takes the tenant's account id."""

from __future__ import annotations

import builtins
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from typing import Any, Protocol

from core.clients.model import (
    Address,
    AddressFilter,
    AttributeValue,
    CatalogItem,
    CatalogKind,
    CatalogsById,
    Client,
    ClientFilter,
    ClientRelated,
    ClientSortField,
    Contact,
    Document,
    DuplicateKeys,
    DuplicateReason,
    DynamicAttribute,
    MergeCounts,
    MergeRecord,
    Payment,
    PointsEntry,
    PointsOperation,
    Projection,
)
from core.history.ports import ChangeRecorder


class ClientRepository(Protocol):
    async def add(self, account_id: int, values: Mapping[str, object], now: int) -> Client: ...

    async def get(self, account_id: int, client_id: int) -> Client | None: ...

    async def get_for_update(self, account_id: int, client_id: int) -> Client | None:
        """Like ``get`` but locks the row until the transaction ends (PostgreSQL)."""
        ...

    async def first_by_code(self, account_id: int, code: str) -> Client | None: ...

    async def lock_code(self, account_id: int, code: str) -> None:
        """Until the transaction ends, no other transaction passes ``lock_code`` for the same
        account and tax id (PostgreSQL; SQLite has one writer at a time anyway)."""
        ...

    async def update(
        self, account_id: int, client_id: int, values: Mapping[str, object], now: int
    ) -> Client | None: ...

    async def list_offset(
        self,
        account_id: int,
        flt: ClientFilter,
        limit: int,
        offset: int,
        catalogs: Collection[CatalogKind] = (),
    ) -> tuple[list[Client], CatalogsById]:
        """A page in id order, with the linked catalog rows of ``catalogs`` joined in."""
        ...

    async def count(self, account_id: int, flt: ClientFilter) -> int: ...

    async def list_keyset(
        self,
        account_id: int,
        flt: ClientFilter,
        sort: ClientSortField,
        descending: bool,
        after: tuple[object, int] | None,
        limit: int,
        catalogs: Collection[CatalogKind] = (),
    ) -> tuple[list[Client], CatalogsById]:
        """Up to ``limit`` clients strictly after the (sort value, id) key, with the linked
        catalog rows of ``catalogs`` joined in."""
        ...

    async def related(
        self, account_id: int, clients: Sequence[Client], relations: Collection[str]
    ) -> ClientRelated:
        """Children of many clients at once: one statement per requested relation (catalog
        relations included, for callers that did not join them into the page)."""
        ...


class ClientReadModel(Protocol):
    """Projected reads for GraphQL's planner: only the columns a query selects, as rows, with
    the same filters, order and keyset as ``ClientRepository.list_keyset``."""

    async def page(
        self,
        account_id: int,
        flt: ClientFilter,
        sort: ClientSortField,
        descending: bool,
        after: tuple[object, int] | None,
        limit: int,
        projection: Projection,
    ) -> builtins.list[tuple[Any, ...]]:
        """Up to ``limit`` rows strictly after the (sort value, id) key, in one statement
        (the catalogs of ``projection`` joined in)."""
        ...

    async def children(
        self,
        account_id: int,
        relation: str,
        client_ids: Sequence[int],
        columns: tuple[str, ...],
        limit: int | None = None,
    ) -> builtins.list[tuple[Any, ...]]:
        """``(client id, *columns)`` rows of one relation of many clients, one statement, in
        client id order and, for each client, the relation's own order (the entity reads'):
        by id; ``unpaid`` by expiration date and id; ``points`` the ``limit`` latest, newest
        first."""
        ...


class ContactRepository(Protocol):
    async def list(
        self, account_id: int, client_id: int, limit: int, offset: int
    ) -> list[Contact]: ...

    async def count(self, account_id: int, client_id: int) -> int: ...

    async def get(self, account_id: int, client_id: int, contact_id: int) -> Contact | None: ...

    async def add(
        self, account_id: int, client_id: int, values: Mapping[str, object]
    ) -> Contact: ...

    async def update(
        self, account_id: int, client_id: int, contact_id: int, values: Mapping[str, object]
    ) -> Contact | None: ...

    async def delete(self, account_id: int, client_id: int, contact_id: int) -> bool: ...


class AddressRepository(Protocol):
    async def list(
        self, account_id: int, client_id: int, flt: AddressFilter, limit: int, offset: int
    ) -> list[Address]: ...

    async def count(self, account_id: int, client_id: int, flt: AddressFilter) -> int: ...

    async def get(self, account_id: int, client_id: int, address_id: int) -> Address | None: ...

    async def add(
        self, account_id: int, client_id: int, values: Mapping[str, object]
    ) -> Address: ...

    async def update(
        self, account_id: int, client_id: int, address_id: int, values: Mapping[str, object]
    ) -> Address | None: ...


class AttributeRepository(Protocol):
    async def definitions(
        self, account_id: int, ids: Collection[int]
    ) -> dict[int, DynamicAttribute]: ...

    async def list_definitions(
        self, account_id: int, limit: int, offset: int
    ) -> list[DynamicAttribute]: ...

    async def count_definitions(self, account_id: int) -> int: ...

    async def add_definition(self, account_id: int, name: str) -> DynamicAttribute: ...

    async def values(self, account_id: int, client_id: int) -> list[AttributeValue]: ...

    async def set_values(
        self, account_id: int, client_id: int, values: Mapping[int, str]
    ) -> None: ...


class CatalogRepository(Protocol):
    async def get(self, account_id: int, kind: CatalogKind, item_id: int) -> CatalogItem | None: ...

    async def list(
        self, account_id: int, kind: CatalogKind, limit: int, offset: int
    ) -> list[CatalogItem]: ...

    async def count(self, account_id: int, kind: CatalogKind) -> int: ...

    async def add(self, account_id: int, kind: CatalogKind, name: str) -> CatalogItem: ...


class PointsRepository(Protocol):
    async def add(
        self,
        account_id: int,
        client_id: int,
        operation: PointsOperation,
        points: int,
        balance: float,
        description: str,
        order_id: str | None,
        now: int,
    ) -> PointsEntry: ...

    async def list(self, account_id: int, client_id: int, limit: int) -> list[PointsEntry]: ...

    async def latest_for_clients(
        self, account_id: int, client_ids: Collection[int], limit: int
    ) -> dict[int, builtins.list[PointsEntry]]:
        """The latest ``limit`` entries of each client, newest first, in one statement."""
        ...


class DocumentRepository(Protocol):
    async def add(
        self,
        account_id: int,
        client_id: int,
        name: str,
        number: int,
        emission_date: int,
        expiration_date: int,
        total_amount: Decimal,
    ) -> Document: ...

    async def get(self, account_id: int, document_id: int) -> Document | None: ...

    async def get_for_update(self, account_id: int, document_id: int) -> Document | None:
        """The document, its row locked until the unit of work ends (payments check the
        amount owed against it, so concurrent payments must queue behind each other)."""
        ...

    async def list_for_client(self, account_id: int, client_id: int) -> list[Document]: ...

    async def list_for_clients(
        self, account_id: int, client_ids: Collection[int]
    ) -> dict[int, list[Document]]:
        """Documents of many clients in one statement, each client's in id order."""
        ...

    async def unpaid_for_client(self, account_id: int, client_id: int) -> list[Document]: ...

    async def unpaid_for_clients(
        self, account_id: int, client_ids: Collection[int]
    ) -> dict[int, list[Document]]:
        """Unpaid documents of many clients in one statement, each client's by expiration."""
        ...

    async def add_payment(
        self, account_id: int, document_id: int, amount: Decimal, paid_at: int
    ) -> Payment: ...


class MergeRepository(Protocol):
    async def clients_with_merge_state(
        self, account_id: int, client_ids: Collection[int], lock: bool
    ) -> dict[int, tuple[Client, int | None]]:
        """The clients, merged ones included, each with the live survivor it was merged into
        (None when it was not). ``lock``: rows locked in id order until the unit of work ends
        (PostgreSQL; SQLite's write units already hold the write lock)."""
        ...

    async def survivor_of(self, account_id: int, client_id: int) -> int | None:
        """The live client ``client_id`` was merged into; None when it was not merged (or is
        not the account's)."""
        ...

    async def counts(self, account_id: int, client_ids: Collection[int]) -> MergeCounts:
        """What belongs to the clients: what a merge of them would move."""
        ...

    async def move_children(
        self, account_id: int, merged_ids: Sequence[int], survivor_id: int
    ) -> MergeCounts:
        """Contacts, addresses, documents (their payments with them) and points entries of the
        merged clients become the survivor's; attribute values too, for the attributes the
        survivor holds no value of (the first merged client's value wins), the rest dropped."""
        ...

    async def mark_merged(
        self, account_id: int, merged_ids: Collection[int], survivor_id: int
    ) -> None:
        """The merged clients (and any merged into them before) point at the survivor."""
        ...

    async def add_records(
        self,
        account_id: int,
        survivor_id: int,
        merged_ids: Sequence[int],
        principal: tuple[str, int],
        field_choices: Mapping[str, int],
        now: int,
    ) -> builtins.list[MergeRecord]: ...

    async def record_of(self, account_id: int, merged_id: int) -> MergeRecord | None: ...

    async def records_into(
        self, account_id: int, survivor_ids: Collection[int], limit: int
    ) -> dict[int, builtins.list[MergeRecord]]:
        """The latest ``limit`` records of clients merged into each survivor, newest first."""
        ...


class DuplicateRepository(Protocol):
    async def matching(
        self, account_id: int, keys: Sequence[DuplicateKeys], limit: int
    ) -> builtins.list[Client]:
        """Live clients sharing any key of any of ``keys`` (a superset the caller narrows),
        in id order, at most ``limit``."""
        ...

    async def groups(
        self, account_id: int, reason: DuplicateReason, after: str | None, limit: int
    ) -> builtins.list[tuple[str, int]]:
        """Keys held by more than one live client, in key order after ``after``, with how
        many hold each."""
        ...

    async def members(
        self, account_id: int, reason: DuplicateReason, keys: Collection[str], per_key: int
    ) -> dict[str, builtins.list[Client]]:
        """The first ``per_key`` live clients (id order) holding each key, in one statement."""
        ...


class ClientsUnitOfWork(Protocol):
    @property
    def history(self) -> ChangeRecorder:
        """Where every write of the context records its change (same transaction)."""
        ...

    @property
    def clients(self) -> ClientRepository: ...

    @property
    def client_rows(self) -> ClientReadModel: ...

    @property
    def contacts(self) -> ContactRepository: ...

    @property
    def addresses(self) -> AddressRepository: ...

    @property
    def attributes(self) -> AttributeRepository: ...

    @property
    def catalogs(self) -> CatalogRepository: ...

    @property
    def points(self) -> PointsRepository: ...

    @property
    def documents(self) -> DocumentRepository: ...

    @property
    def merges(self) -> MergeRepository: ...

    @property
    def duplicates(self) -> DuplicateRepository: ...

    async def commit(self) -> None: ...
