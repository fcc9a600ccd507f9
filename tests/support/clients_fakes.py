"""In-memory fakes of the clients context's ports, declared against the Protocols (mypy checks
every signature), for use-case tests that need no database.

One ``ClientsStore`` holds the rows; ``FakeClientsUnitOfWork`` binds a fake of each repository
to it and, like the SQL one, discards what it wrote unless ``commit()`` was called. Every
method filters on the account id, as the SQL repositories do.

    store = ClientsStore()
    service = ClientService(FakeUowFactory(store), FixedClock(1_700_000_000))
"""

from __future__ import annotations

import builtins
import copy
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from types import TracebackType
from typing import Any

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
    MergeRecord,
    Payment,
    PointsEntry,
    PointsOperation,
    Projection,
)
from core.clients.ports import (
    AddressRepository,
    AttributeRepository,
    CatalogRepository,
    ClientReadModel,
    ClientRepository,
    ClientsUnitOfWork,
    ContactRepository,
    DocumentRepository,
    DuplicateRepository,
    MergeRepository,
    PointsRepository,
)
from core.clients.search import client_matches, client_relevance
from core.history.model import PendingChange
from core.history.ports import ChangeRecorder
from core.history.recorder import ChangeBuffer
from core.shared.normalise import fold
from core.shared.search import SEARCH_COUNT_BOUND, parse_search
from tests.support.merge_fakes import FakeDuplicateRepository, FakeMergeRepository


@dataclass
class ClientsStore:
    """Every row of the fakes, by id. Ids are global, as in the database."""

    clients: dict[int, Client] = field(default_factory=dict)
    contacts: dict[int, Contact] = field(default_factory=dict)
    addresses: dict[int, Address] = field(default_factory=dict)
    definitions: dict[int, DynamicAttribute] = field(default_factory=dict)
    values: dict[tuple[int, int], str] = field(default_factory=dict)  # (client, definition)
    catalogs: dict[CatalogKind, dict[int, CatalogItem]] = field(
        default_factory=lambda: {kind: {} for kind in CatalogKind}
    )
    points: dict[int, PointsEntry] = field(default_factory=dict)
    documents: dict[int, Document] = field(default_factory=dict)
    payments: dict[int, Payment] = field(default_factory=dict)
    merged_into: dict[int, int] = field(default_factory=dict)  # merged client -> survivor
    merges: dict[int, MergeRecord] = field(default_factory=dict)
    changes: list[PendingChange] = field(default_factory=list)
    """Changes recorded by committed units of work, in commit order."""
    last_id: int = 0

    def next_id(self) -> int:
        self.last_id += 1
        return self.last_id


def _contains(value: str | None, part: str | None) -> bool:
    return not part or fold(part) in fold(value or "")


def _searched(client: Client, text: str | None) -> bool:
    query = parse_search(text)
    return query is None or client_matches(client, query)


def _matches(client: Client, account_id: int, flt: ClientFilter) -> bool:
    equal = (
        (flt.code, client.code),
        (flt.payment_type_id, client.payment_type_id),
        (flt.sale_condition_id, client.sale_condition_id),
        (flt.state, client.state),
    )
    return (
        client.account_id == account_id
        and all(wanted is None or wanted == got for wanted, got in equal)
        and _contains(client.first_name, flt.first_name)
        and _contains(client.last_name, flt.last_name)
        and _contains(client.email, flt.email)
        and (flt.ids is None or client.id in flt.ids)
        and _searched(client, flt.search)
    )


