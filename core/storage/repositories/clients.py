"""SQL repositories of the clients context. Every statement filters on ``account_id``."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    Table,
    and_,
    bindparam,
    delete,
    func,
    insert,
    select,
    tuple_,
    update,
)
from sqlalchemy.ext.asyncio import AsyncConnection

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
)
from core.storage.tables.clients import (
    addresses,
    attribute_values,
    clients,
    contacts,
    documents,
    dynamic_attributes,
    payment_types,
    payments,
    points_entries,
    price_lists,
    sale_conditions,
)

CLIENT_COLUMNS = [clients.c[f] for f in Client.__dataclass_fields__]
_CONTACT_COLUMNS = [contacts.c[f] for f in Contact.__dataclass_fields__]
_ADDRESS_COLUMNS = [addresses.c[f] for f in Address.__dataclass_fields__]
_CATALOGS: dict[CatalogKind, Table] = {
    CatalogKind.PAYMENT_TYPE: payment_types,
    CatalogKind.PRICE_LIST: price_lists,
    CatalogKind.SALE_CONDITION: sale_conditions,
}
_SORT_COLUMNS = {
    ClientSortField.ID: clients.c.id,
    ClientSortField.CREATED_AT: clients.c.created_at,
    ClientSortField.UPDATED_AT: clients.c.updated_at,
    ClientSortField.CODE: clients.c.code,
}


_CLIENT_WIDTH = len(CLIENT_COLUMNS)


def client_from_row(row: Any) -> Client:
    # Columns are selected in field order: positional construction skips a dict per row.
    return Client(*row[:_CLIENT_WIDTH])


_CATALOG_FK = {
    CatalogKind.PAYMENT_TYPE: clients.c.payment_type_id,
    CatalogKind.PRICE_LIST: clients.c.price_list_id,
    CatalogKind.SALE_CONDITION: clients.c.sale_condition_id,
}


@functools.cache
def _page_select_for(kinds: tuple[CatalogKind, ...]) -> Select[Any]:
    """Clients with the linked rows of ``kinds`` LEFT JOINed in, one round trip."""
    columns: list[Any] = list(CLIENT_COLUMNS)
    source: Any = clients
    for kind in kinds:
        table = _CATALOGS[kind].alias(f"cat_{kind.value}")
        columns += [
            table.c.name.label(f"{kind.value}__name"),
            table.c.state.label(f"{kind.value}__state"),
        ]
        source = source.outerjoin(
            table, and_(table.c.id == _CATALOG_FK[kind], table.c.account_id == clients.c.account_id)
        )
    return select(*columns).select_from(source)


def _rows_with_catalogs(result: Any, kinds: list[CatalogKind]) -> tuple[list[Client], CatalogsById]:
    rows = result.all()
    if not kinds:
        return [Client(*row) for row in rows], {}
    found: CatalogsById = {kind: {} for kind in kinds}
    out: list[Client] = []
    # The joined catalog columns follow the client's: (name, state) per kind, in order.
    offsets = [
        (kind, _CATALOG_FK[kind].name, _CLIENT_WIDTH + 2 * n) for n, kind in enumerate(kinds)
    ]
    for row in rows:
        client = Client(*row[:_CLIENT_WIDTH])
        out.append(client)
        for kind, fk, at in offsets:
            item_id = getattr(client, fk)
            if item_id is not None and row[at] is not None:
                found[kind][item_id] = CatalogItem(item_id, client.account_id, row[at], row[at + 1])
    return out, found


# Children of a page: built once, bound per call (``ids`` expands to the page's ids).
_CONTACTS_OF = (
    select(*_CONTACT_COLUMNS)
    .where(
        contacts.c.account_id == bindparam("account_id"),
        contacts.c.client_id.in_(bindparam("ids", expanding=True)),
    )
    .order_by(contacts.c.client_id, contacts.c.id)
)
_ADDRESSES_OF = (
    select(*_ADDRESS_COLUMNS)
    .where(
        addresses.c.account_id == bindparam("account_id"),
        addresses.c.client_id.in_(bindparam("ids", expanding=True)),
    )
    .order_by(addresses.c.client_id, addresses.c.id)
)
_ATTRIBUTES_OF = (
    select(
        attribute_values.c.client_id,
        attribute_values.c.value,
        dynamic_attributes.c.id,
        dynamic_attributes.c.name,
        dynamic_attributes.c.state,
    )
    .join(dynamic_attributes, dynamic_attributes.c.id == attribute_values.c.dynamic_attribute_id)
    .where(
        attribute_values.c.account_id == bindparam("account_id"),
        attribute_values.c.client_id.in_(bindparam("ids", expanding=True)),
    )
    .order_by(attribute_values.c.client_id, dynamic_attributes.c.id)
)


# Client lists are built once per *shape* (which filters are set, sort, catalogs joined) with
# bound parameters, and bound per call: building and cache-keying a statement costs more than
# running a short indexed query.
_TEXT_FILTERS = ("first_name", "last_name", "email")
_EQUAL_FILTERS = ("code", "payment_type_id", "sale_condition_id", "state")


def _like_pattern(value: str) -> str:
    """A case-insensitive substring pattern; ``/`` escapes the LIKE wildcards."""
    escaped = value.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


def _filter_shape(flt: ClientFilter) -> tuple[str, ...]:
    shape = [name for name in _EQUAL_FILTERS if getattr(flt, name) is not None]
    shape += [name for name in _TEXT_FILTERS if getattr(flt, name)]
    if flt.ids is not None:
        shape.append("ids")
    return tuple(shape)


def _filter_params(account_id: int, flt: ClientFilter, shape: tuple[str, ...]) -> dict[str, Any]:
    params: dict[str, Any] = {"f_account_id": account_id}
    for name in shape:
        value = getattr(flt, name)
        if name in _TEXT_FILTERS:
            value = _like_pattern(value)
        elif name == "ids":
            value = list(value)
        params[f"f_{name}"] = value
    return params


@functools.cache
def _conditions(shape: tuple[str, ...]) -> tuple[ColumnElement[bool], ...]:
    conds: list[ColumnElement[bool]] = [clients.c.account_id == bindparam("f_account_id")]
    for name in shape:
        if name in _TEXT_FILTERS:
            conds.append(clients.c[name].ilike(bindparam(f"f_{name}"), escape="/"))
        elif name == "ids":
            conds.append(clients.c.id.in_(bindparam("f_ids", expanding=True)))
        else:
            conds.append(clients.c[name] == bindparam(f"f_{name}"))
    return tuple(conds)


@functools.cache
def _offset_query(kinds: tuple[CatalogKind, ...], shape: tuple[str, ...]) -> Select[Any]:
    return (
        _page_select_for(kinds)
        .where(*_conditions(shape))
        .order_by(clients.c.id)
        .limit(bindparam("f_limit"))
        .offset(bindparam("f_offset"))
    )


@functools.cache
def _count_query(shape: tuple[str, ...]) -> Select[Any]:
    return select(func.count()).select_from(clients).where(*_conditions(shape))


@functools.cache
def _keyset_query(
    kinds: tuple[CatalogKind, ...],
    shape: tuple[str, ...],
    sort: ClientSortField,
    descending: bool,
    after: bool,
) -> Select[Any]:
    col = _SORT_COLUMNS[sort]
    conds = list(_conditions(shape))
    if after:
        last_id: BindParameter[int] = bindparam("k_id")
        if sort is ClientSortField.ID:
            conds.append(clients.c.id < last_id if descending else clients.c.id > last_id)
        else:
            key = tuple_(col, clients.c.id)
            bound = tuple_(bindparam("k_value"), last_id)
            conds.append(key < bound if descending else key > bound)
    order = [col.desc(), clients.c.id.desc()] if descending else [col, clients.c.id]
    if sort is ClientSortField.ID:
        order = order[:1]
    return _page_select_for(kinds).where(*conds).order_by(*order).limit(bindparam("f_limit"))


class SqlClientRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, account_id: int, values: Mapping[str, object], now: int) -> Client:
        row = {**values, "account_id": account_id, "created_at": now, "updated_at": now}
        result = await self._conn.execute(insert(clients).values(row).returning(*CLIENT_COLUMNS))
        return client_from_row(result.one())

    async def get(self, account_id: int, client_id: int) -> Client | None:
        row = (
            await self._conn.execute(
                select(*CLIENT_COLUMNS).where(
                    clients.c.account_id == account_id, clients.c.id == client_id
                )
            )
        ).first()
        return client_from_row(row) if row else None

    async def get_for_update(self, account_id: int, client_id: int) -> Client | None:
        row = (
            await self._conn.execute(
                select(*CLIENT_COLUMNS)
                .where(clients.c.account_id == account_id, clients.c.id == client_id)
                .with_for_update()
            )
        ).first()
        return client_from_row(row) if row else None

    async def first_by_code(self, account_id: int, code: str) -> Client | None:
        row = (
            await self._conn.execute(
                select(*CLIENT_COLUMNS)
                .where(clients.c.account_id == account_id, clients.c.code == code)
                .order_by(clients.c.id)
                .limit(1)
            )
        ).first()
        return client_from_row(row) if row else None

    async def update(
        self, account_id: int, client_id: int, values: Mapping[str, object], now: int
    ) -> Client | None:
        row = (
            await self._conn.execute(
                update(clients)
                .where(clients.c.account_id == account_id, clients.c.id == client_id)
                .values({**values, "updated_at": now})
                .returning(*CLIENT_COLUMNS)
            )
        ).first()
        return client_from_row(row) if row else None

    async def list_offset(
        self,
        account_id: int,
        flt: ClientFilter,
        limit: int,
        offset: int,
        catalogs: Collection[CatalogKind] = (),
    ) -> tuple[list[Client], CatalogsById]:
        kinds = [k for k in CatalogKind if k in catalogs]
        shape = _filter_shape(flt)
        params = _filter_params(account_id, flt, shape)
        params.update(f_limit=limit, f_offset=offset)
        rows = await self._conn.execute(_offset_query(tuple(kinds), shape), params)
        return _rows_with_catalogs(rows, kinds)

    async def count(self, account_id: int, flt: ClientFilter) -> int:
        shape = _filter_shape(flt)
        result = await self._conn.execute(
            _count_query(shape), _filter_params(account_id, flt, shape)
        )
        return int(result.scalar_one())

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
        kinds = [k for k in CatalogKind if k in catalogs]
        shape = _filter_shape(flt)
        params = _filter_params(account_id, flt, shape)
        params["f_limit"] = limit
        if after is not None:
            params["k_value"], params["k_id"] = after
        query = _keyset_query(tuple(kinds), shape, sort, descending, after is not None)
        rows = await self._conn.execute(query, params)
        return _rows_with_catalogs(rows, kinds)

    async def related(
        self, account_id: int, items: Sequence[Client], relations: Collection[str]
    ) -> ClientRelated:
        ids = [c.id for c in items]
        result = ClientRelated()
        params = {"account_id": account_id, "ids": ids}
        if "contacts" in relations:
            rows = (await self._conn.execute(_CONTACTS_OF, params)).all()
            for r in rows:  # columns in field order; client_id is the third
                result.contacts.setdefault(r[2], []).append(Contact(*r))
        if "addresses" in relations:
            rows = (await self._conn.execute(_ADDRESSES_OF, params)).all()
            for r in rows:
                result.addresses.setdefault(r[2], []).append(Address(*r))
        if "attributes" in relations:
            result.attributes.update(await _attribute_values(self._conn, account_id, ids))
        for relation, kind, target, attr in (
            ("payment_type", CatalogKind.PAYMENT_TYPE, result.payment_types, "payment_type_id"),
            ("price_list", CatalogKind.PRICE_LIST, result.price_lists, "price_list_id"),
            (
                "sale_condition",
                CatalogKind.SALE_CONDITION,
                result.sale_conditions,
                "sale_condition_id",
            ),
        ):
            if relation not in relations:
                continue
            wanted = {getattr(c, attr) for c in items} - {None}
            if wanted:
                table = _CATALOGS[kind]
                found = await self._conn.execute(
                    select(table).where(table.c.account_id == account_id, table.c.id.in_(wanted))
                )
                target.update({r.id: CatalogItem(*r) for r in found})
        return result


async def _attribute_values(
    conn: AsyncConnection, account_id: int, client_ids: Sequence[int]
) -> dict[int, list[AttributeValue]]:
    rows = (
        await conn.execute(_ATTRIBUTES_OF, {"account_id": account_id, "ids": list(client_ids)})
    ).all()
    out: dict[int, list[AttributeValue]] = defaultdict(list)
    definitions: dict[int, DynamicAttribute] = {}
    for client_id, value, attr_id, name, state in rows:
        definition = definitions.get(attr_id)
        if definition is None:
            definition = definitions[attr_id] = DynamicAttribute(attr_id, account_id, name, state)
        out[client_id].append(AttributeValue(client_id, definition, value))
    return out


class SqlContactRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    def _scope(self, account_id: int, client_id: int) -> list[ColumnElement[bool]]:
        return [contacts.c.account_id == account_id, contacts.c.client_id == client_id]

    async def list(self, account_id: int, client_id: int, limit: int, offset: int) -> list[Contact]:
        rows = await self._conn.execute(
            select(*_CONTACT_COLUMNS)
            .where(*self._scope(account_id, client_id))
            .order_by(contacts.c.id)
            .limit(limit)
            .offset(offset)
        )
        return [Contact(**r._mapping) for r in rows]

    async def count(self, account_id: int, client_id: int) -> int:
        result = await self._conn.execute(
            select(func.count()).select_from(contacts).where(*self._scope(account_id, client_id))
        )
        return int(result.scalar_one())

    async def get(self, account_id: int, client_id: int, contact_id: int) -> Contact | None:
        row = (
            await self._conn.execute(
                select(*_CONTACT_COLUMNS).where(
                    *self._scope(account_id, client_id), contacts.c.id == contact_id
                )
            )
        ).first()
        return Contact(**row._mapping) if row else None

    async def add(self, account_id: int, client_id: int, values: Mapping[str, object]) -> Contact:
        row = (
            await self._conn.execute(
                insert(contacts)
                .values({**values, "account_id": account_id, "client_id": client_id})
                .returning(*_CONTACT_COLUMNS)
            )
        ).one()
        return Contact(**row._mapping)

    async def update(
        self, account_id: int, client_id: int, contact_id: int, values: Mapping[str, object]
    ) -> Contact | None:
        if not values:
            return await self.get(account_id, client_id, contact_id)
        row = (
            await self._conn.execute(
                update(contacts)
                .where(*self._scope(account_id, client_id), contacts.c.id == contact_id)
                .values(dict(values))
                .returning(*_CONTACT_COLUMNS)
            )
        ).first()
        return Contact(**row._mapping) if row else None

    async def delete(self, account_id: int, client_id: int, contact_id: int) -> bool:
        result = await self._conn.execute(
            delete(contacts).where(*self._scope(account_id, client_id), contacts.c.id == contact_id)
        )
        return bool(result.rowcount)


class SqlAddressRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    def _where(
        self, account_id: int, client_id: int, flt: AddressFilter
    ) -> list[ColumnElement[bool]]:
        conds: list[ColumnElement[bool]] = [
            addresses.c.account_id == account_id,
            addresses.c.client_id == client_id,
        ]
        for name in ("address", "city", "district"):
            value = getattr(flt, name)
            if value:
                conds.append(addresses.c[name].icontains(value, autoescape=True))
        if flt.state is not None:
            conds.append(addresses.c.state == flt.state)
        return conds

    async def list(
        self, account_id: int, client_id: int, flt: AddressFilter, limit: int, offset: int
    ) -> list[Address]:
        rows = await self._conn.execute(
            select(*_ADDRESS_COLUMNS)
            .where(*self._where(account_id, client_id, flt))
            .order_by(addresses.c.id)
            .limit(limit)
            .offset(offset)
        )
        return [Address(**r._mapping) for r in rows]

    async def count(self, account_id: int, client_id: int, flt: AddressFilter) -> int:
        result = await self._conn.execute(
            select(func.count())
            .select_from(addresses)
            .where(*self._where(account_id, client_id, flt))
        )
        return int(result.scalar_one())

    async def get(self, account_id: int, client_id: int, address_id: int) -> Address | None:
        row = (
            await self._conn.execute(
                select(*_ADDRESS_COLUMNS).where(
                    addresses.c.account_id == account_id,
                    addresses.c.client_id == client_id,
                    addresses.c.id == address_id,
                )
            )
        ).first()
        return Address(**row._mapping) if row else None

    async def add(self, account_id: int, client_id: int, values: Mapping[str, object]) -> Address:
        row = (
            await self._conn.execute(
                insert(addresses)
                .values({**values, "account_id": account_id, "client_id": client_id, "state": 0})
                .returning(*_ADDRESS_COLUMNS)
            )
        ).one()
        return Address(**row._mapping)

    async def update(
        self, account_id: int, client_id: int, address_id: int, values: Mapping[str, object]
    ) -> Address | None:
        if not values:
            return await self.get(account_id, client_id, address_id)
        row = (
            await self._conn.execute(
                update(addresses)
                .where(
                    addresses.c.account_id == account_id,
                    addresses.c.client_id == client_id,
                    addresses.c.id == address_id,
                )
                .values(dict(values))
                .returning(*_ADDRESS_COLUMNS)
            )
        ).first()
        return Address(**row._mapping) if row else None


class SqlAttributeRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def definitions(
        self, account_id: int, ids: Collection[int]
    ) -> dict[int, DynamicAttribute]:
        if not ids:
            return {}
        rows = await self._conn.execute(
            select(dynamic_attributes).where(
                dynamic_attributes.c.account_id == account_id,
                dynamic_attributes.c.id.in_(list(ids)),
            )
        )
        return {r.id: DynamicAttribute(**r._mapping) for r in rows}

    async def list_definitions(
        self, account_id: int, limit: int, offset: int
    ) -> list[DynamicAttribute]:
        rows = await self._conn.execute(
            select(dynamic_attributes)
            .where(dynamic_attributes.c.account_id == account_id)
            .order_by(dynamic_attributes.c.id)
            .limit(limit)
            .offset(offset)
        )
        return [DynamicAttribute(**r._mapping) for r in rows]

    async def count_definitions(self, account_id: int) -> int:
        result = await self._conn.execute(
            select(func.count())
            .select_from(dynamic_attributes)
            .where(dynamic_attributes.c.account_id == account_id)
        )
        return int(result.scalar_one())

    async def add_definition(self, account_id: int, name: str) -> DynamicAttribute:
        row = (
            await self._conn.execute(
                insert(dynamic_attributes)
                .values(account_id=account_id, name=name, state=0)
                .returning(*dynamic_attributes.c)
            )
        ).one()
        return DynamicAttribute(**row._mapping)

    async def values(self, account_id: int, client_id: int) -> list[AttributeValue]:
        return (await _attribute_values(self._conn, account_id, [client_id])).get(client_id, [])

    async def set_values(self, account_id: int, client_id: int, values: Mapping[int, str]) -> None:
        if not values:
            return
        await self._conn.execute(
            delete(attribute_values).where(
                attribute_values.c.account_id == account_id,
                attribute_values.c.client_id == client_id,
                attribute_values.c.dynamic_attribute_id.in_(list(values)),
            )
        )
        await self._conn.execute(
            insert(attribute_values),
            [
                {
                    "account_id": account_id,
                    "client_id": client_id,
                    "dynamic_attribute_id": attr_id,
                    "value": value,
                }
                for attr_id, value in values.items()
            ],
        )


class SqlCatalogRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def get(self, account_id: int, kind: CatalogKind, item_id: int) -> CatalogItem | None:
        table = _CATALOGS[kind]
        row = (
            await self._conn.execute(
                select(table).where(table.c.account_id == account_id, table.c.id == item_id)
            )
        ).first()
        return CatalogItem(**row._mapping) if row else None

    async def list(
        self, account_id: int, kind: CatalogKind, limit: int, offset: int
    ) -> list[CatalogItem]:
        table = _CATALOGS[kind]
        rows = await self._conn.execute(
            select(table)
            .where(table.c.account_id == account_id)
            .order_by(table.c.id)
            .limit(limit)
            .offset(offset)
        )
        return [CatalogItem(**r._mapping) for r in rows]

    async def count(self, account_id: int, kind: CatalogKind) -> int:
        table = _CATALOGS[kind]
        result = await self._conn.execute(
            select(func.count()).select_from(table).where(table.c.account_id == account_id)
        )
        return int(result.scalar_one())

    async def add(self, account_id: int, kind: CatalogKind, name: str) -> CatalogItem:
        table = _CATALOGS[kind]
        row = (
            await self._conn.execute(
                insert(table).values(account_id=account_id, name=name, state=0).returning(*table.c)
            )
        ).one()
        return CatalogItem(**row._mapping)


class SqlPointsRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

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
        row = (
            await self._conn.execute(
                insert(points_entries)
                .values(
                    account_id=account_id,
                    client_id=client_id,
                    operation=int(operation),
                    points=points,
                    balance=balance,
                    description=description,
                    order_id=order_id,
                    created_at=now,
                )
                .returning(*points_entries.c)
            )
        ).one()
        return _points_entry(row)

    async def list(self, account_id: int, client_id: int, limit: int) -> list[PointsEntry]:
        rows = await self._conn.execute(
            select(points_entries)
            .where(
                points_entries.c.account_id == account_id, points_entries.c.client_id == client_id
            )
            .order_by(points_entries.c.id.desc())
            .limit(limit)
        )
        return [_points_entry(r) for r in rows]


def _points_entry(row: Any) -> PointsEntry:
    data = dict(row._mapping)
    data["operation"] = PointsOperation(data["operation"])
    return PointsEntry(**data)


_DOC_COLUMNS = [documents.c[f] for f in Document.__dataclass_fields__]


def _document(row: Any) -> Document:
    data = dict(row._mapping)
    data["total_amount"] = Decimal(data["total_amount"])
    data["paid_amount"] = Decimal(data["paid_amount"])
    return Document(**data)


class SqlDocumentRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

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
        row = (
            await self._conn.execute(
                insert(documents)
                .values(
                    account_id=account_id,
                    client_id=client_id,
                    name=name,
                    number=number,
                    emission_date=emission_date,
                    expiration_date=expiration_date,
                    total_amount=total_amount,
                    paid_amount=Decimal(0),
                )
                .returning(*_DOC_COLUMNS)
            )
        ).one()
        return _document(row)

    async def get(self, account_id: int, document_id: int) -> Document | None:
        row = (
            await self._conn.execute(
                select(*_DOC_COLUMNS).where(
                    documents.c.account_id == account_id, documents.c.id == document_id
                )
            )
        ).first()
        return _document(row) if row else None

    async def get_for_update(self, account_id: int, document_id: int) -> Document | None:
        # SELECT ... FOR UPDATE on PostgreSQL; SQLite's write units already hold the
        # database's write lock (BEGIN IMMEDIATE), and SQLAlchemy omits the clause there.
        row = (
            await self._conn.execute(
                select(*_DOC_COLUMNS)
                .where(documents.c.account_id == account_id, documents.c.id == document_id)
                .with_for_update()
            )
        ).first()
        return _document(row) if row else None

    async def list_for_client(self, account_id: int, client_id: int) -> list[Document]:
        rows = await self._conn.execute(
            select(*_DOC_COLUMNS)
            .where(documents.c.account_id == account_id, documents.c.client_id == client_id)
            .order_by(documents.c.id)
        )
        return [_document(r) for r in rows]

    async def unpaid_for_client(self, account_id: int, client_id: int) -> list[Document]:
        rows = await self._conn.execute(
            select(*_DOC_COLUMNS)
            .where(
                documents.c.account_id == account_id,
                documents.c.client_id == client_id,
                documents.c.paid_amount < documents.c.total_amount,
            )
            .order_by(documents.c.expiration_date, documents.c.id)
        )
        return [_document(r) for r in rows]

    async def add_payment(
        self, account_id: int, document_id: int, amount: Decimal, paid_at: int
    ) -> Payment:
        row = (
            await self._conn.execute(
                insert(payments)
                .values(
                    account_id=account_id, document_id=document_id, amount=amount, paid_at=paid_at
                )
                .returning(*payments.c)
            )
        ).one()
        await self._conn.execute(
            update(documents)
            .where(documents.c.account_id == account_id, documents.c.id == document_id)
            .values(paid_amount=documents.c.paid_amount + amount)
        )
        data = dict(row._mapping)
        data["amount"] = Decimal(data["amount"])
        return Payment(**data)


__all__ = [
    "CLIENT_COLUMNS",
    "SqlAddressRepository",
    "SqlAttributeRepository",
    "SqlCatalogRepository",
    "SqlClientRepository",
    "SqlContactRepository",
    "SqlDocumentRepository",
    "SqlPointsRepository",
]
