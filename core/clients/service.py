"""Use cases of the clients context. Each public method is one transaction."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from decimal import Decimal, InvalidOperation

from core.accounts.model import Account
from core.clients.errors import ClientNotFound
from core.clients.model import (
    ACTIVE,
    CATALOG_RELATIONS,
    CLIENT_WRITABLE,
    FLAG_FIELDS,
    INACTIVE,
    RELATIONS,
    Address,
    AddressFilter,
    AttributeValue,
    CatalogItem,
    CatalogKind,
    CatalogsById,
    Client,
    ClientChanges,
    ClientFilter,
    ClientRelated,
    ClientSortField,
    Contact,
    Document,
    DynamicAttribute,
    Payment,
    PointsEntry,
    PointsOperation,
    UnpaidSummary,
)
from core.clients.ports import ClientsUnitOfWork
from core.shared.clock import Clock
from core.shared.errors import FieldError, InvalidInput, NotFound
from core.shared.pagination import KeysetPage, OffsetPage, check_limit_offset
from core.shared.taxid import FOREIGNER_RUT, check_tax_id, normalise_for_lookup

UowFactory = Callable[..., AbstractAsyncContextManager[ClientsUnitOfWork]]

MAX_LIMIT = 50
MAX_PAGE = 100
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LONG_TEXT = frozenset({"note", "address"})
_CATALOG_FIELDS = {
    "payment_type_id": CatalogKind.PAYMENT_TYPE,
    "price_list_id": CatalogKind.PRICE_LIST,
    "sale_condition_id": CatalogKind.SALE_CONDITION,
}
_CONTACT_FIELDS = ("first_name", "last_name", "phone", "email")
_ADDRESS_FIELDS = ("address_name", "address", "city", "district")


def _check_text(field: str, value: object, errors: list[FieldError], limit: int = 255) -> None:
    if value is None:
        return
    if not isinstance(value, str):
        errors.append(FieldError(field, "must be a string", "WRONG_TYPE"))
    elif len(value) > limit:
        errors.append(FieldError(field, f"must be at most {limit} characters", "TOO_LONG"))
    elif "\x00" in value:
        # PostgreSQL text cannot hold NUL; refuse it everywhere so both databases agree.
        errors.append(FieldError(field, "must not contain NUL characters", "INVALID"))


def _check_email(field: str, value: object, errors: list[FieldError]) -> None:
    _check_text(field, value, errors, 254)
    if isinstance(value, str) and value and not _EMAIL.match(value):
        errors.append(FieldError(field, "is not a valid e-mail address", "INVALID_EMAIL"))


def _check_plain_fields(
    values: Mapping[str, object], allowed: Sequence[str], errors: list[FieldError]
) -> None:
    for key, value in values.items():
        if key not in allowed:
            errors.append(FieldError(key, "is not a known field", "UNKNOWN_FIELD"))
        elif key == "email":
            _check_email(key, value, errors)
        else:
            _check_text(key, value, errors)


class ClientService:
    def __init__(self, uow: UowFactory, clock: Clock) -> None:
        self._uow = uow
        self._clock = clock

    # -- validation ---------------------------------------------------------------------------

    async def _validated(
        self,
        uow: ClientsUnitOfWork,
        account: Account,
        changes: ClientChanges,
        current: Client | None,
    ) -> dict[str, object]:
        errors: list[FieldError] = []
        values: dict[str, object] = {}
        for key, value in changes.values.items():
            types = CLIENT_WRITABLE.get(key)
            if types is None:
                errors.append(FieldError(key, "is not a known field", "UNKNOWN_FIELD"))
                continue
            if value is None:
                if key in ("state", "company_or_person", "accumulate_points", "send_dte"):
                    errors.append(FieldError(key, "must not be null", "REQUIRED"))
                    continue
                values[key] = "" if key == "code" else None
                continue
            if isinstance(value, bool) or not isinstance(value, types):
                kind = "a string" if types == (str,) else "a number"
                errors.append(FieldError(key, f"must be {kind}", "WRONG_TYPE"))
                continue
            if key in FLAG_FIELDS and value not in (0, 1):
                errors.append(FieldError(key, "must be 0 or 1", "OUT_OF_RANGE"))
                continue
            if key == "max_credit":
                assert isinstance(value, int | float)
                if value < 0 or value > 1e15 or value != value:
                    errors.append(FieldError(key, "must be between 0 and 1e15", "OUT_OF_RANGE"))
                    continue
                value = float(value)
            elif key.endswith("_id") and isinstance(value, int) and key != "prestashop_client_id":
                kind = _CATALOG_FIELDS[key]
                if await uow.catalogs.get(account.id, kind, value) is None:
                    errors.append(FieldError(key, f"{kind.value} {value} not found", "NOT_FOUND"))
                    continue
            elif key == "email":
                _check_email(key, value, errors)
            elif isinstance(value, str):
                _check_text(key, value, errors, 2000 if key in _LONG_TEXT else 255)
            values[key] = value.strip() if isinstance(value, str) and key != "note" else value

        is_foreigner = values.get("is_foreigner", current.is_foreigner if current else 0)
        if "code" in values or current is None:
            raw = str(values.get("code") or "")
            if not raw and is_foreigner == 1:
                values["code"], values["code_valid"] = FOREIGNER_RUT, None
            else:
                check = check_tax_id(account.country, raw)
                if check.valid is False and account.strict_tax_ids:
                    errors.append(
                        FieldError("code", check.message or "invalid tax id", "INVALID_TAX_ID")
                    )
                values["code"], values["code_valid"] = check.value, check.valid

        if current is None:
            named = any(values.get(k) for k in ("first_name", "last_name", "company", "code"))
            if not named:
                errors.append(
                    FieldError(
                        "first_name",
                        "a client needs at least one of first name, last name, company or code",
                        "REQUIRED",
                    )
                )
        if changes.attributes is not None:
            ids = [a.dynamic_attribute_id for a in changes.attributes]
            known = await uow.attributes.definitions(account.id, ids)
            for index, attr in enumerate(changes.attributes):
                if attr.dynamic_attribute_id not in known:
                    errors.append(
                        FieldError(
                            f"dynamic_attributes[{index}].dynamic_attribute_id",
                            f"dynamic attribute {attr.dynamic_attribute_id} not found",
                            "NOT_FOUND",
                        )
                    )
                _check_text(f"dynamic_attributes[{index}].value", attr.value, errors, 2000)
        if errors:
            raise InvalidInput(errors)
        return values

    # -- clients ------------------------------------------------------------------------------

    async def create(self, account: Account, changes: ClientChanges) -> Client:
        async with self._uow() as uow:
            values = await self._validated(uow, account, changes, None)
            client = await uow.clients.add(account.id, values, self._clock.now())
            if changes.attributes:
                await uow.attributes.set_values(
                    account.id,
                    client.id,
                    {a.dynamic_attribute_id: a.value for a in changes.attributes},
                )
            await uow.commit()
        return client

    async def update(self, account: Account, client_id: int, changes: ClientChanges) -> Client:
        async with self._uow() as uow:
            current = await uow.clients.get_for_update(account.id, client_id)
            if current is None:
                raise ClientNotFound(client_id)
            values = await self._validated(uow, account, changes, current)
            client = await uow.clients.update(account.id, client_id, values, self._clock.now())
            assert client is not None
            if changes.attributes:
                await uow.attributes.set_values(
                    account.id,
                    client_id,
                    {a.dynamic_attribute_id: a.value for a in changes.attributes},
                )
            await uow.commit()
        return client

    async def deactivate(self, account: Account, client_id: int) -> Client:
        """Soft delete: the client goes to state 1 and keeps its documents."""
        async with self._uow() as uow:
            client = await uow.clients.update(
                account.id, client_id, {"state": INACTIVE}, self._clock.now()
            )
            if client is None:
                raise ClientNotFound(client_id)
            await uow.commit()
        return client

    async def get(self, account: Account, client_id: int) -> Client:
        async with self._uow(read_only=True) as uow:
            client = await uow.clients.get(account.id, client_id)
        if client is None:
            raise ClientNotFound(client_id)
        return client

    async def get_many(self, account: Account, ids: Collection[int]) -> dict[int, Client]:
        if not ids:
            return {}
        async with self._uow(read_only=True) as uow:
            found, _ = await uow.clients.list_offset(
                account.id, ClientFilter(ids=tuple(ids)), len(ids), 0
            )
        return {c.id: c for c in found}

    async def get_by_code(self, account: Account, code: str) -> Client:
        async with self._uow(read_only=True) as uow:
            client = await uow.clients.first_by_code(
                account.id, normalise_for_lookup(account.country, code)
            )
        if client is None:
            raise ClientNotFound(code)
        return client

    def _normalised(self, account: Account, flt: ClientFilter) -> ClientFilter:
        if flt.state is not None and flt.state not in (ACTIVE, INACTIVE):
            raise InvalidInput.single("state", "must be 0 or 1", "OUT_OF_RANGE")
        if flt.code is None:
            return flt
        return ClientFilter(
            **{**flt.__dict__, "code": normalise_for_lookup(account.country, flt.code)}
        )

    async def list_clients(
        self,
        account: Account,
        flt: ClientFilter,
        limit: int,
        offset: int,
        relations: Collection[str] = (),
    ) -> tuple[OffsetPage[Client], ClientRelated]:
        check_limit_offset(limit, offset, max_limit=MAX_LIMIT)
        flt = self._normalised(account, flt)
        joined, rest = _split_relations(relations)
        async with self._uow(read_only=True) as uow:
            items, catalogs = await uow.clients.list_offset(account.id, flt, limit, offset, joined)
            if len(items) < limit and (items or offset == 0):
                total = offset + len(items)  # the last page tells the total without counting
            else:
                total = await uow.clients.count(account.id, flt)
            related = await self._related_in(uow, account, items, rest, catalogs)
        return OffsetPage(items=items, total=total, limit=limit, offset=offset), related

    async def count(self, account: Account, flt: ClientFilter) -> int:
        flt = self._normalised(account, flt)
        async with self._uow(read_only=True) as uow:
            return await uow.clients.count(account.id, flt)

    async def page(
        self,
        account: Account,
        flt: ClientFilter,
        sort: ClientSortField,
        descending: bool,
        after: tuple[object, int] | None,
        first: int,
        relations: Collection[str] = (),
    ) -> tuple[KeysetPage[Client], ClientRelated]:
        """A keyset page: cost does not grow with depth. Related rows come in the same
        transaction, one statement per relation."""
        if first < 0 or first > MAX_PAGE:
            raise InvalidInput.single("first", f"must be between 0 and {MAX_PAGE}", "OUT_OF_RANGE")
        flt = self._normalised(account, flt)
        joined, rest = _split_relations(relations)
        async with self._uow(read_only=True) as uow:
            rows, catalogs = await uow.clients.list_keyset(
                account.id, flt, sort, descending, after, first + 1, joined
            )
            items = rows[:first]
            related = await self._related_in(uow, account, items, rest, catalogs)
        return KeysetPage(
            items=items, has_next=len(rows) > first, has_previous=after is not None
        ), related

    async def _related_in(
        self,
        uow: ClientsUnitOfWork,
        account: Account,
        items: Sequence[Client],
        relations: Collection[str],
        catalogs: CatalogsById,
    ) -> ClientRelated:
        related = (
            await uow.clients.related(account.id, items, relations)
            if relations and items
            else ClientRelated()
        )
        related.payment_types.update(catalogs.get(CatalogKind.PAYMENT_TYPE, {}))
        related.price_lists.update(catalogs.get(CatalogKind.PRICE_LIST, {}))
        related.sale_conditions.update(catalogs.get(CatalogKind.SALE_CONDITION, {}))
        return related

    async def related(
        self, account: Account, clients: Sequence[Client], relations: Collection[str]
    ) -> ClientRelated:
        if not clients or not relations:
            return ClientRelated()
        async with self._uow(read_only=True) as uow:
            return await uow.clients.related(account.id, clients, relations)

    # -- contacts -----------------------------------------------------------------------------

    async def _require_client(
        self, uow: ClientsUnitOfWork, account: Account, client_id: int
    ) -> Client:
        client = await uow.clients.get(account.id, client_id)
        if client is None:
            raise ClientNotFound(client_id)
        return client

    async def list_contacts(
        self, account: Account, client_id: int, limit: int, offset: int
    ) -> OffsetPage[Contact]:
        check_limit_offset(limit, offset, max_limit=MAX_LIMIT)
        async with self._uow(read_only=True) as uow:
            await self._require_client(uow, account, client_id)
            items = await uow.contacts.list(account.id, client_id, limit, offset)
            total = await uow.contacts.count(account.id, client_id)
        return OffsetPage(items=items, total=total, limit=limit, offset=offset)

    async def get_contact(self, account: Account, client_id: int, contact_id: int) -> Contact:
        async with self._uow(read_only=True) as uow:
            contact = await uow.contacts.get(account.id, client_id, contact_id)
        if contact is None:
            raise NotFound("contact", contact_id)
        return contact

    async def add_contact(
        self, account: Account, client_id: int, values: Mapping[str, object]
    ) -> Contact:
        errors: list[FieldError] = []
        _check_plain_fields(values, _CONTACT_FIELDS, errors)
        if not any(values.get(k) for k in ("first_name", "last_name", "email", "phone")):
            errors.append(
                FieldError("first_name", "a contact needs a name, an e-mail or a phone", "REQUIRED")
            )
        if errors:
            raise InvalidInput(errors)
        async with self._uow() as uow:
            await self._require_client(uow, account, client_id)
            contact = await uow.contacts.add(account.id, client_id, values)
            await uow.commit()
        return contact

    async def update_contact(
        self, account: Account, client_id: int, contact_id: int, values: Mapping[str, object]
    ) -> Contact:
        errors: list[FieldError] = []
        _check_plain_fields(values, _CONTACT_FIELDS, errors)
        if errors:
            raise InvalidInput(errors)
        async with self._uow() as uow:
            contact = await uow.contacts.update(account.id, client_id, contact_id, values)
            if contact is None:
                raise NotFound("contact", contact_id)
            await uow.commit()
        return contact

    async def delete_contact(self, account: Account, client_id: int, contact_id: int) -> None:
        async with self._uow() as uow:
            if not await uow.contacts.delete(account.id, client_id, contact_id):
                raise NotFound("contact", contact_id)
            await uow.commit()

    # -- addresses ----------------------------------------------------------------------------

    async def list_addresses(
        self, account: Account, client_id: int, flt: AddressFilter, limit: int, offset: int
    ) -> OffsetPage[Address]:
        check_limit_offset(limit, offset, max_limit=MAX_LIMIT)
        if flt.state is not None and flt.state not in (ACTIVE, INACTIVE):
            raise InvalidInput.single("state", "must be 0 or 1", "OUT_OF_RANGE")
        async with self._uow(read_only=True) as uow:
            await self._require_client(uow, account, client_id)
            items = await uow.addresses.list(account.id, client_id, flt, limit, offset)
            total = await uow.addresses.count(account.id, client_id, flt)
        return OffsetPage(items=items, total=total, limit=limit, offset=offset)

    async def get_address(self, account: Account, client_id: int, address_id: int) -> Address:
        async with self._uow(read_only=True) as uow:
            address = await uow.addresses.get(account.id, client_id, address_id)
        if address is None:
            raise NotFound("address", address_id)
        return address

    async def add_address(
        self, account: Account, client_id: int, values: Mapping[str, object]
    ) -> Address:
        errors: list[FieldError] = []
        _check_plain_fields(values, _ADDRESS_FIELDS, errors)
        if not values.get("address"):
            errors.append(FieldError("address", "is required", "REQUIRED"))
        if errors:
            raise InvalidInput(errors)
        async with self._uow() as uow:
            await self._require_client(uow, account, client_id)
            address = await uow.addresses.add(account.id, client_id, values)
            await uow.commit()
        return address

    async def update_address(
        self, account: Account, client_id: int, address_id: int, values: Mapping[str, object]
    ) -> Address:
        errors: list[FieldError] = []
        rest = {k: v for k, v in values.items() if k != "state"}
        _check_plain_fields(rest, _ADDRESS_FIELDS, errors)
        state = values.get("state", ACTIVE)
        if isinstance(state, bool) or state not in (ACTIVE, INACTIVE):
            errors.append(FieldError("state", "must be 0 or 1", "OUT_OF_RANGE"))
        if "address" in values and not values["address"]:
            errors.append(FieldError("address", "must not be empty", "REQUIRED"))
        if errors:
            raise InvalidInput(errors)
        async with self._uow() as uow:
            address = await uow.addresses.update(account.id, client_id, address_id, values)
            if address is None:
                raise NotFound("address", address_id)
            await uow.commit()
        return address

    async def deactivate_address(
        self, account: Account, client_id: int, address_id: int
    ) -> Address:
        return await self.update_address(account, client_id, address_id, {"state": INACTIVE})

    # -- dynamic attributes -------------------------------------------------------------------

    async def client_attributes(self, account: Account, client_id: int) -> list[AttributeValue]:
        async with self._uow(read_only=True) as uow:
            await self._require_client(uow, account, client_id)
            return await uow.attributes.values(account.id, client_id)

    async def get_attribute_definition(self, account: Account, attr_id: int) -> DynamicAttribute:
        async with self._uow(read_only=True) as uow:
            found = await uow.attributes.definitions(account.id, [attr_id])
        if attr_id not in found:
            raise NotFound("dynamic attribute", attr_id)
        return found[attr_id]

    async def list_attribute_definitions(
        self, account: Account, limit: int, offset: int
    ) -> OffsetPage[DynamicAttribute]:
        check_limit_offset(limit, offset, max_limit=MAX_LIMIT)
        async with self._uow(read_only=True) as uow:
            items = await uow.attributes.list_definitions(account.id, limit, offset)
            total = await uow.attributes.count_definitions(account.id)
        return OffsetPage(items=items, total=total, limit=limit, offset=offset)

    async def add_attribute_definition(self, account: Account, name: str) -> DynamicAttribute:
        name = name.strip()
        if not name or len(name) > 100 or "\x00" in name:
            raise InvalidInput.single("name", "must be 1 to 100 characters, no NUL", "INVALID")
        async with self._uow() as uow:
            attr = await uow.attributes.add_definition(account.id, name)
            await uow.commit()
        return attr

    # -- catalogs -----------------------------------------------------------------------------

    async def get_catalog_item(
        self, account: Account, kind: CatalogKind, item_id: int
    ) -> CatalogItem:
        async with self._uow(read_only=True) as uow:
            item = await uow.catalogs.get(account.id, kind, item_id)
        if item is None:
            raise NotFound(kind.value.replace("_", " "), item_id)
        return item

    async def list_catalog(
        self, account: Account, kind: CatalogKind, limit: int, offset: int
    ) -> OffsetPage[CatalogItem]:
        check_limit_offset(limit, offset, max_limit=MAX_LIMIT)
        async with self._uow(read_only=True) as uow:
            items = await uow.catalogs.list(account.id, kind, limit, offset)
            total = await uow.catalogs.count(account.id, kind)
        return OffsetPage(items=items, total=total, limit=limit, offset=offset)

    async def add_catalog_item(self, account: Account, kind: CatalogKind, name: str) -> CatalogItem:
        name = name.strip()
        if not name or len(name) > 100 or "\x00" in name:
            raise InvalidInput.single("name", "must be 1 to 100 characters, no NUL", "INVALID")
        async with self._uow() as uow:
            item = await uow.catalogs.add(account.id, kind, name)
            await uow.commit()
        return item

    # -- points -------------------------------------------------------------------------------

    async def change_points(
        self,
        account: Account,
        client_id: int,
        operation: PointsOperation,
        points: int,
        description: str,
        order_id: str | None = None,
    ) -> PointsEntry:
        errors: list[FieldError] = []
        if isinstance(points, bool) or not isinstance(points, int) or points <= 0:
            errors.append(FieldError("points", "must be a positive integer", "OUT_OF_RANGE"))
        elif points > 1_000_000_000:
            errors.append(FieldError("points", "must be at most 1000000000", "OUT_OF_RANGE"))
        _check_text("description", description, errors)
        _check_text("order_id", order_id, errors, 100)
        if errors:
            raise InvalidInput(errors)
        async with self._uow() as uow:
            client = await uow.clients.get_for_update(account.id, client_id)
            if client is None:
                raise ClientNotFound(client_id)
            if operation is PointsOperation.ADD:
                balance = client.points + points
            else:
                balance = client.points - points
                if balance < 0:
                    raise InvalidInput.single(
                        "points",
                        f"the client has {client.points:g} points; cannot subtract {points}",
                        "INSUFFICIENT_POINTS",
                    )
            now = self._clock.now()
            entry = await uow.points.add(
                account.id, client_id, operation, points, balance, description, order_id, now
            )
            await uow.clients.update(
                account.id, client_id, {"points": balance, "points_updated": now}, now
            )
            await uow.commit()
        return entry

    async def points_history(
        self, account: Account, client_id: int, limit: int = 100
    ) -> list[PointsEntry]:
        async with self._uow(read_only=True) as uow:
            await self._require_client(uow, account, client_id)
            return await uow.points.list(account.id, client_id, limit)

    # -- documents ----------------------------------------------------------------------------

    async def add_document(
        self,
        account: Account,
        client_id: int,
        *,
        name: str,
        number: int,
        emission_date: int,
        expiration_date: int,
        total_amount: Decimal | int | float | str,
    ) -> Document:
        errors: list[FieldError] = []
        _check_text("name", name, errors)
        if not name:
            errors.append(FieldError("name", "is required", "REQUIRED"))
        amount = _money("total_amount", total_amount, errors)
        if expiration_date < emission_date:
            errors.append(
                FieldError("expiration_date", "must not be before the emission date", "INVALID")
            )
        if errors:
            raise InvalidInput(errors)
        async with self._uow() as uow:
            await self._require_client(uow, account, client_id)
            doc = await uow.documents.add(
                account.id, client_id, name, number, emission_date, expiration_date, amount
            )
            await uow.commit()
        return doc

    async def add_payment(
        self, account: Account, document_id: int, amount: Decimal | int | float | str
    ) -> Payment:
        errors: list[FieldError] = []
        value = _money("amount", amount, errors)
        if errors:
            raise InvalidInput(errors)
        async with self._uow() as uow:
            # Locked: two payments must not both check the same amount owed.
            doc = await uow.documents.get_for_update(account.id, document_id)
            if doc is None:
                raise NotFound("document", document_id)
            if value > doc.amount_owed:
                raise InvalidInput.single(
                    "amount", f"exceeds the amount owed ({doc.amount_owed})", "OVERPAYMENT"
                )
            payment = await uow.documents.add_payment(
                account.id, document_id, value, self._clock.now()
            )
            await uow.commit()
        return payment

    async def get_document(self, account: Account, document_id: int) -> Document:
        async with self._uow(read_only=True) as uow:
            doc = await uow.documents.get(account.id, document_id)
        if doc is None:
            raise NotFound("document", document_id)
        return doc

    async def client_documents(self, account: Account, client_id: int) -> list[Document]:
        async with self._uow(read_only=True) as uow:
            await self._require_client(uow, account, client_id)
            return await uow.documents.list_for_client(account.id, client_id)

    async def unpaid_summary(
        self,
        account: Account,
        *,
        client_id: int | None = None,
        code: str | None = None,
        comparison_date: int | None = None,
    ) -> UnpaidSummary:
        """Unpaid documents of one client, split by whether they expire before the date."""
        if client_id is None and not code:
            raise InvalidInput.single("clientid", "clientid or code is required", "REQUIRED")
        when = self._clock.now() if comparison_date is None else comparison_date
        async with self._uow(read_only=True) as uow:
            if client_id is not None:
                client = await uow.clients.get(account.id, client_id)
            else:
                client = await uow.clients.first_by_code(
                    account.id, normalise_for_lookup(account.country, code or "")
                )
            if client is None:
                raise ClientNotFound(client_id if client_id is not None else code)
            if (
                code
                and client_id is not None
                and client.code != normalise_for_lookup(account.country, code)
            ):
                raise ClientNotFound(code)
            docs = await uow.documents.unpaid_for_client(account.id, client.id)
        overdue = [d for d in docs if d.expiration_date < when]
        upcoming = [d for d in docs if d.expiration_date >= when]
        return UnpaidSummary(
            client=client, comparison_date=when, overdue=overdue, upcoming=upcoming
        )


def _split_relations(relations: Collection[str]) -> tuple[list[CatalogKind], list[str]]:
    """Catalog relations ride on the page query; the rest get one statement each."""
    unknown = set(relations) - RELATIONS
    if unknown:
        raise InvalidInput.single("expand", f"unknown relation(s): {sorted(unknown)}")
    joined = [CATALOG_RELATIONS[r] for r in relations if r in CATALOG_RELATIONS]
    rest = [r for r in relations if r not in CATALOG_RELATIONS]
    return joined, rest


def _money(field: str, raw: object, errors: list[FieldError]) -> Decimal:
    try:
        if isinstance(raw, bool):
            raise InvalidOperation
        value = Decimal(str(raw))
    except (InvalidOperation, ValueError):
        errors.append(FieldError(field, "must be a number", "WRONG_TYPE"))
        return Decimal(0)
    if not value.is_finite() or value <= 0 or value > Decimal("1e15"):
        errors.append(FieldError(field, "must be a positive amount", "OUT_OF_RANGE"))
    return value.quantize(Decimal("0.01")) if value.is_finite() else Decimal(0)