class FakeClientRepository(ClientRepository):
    def __init__(self, store: ClientsStore) -> None:
        self.s = store

    async def add(self, account_id: int, values: Mapping[str, object], now: int) -> Client:
        client = Client(self.s.next_id(), account_id, created_at=now, updated_at=now)
        client = replace(client, **values)  # type: ignore[arg-type]
        self.s.clients[client.id] = client
        return client

    async def get(self, account_id: int, client_id: int) -> Client | None:
        client = self.s.clients.get(client_id)
        live = client_id not in self.s.merged_into
        return client if client and client.account_id == account_id and live else None

    async def get_for_update(self, account_id: int, client_id: int) -> Client | None:
        return await self.get(account_id, client_id)

    async def lock_code(self, account_id: int, code: str) -> None:
        return None  # one writer at a time in the fakes

    async def first_by_code(self, account_id: int, code: str) -> Client | None:
        found = self._matching(account_id, ClientFilter())
        return next((c for c in sorted(found, key=lambda c: c.id) if c.code == code), None)

    async def update(
        self, account_id: int, client_id: int, values: Mapping[str, object], now: int
    ) -> Client | None:
        client = await self.get(account_id, client_id)
        if client is None:
            return None
        client = replace(client, **values, updated_at=now)  # type: ignore[arg-type]
        self.s.clients[client_id] = client
        return client

    def _matching(self, account_id: int, flt: ClientFilter) -> list[Client]:
        found = [
            c
            for c in self.s.clients.values()
            if _matches(c, account_id, flt) and c.id not in self.s.merged_into
        ]
        return sorted(found, key=lambda c: c.id)

    def _catalogs(self, items: Sequence[Client], kinds: Collection[CatalogKind]) -> CatalogsById:
        out: CatalogsById = {}
        for kind in kinds:
            rows = self.s.catalogs[kind]
            linked = {getattr(c, f"{kind.value}_id") for c in items} - {None}
            out[kind] = {i: rows[i] for i in linked if i in rows}
        return out

    async def list_offset(
        self,
        account_id: int,
        flt: ClientFilter,
        limit: int,
        offset: int,
        catalogs: Collection[CatalogKind] = (),
    ) -> tuple[list[Client], CatalogsById]:
        items = self._matching(account_id, flt)[offset : offset + limit]
        return items, self._catalogs(items, catalogs)

    async def count(self, account_id: int, flt: ClientFilter) -> int:
        found = len(self._matching(account_id, flt))
        return found if flt.search is None else min(found, SEARCH_COUNT_BOUND)

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
        query = parse_search(flt.search)

        def key(c: Client) -> tuple[Any, int]:
            if sort is ClientSortField.RELEVANCE:
                return (0 if query is None else client_relevance(c, query), c.id)
            return (c.id if sort is ClientSortField.ID else getattr(c, sort.value), c.id)

        items = sorted(self._matching(account_id, flt), key=key, reverse=descending)
        if after is not None:
            items = [c for c in items if (key(c) < after if descending else key(c) > after)]
        items = items[:limit]
        return items, self._catalogs(items, catalogs)

    async def related(
        self, account_id: int, clients: Sequence[Client], relations: Collection[str]
    ) -> ClientRelated:
        ids = {c.id for c in clients}
        out = ClientRelated()
        if "contacts" in relations:
            for contact in sorted(self.s.contacts.values(), key=lambda x: x.id):
                if contact.account_id == account_id and contact.client_id in ids:
                    out.contacts.setdefault(contact.client_id, []).append(contact)
        if "addresses" in relations:
            for address in sorted(self.s.addresses.values(), key=lambda x: x.id):
                if address.account_id == account_id and address.client_id in ids:
                    out.addresses.setdefault(address.client_id, []).append(address)
        if "attributes" in relations:
            for client_id in ids:
                values = _attribute_values(self.s, account_id, client_id)
                if values:
                    out.attributes[client_id] = values
        found = self._catalogs(clients, [k for k in CatalogKind if k.value in relations])
        out.payment_types.update(found.get(CatalogKind.PAYMENT_TYPE, {}))
        out.price_lists.update(found.get(CatalogKind.PRICE_LIST, {}))
        out.sale_conditions.update(found.get(CatalogKind.SALE_CONDITION, {}))
        return out


