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
    DynamicAttribute,
    Payment,
    PointsEntry,
    PointsOperation,
    Projection,
)


class ClientRepository(Protocol):
    async def add(self, account_id: int, values: Mapping[str, object], now: int) -> Client: ...

    async def get(self, account_id: int, client_id: int) -> Client | None: ...

    async def get_for_update(self, account_id: int, client_id: int) -> Client | None:
        """Like ``get`` but locks the row until the transaction ends (PostgreSQL)."""
        ...

    async def first_by_code(self, account_id: int, code: str) -> Client | None: ...

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
    ) -> builtins.list[tuple[Any, ...]]:
        """``(client id, *columns)`` rows of one relation of many clients, one statement,
        in (client id, child id) order."""
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


class ClientsUnitOfWork(Protocol):
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

    async def commit(self) -> None: ...