class FakeClientReadModel(ClientReadModel):
    """Projected rows read from the fake repository's entities (columns are their fields)."""

    def __init__(self, clients: FakeClientRepository) -> None:
        self._clients = clients

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
        kinds = [kind for kind, _ in projection.catalogs]
        items, catalogs = await self._clients.list_keyset(
            account_id, flt, sort, descending, after, limit, kinds
        )
        rows = []
        for c in items:
            row = [getattr(c, name) for name in projection.columns]
            for kind, names in projection.catalogs:
                item = catalogs[kind].get(getattr(c, f"{kind.value}_id") or 0)
                row += [getattr(item, name) if item else None for name in names]
            rows.append(tuple(row))
        return rows

    async def children(
        self,
        account_id: int,
        relation: str,
        client_ids: Sequence[int],
        columns: tuple[str, ...],
        limit: int | None = None,
    ) -> builtins.list[tuple[Any, ...]]:
        if relation in ("documents", "unpaid", "points"):
            return self._ledger(account_id, relation, client_ids, columns, limit)
        clients = [c for c in self._clients.s.clients.values() if c.id in set(client_ids)]
        related = await self._clients.related(account_id, clients, {relation})
        rows: builtins.list[tuple[Any, ...]] = []
        for client_id in sorted(client_ids):
            for child in getattr(related, relation).get(client_id, []):
                if isinstance(child, AttributeValue):
                    named = {
                        "definition_id": child.attribute.id,
                        "name": child.attribute.name,
                        "value": child.value,
                    }
                    rows.append((client_id, *(named[n] for n in columns)))
                else:
                    rows.append((client_id, *(getattr(child, n) for n in columns)))
        return rows

    def _ledger(
        self,
        account_id: int,
        relation: str,
        client_ids: Sequence[int],
        columns: tuple[str, ...],
        limit: int | None,
    ) -> builtins.list[tuple[Any, ...]]:
        """Documents (by id; ``unpaid``: owing, by expiration date and id) or each client's
        ``limit`` latest points entries."""
        store = self._clients.s
        rows: builtins.list[tuple[Any, ...]] = []
        for client_id in sorted(client_ids):
            found: builtins.list[Any]
            if relation == "points":
                entries = [e for e in store.points.values() if e.client_id == client_id]
                found = sorted(entries, key=lambda e: -e.id)[:limit]
            else:
                found = sorted(
                    (d for d in store.documents.values() if d.client_id == client_id),
                    key=lambda d: (d.expiration_date, d.id) if relation == "unpaid" else d.id,
                )
                if relation == "unpaid":
                    found = [d for d in found if d.amount_owed > 0]
            rows += [
                (client_id, *(getattr(item, n) for n in columns))
                for item in found
                if item.account_id == account_id
            ]
        return rows


def _attribute_values(store: ClientsStore, account_id: int, client_id: int) -> list[AttributeValue]:
    return [
        AttributeValue(client_id, store.definitions[attr_id], value)
        for (owner, attr_id), value in sorted(store.values.items())
        if owner == client_id and store.definitions[attr_id].account_id == account_id
    ]


class FakeContactRepository(ContactRepository):
    def __init__(self, store: ClientsStore) -> None:
        self.s = store

    def _of(self, account_id: int, client_id: int) -> builtins.list[Contact]:
        found = [
            c
            for c in self.s.contacts.values()
            if c.account_id == account_id and c.client_id == client_id
        ]
        return sorted(found, key=lambda c: c.id)

    async def list(
        self, account_id: int, client_id: int, limit: int, offset: int
    ) -> builtins.list[Contact]:
        return self._of(account_id, client_id)[offset : offset + limit]

    async def count(self, account_id: int, client_id: int) -> int:
        return len(self._of(account_id, client_id))

    async def get(self, account_id: int, client_id: int, contact_id: int) -> Contact | None:
        return next((c for c in self._of(account_id, client_id) if c.id == contact_id), None)

    async def add(self, account_id: int, client_id: int, values: Mapping[str, object]) -> Contact:
        contact = replace(Contact(self.s.next_id(), account_id, client_id), **values)  # type: ignore[arg-type]
        self.s.contacts[contact.id] = contact
        return contact

    async def update(
        self, account_id: int, client_id: int, contact_id: int, values: Mapping[str, object]
    ) -> Contact | None:
        contact = await self.get(account_id, client_id, contact_id)
        if contact is None:
            return None
        contact = replace(contact, **values)  # type: ignore[arg-type]
        self.s.contacts[contact_id] = contact
        return contact

    async def delete(self, account_id: int, client_id: int, contact_id: int) -> bool:
        if await self.get(account_id, client_id, contact_id) is None:
            return False
        del self.s.contacts[contact_id]
        return True


class FakeAddressRepository(AddressRepository):
    def __init__(self, store: ClientsStore) -> None:
        self.s = store

    def _of(self, account_id: int, client_id: int, flt: AddressFilter) -> builtins.list[Address]:
        found = [
            a
            for a in self.s.addresses.values()
            if a.account_id == account_id
            and a.client_id == client_id
            and _contains(a.address, flt.address)
            and _contains(a.city, flt.city)
            and _contains(a.district, flt.district)
            and (flt.state is None or a.state == flt.state)
        ]
        return sorted(found, key=lambda a: a.id)

    async def list(
        self, account_id: int, client_id: int, flt: AddressFilter, limit: int, offset: int
    ) -> builtins.list[Address]:
        return self._of(account_id, client_id, flt)[offset : offset + limit]

    async def count(self, account_id: int, client_id: int, flt: AddressFilter) -> int:
        return len(self._of(account_id, client_id, flt))

    async def get(self, account_id: int, client_id: int, address_id: int) -> Address | None:
        found = self._of(account_id, client_id, AddressFilter())
        return next((a for a in found if a.id == address_id), None)

    async def add(self, account_id: int, client_id: int, values: Mapping[str, object]) -> Address:
        address = replace(Address(self.s.next_id(), account_id, client_id), **values)  # type: ignore[arg-type]
        self.s.addresses[address.id] = address
        return address

    async def update(
        self, account_id: int, client_id: int, address_id: int, values: Mapping[str, object]
    ) -> Address | None:
        address = await self.get(account_id, client_id, address_id)
        if address is None:
            return None
        address = replace(address, **values)  # type: ignore[arg-type]
        self.s.addresses[address_id] = address
        return address


class FakeAttributeRepository(AttributeRepository):
    def __init__(self, store: ClientsStore) -> None:
        self.s = store

    def _of(self, account_id: int) -> builtins.list[DynamicAttribute]:
        found = [d for d in self.s.definitions.values() if d.account_id == account_id]
        return sorted(found, key=lambda d: d.id)

    async def definitions(
        self, account_id: int, ids: Collection[int]
    ) -> dict[int, DynamicAttribute]:
        return {d.id: d for d in self._of(account_id) if d.id in ids}

    async def list_definitions(
        self, account_id: int, limit: int, offset: int
    ) -> builtins.list[DynamicAttribute]:
        return self._of(account_id)[offset : offset + limit]

    async def count_definitions(self, account_id: int) -> int:
        return len(self._of(account_id))

    async def add_definition(self, account_id: int, name: str) -> DynamicAttribute:
        definition = DynamicAttribute(self.s.next_id(), account_id, name)
        self.s.definitions[definition.id] = definition
        return definition

    async def values(self, account_id: int, client_id: int) -> builtins.list[AttributeValue]:
        return _attribute_values(self.s, account_id, client_id)

    async def set_values(self, account_id: int, client_id: int, values: Mapping[int, str]) -> None:
        for attr_id, value in values.items():
            self.s.values[(client_id, attr_id)] = value


class FakeCatalogRepository(CatalogRepository):
    def __init__(self, store: ClientsStore) -> None:
        self.s = store

    def _of(self, account_id: int, kind: CatalogKind) -> builtins.list[CatalogItem]:
        found = [i for i in self.s.catalogs[kind].values() if i.account_id == account_id]
        return sorted(found, key=lambda i: i.id)

    async def get(self, account_id: int, kind: CatalogKind, item_id: int) -> CatalogItem | None:
        return next((i for i in self._of(account_id, kind) if i.id == item_id), None)

    async def list(
        self, account_id: int, kind: CatalogKind, limit: int, offset: int
    ) -> builtins.list[CatalogItem]:
        return self._of(account_id, kind)[offset : offset + limit]

    async def count(self, account_id: int, kind: CatalogKind) -> int:
        return len(self._of(account_id, kind))

    async def add(self, account_id: int, kind: CatalogKind, name: str) -> CatalogItem:
        item = CatalogItem(self.s.next_id(), account_id, name)
        self.s.catalogs[kind][item.id] = item
        return item


class FakePointsRepository(PointsRepository):
    def __init__(self, store: ClientsStore) -> None:
        self.s = store

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
    ) -> PointsEntry:
        entry = PointsEntry(
            self.s.next_id(),
            account_id,
            client_id,
            operation,
            points,
            balance,
            description,
            order_id,
            now,
        )
        self.s.points[entry.id] = entry
        return entry

    async def list(self, account_id: int, client_id: int, limit: int) -> builtins.list[PointsEntry]:
        found = [
            e
            for e in self.s.points.values()
            if e.account_id == account_id and e.client_id == client_id
        ]
        return sorted(found, key=lambda e: -e.id)[:limit]

    async def latest_for_clients(
        self, account_id: int, client_ids: Collection[int], limit: int
    ) -> dict[int, builtins.list[PointsEntry]]:
        out = {cid: await self.list(account_id, cid, limit) for cid in client_ids}
        return {cid: entries for cid, entries in out.items() if entries}


class FakeDocumentRepository(DocumentRepository):
    def __init__(self, store: ClientsStore) -> None:
        self.s = store

    async def add(
        self,
        account_id: int,
        client_id: int,
        name: str,
        number: int,
        emission_date: int,
        expiration_date: int,
        total_amount: Decimal,
    ) -> Document:
        doc = Document(
            self.s.next_id(),
            account_id,
            client_id,
            name,
            number,
            emission_date,
            expiration_date,
            total_amount,
        )
        self.s.documents[doc.id] = doc
        return doc

    async def get(self, account_id: int, document_id: int) -> Document | None:
        doc = self.s.documents.get(document_id)
        return doc if doc and doc.account_id == account_id else None

    async def get_for_update(self, account_id: int, document_id: int) -> Document | None:
        return await self.get(account_id, document_id)

    def _of(self, account_id: int, client_ids: Collection[int]) -> list[Document]:
        found = [
            d
            for d in self.s.documents.values()
            if d.account_id == account_id and d.client_id in client_ids
        ]
        return sorted(found, key=lambda d: d.id)

    async def list_for_client(self, account_id: int, client_id: int) -> list[Document]:
        return self._of(account_id, {client_id})

    async def list_for_clients(
        self, account_id: int, client_ids: Collection[int]
    ) -> dict[int, list[Document]]:
        out: dict[int, list[Document]] = {}
        for doc in self._of(account_id, client_ids):
            out.setdefault(doc.client_id, []).append(doc)
        return out

    async def unpaid_for_client(self, account_id: int, client_id: int) -> list[Document]:
        return (await self.unpaid_for_clients(account_id, {client_id})).get(client_id, [])

    async def unpaid_for_clients(
        self, account_id: int, client_ids: Collection[int]
    ) -> dict[int, list[Document]]:
        unpaid = [d for d in self._of(account_id, client_ids) if d.paid_amount < d.total_amount]
        out: dict[int, list[Document]] = {}
        for doc in sorted(unpaid, key=lambda d: (d.expiration_date, d.id)):
            out.setdefault(doc.client_id, []).append(doc)
        return out

    async def add_payment(
        self, account_id: int, document_id: int, amount: Decimal, paid_at: int
    ) -> Payment:
        payment = Payment(self.s.next_id(), account_id, document_id, amount, paid_at)
        self.s.payments[payment.id] = payment
        doc = self.s.documents[document_id]
        self.s.documents[document_id] = replace(doc, paid_amount=doc.paid_amount + amount)
        return payment


class FakeClientsUnitOfWork(ClientsUnitOfWork):
    """Binds a fake of every repository to the store; without ``commit()`` the store is put
    back as it was on entry (nothing written), as a rolled-back transaction would leave it."""

    def __init__(self, store: ClientsStore, read_only: bool, log: list[str]) -> None:
        self._store = store
        self._read_only = read_only
        self._log = log
        self._saved: ClientsStore | None = None
        self._committed = False
        self._clients = FakeClientRepository(store)
        self._client_rows = FakeClientReadModel(self._clients)
        self._contacts = FakeContactRepository(store)
        self._addresses = FakeAddressRepository(store)
        self._attributes = FakeAttributeRepository(store)
        self._catalogs = FakeCatalogRepository(store)
        self._points = FakePointsRepository(store)
        self._documents = FakeDocumentRepository(store)
        self._merges = FakeMergeRepository(store)
        self._duplicates = FakeDuplicateRepository(store)
        self._history = ChangeBuffer()

    @property
    def history(self) -> ChangeRecorder:
        return self._history

    @property
    def clients(self) -> ClientRepository:
        return self._clients

    @property
    def client_rows(self) -> ClientReadModel:
        return self._client_rows

    @property
    def contacts(self) -> ContactRepository:
        return self._contacts

    @property
    def addresses(self) -> AddressRepository:
        return self._addresses

    @property
    def attributes(self) -> AttributeRepository:
        return self._attributes

    @property
    def catalogs(self) -> CatalogRepository:
        return self._catalogs

    @property
    def points(self) -> PointsRepository:
        return self._points

    @property
    def documents(self) -> DocumentRepository:
        return self._documents

    @property
    def merges(self) -> MergeRepository:
        return self._merges

    @property
    def duplicates(self) -> DuplicateRepository:
        return self._duplicates

    async def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("read-only unit of work cannot commit")
        self._committed = True
        self._store.changes.extend(self._history.take())
        self._log.append("commit")

    async def __aenter__(self) -> FakeClientsUnitOfWork:
        self._saved = copy.deepcopy(self._store)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if not self._committed and self._saved is not None:
            self._store.__dict__.update(self._saved.__dict__)
            if not self._read_only:
                self._log.append("rollback")


class FakeUowFactory:
    """What the services are given: ``async with factory(read_only=True) as uow``. ``log``
    records each ``commit`` and each ``rollback`` (a writing unit of work left without
    commit)."""

    def __init__(self, store: ClientsStore | None = None) -> None:
        self.store = store or ClientsStore()
        self.log: list[str] = []

    def __call__(self, *, read_only: bool = False) -> FakeClientsUnitOfWork:
        return FakeClientsUnitOfWork(self.store, read_only, self.log)
