"""The clients use cases against a real database (SQLite and PostgreSQL)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import String, Table

from clientgate.container import Services
from core.clients import rules
from core.clients.model import (
    AttributeInput,
    CatalogKind,
    ClientChanges,
    ClientFilter,
    ClientSortField,
    PointsOperation,
)
from core.shared.errors import InvalidInput, NotFound
from core.storage.tables.clients import (
    addresses,
    attribute_values,
    clients,
    contacts,
    documents,
    dynamic_attributes,
    payment_types,
    points_entries,
)
from tests.support.callers import caller


async def test_create_normalises_and_flags_tax_ids(services: Services, make_account: Any) -> None:
    acc = (await make_account("CL")).account
    valid = await services.clients.create(
        caller(acc), ClientChanges({"first_name": "A", "code": "92.341.000-7"})
    )
    invalid = await services.clients.create(
        caller(acc), ClientChanges({"first_name": "B", "code": "2-7"})
    )
    foreign = await services.clients.create(
        caller(acc), ClientChanges({"company": "C", "is_foreigner": 1})
    )
    assert (valid.code, valid.code_valid) == ("92341000-7", True)
    assert (invalid.code, invalid.code_valid) == ("2-7", False)
    assert foreign.code == "55555555-5"
    found = await services.clients.get_by_code(caller(acc), "92341000-7")
    assert found.id == valid.id


async def test_strict_account_refuses_invalid_code(services: Services, make_account: Any) -> None:
    acc = (await make_account("PE", strict_tax_ids=True)).account
    with pytest.raises(InvalidInput) as info:
        await services.clients.create(
            caller(acc), ClientChanges({"first_name": "A", "code": "20713128381"})
        )
    assert info.value.errors[0].field == "code"
    assert await services.clients.count(caller(acc), ClientFilter()) == 0


async def test_validation_collects_every_error_and_writes_nothing(
    services: Services, make_account: Any
) -> None:
    acc = (await make_account("PE")).account
    with pytest.raises(InvalidInput) as info:
        await services.clients.create(
            caller(acc),
            ClientChanges(
                {
                    "first_name": 5,
                    "has_credit": 2,
                    "email": "nope",
                    "payment_type_id": 999999,
                    "bogus": 1,
                },
                attributes=[AttributeInput(424242, "x")],
            ),
        )
    fields = {e.field for e in info.value.errors}
    assert {"first_name", "has_credit", "email", "payment_type_id", "bogus"} <= fields
    assert "dynamic_attributes[0].dynamic_attribute_id" in fields
    assert await services.clients.count(caller(acc), ClientFilter()) == 0


async def test_tenants_never_see_each_other(services: Services, make_account: Any) -> None:
    a = (await make_account("PE")).account
    b = (await make_account("PE")).account
    client = await services.clients.create(caller(a), ClientChanges({"first_name": "Solo A"}))
    with pytest.raises(NotFound):
        await services.clients.get(caller(b), client.id)
    with pytest.raises(NotFound):
        await services.clients.update(caller(b), client.id, ClientChanges({"first_name": "hack"}))
    with pytest.raises(NotFound):
        await services.clients.add_contact(caller(b), client.id, {"first_name": "x"})
    pt_b = await services.clients.add_catalog_item(caller(b), CatalogKind.PAYMENT_TYPE, "B cash")
    with pytest.raises(InvalidInput):
        await services.clients.update(
            caller(a), client.id, ClientChanges({"payment_type_id": pt_b.id})
        )
    assert (await services.clients.get(caller(a), client.id)).first_name == "Solo A"


async def test_keyset_pages_walk_everything_once(services: Services, make_account: Any) -> None:
    acc = (await make_account("PE")).account
    ids = [
        (
            await services.clients.create(
                caller(acc), ClientChanges({"first_name": f"c{i}", "code": f"{i:08d}"})
            )
        ).id
        for i in range(7)
    ]
    for sort in ClientSortField:
        for descending in (False, True):
            seen: list[int] = []
            after = None
            while True:
                page, _ = await services.clients.page(
                    caller(acc), ClientFilter(), sort, descending, after, 3
                )
                seen.extend(c.id for c in page.items)
                if not page.has_next:
                    break
                last = page.items[-1]
                # Without a search every client ranks alike: relevance falls back to ids.
                value = 0 if sort is ClientSortField.RELEVANCE else getattr(last, sort.value)
                after = (value, last.id)
            assert sorted(seen) == sorted(ids), (sort, descending)
            assert len(seen) == len(ids)


async def test_points_never_go_below_zero(services: Services, make_account: Any) -> None:
    acc = (await make_account("CL")).account
    client = await services.clients.create(
        caller(acc), ClientChanges({"first_name": "P", "accumulate_points": 1})
    )
    await services.clients.change_points(
        caller(acc), client.id, PointsOperation.ADD, 10, "alta", "o-1"
    )
    with pytest.raises(InvalidInput) as info:
        await services.clients.change_points(
            caller(acc), client.id, PointsOperation.SUBTRACT, 11, "baja"
        )
    assert info.value.errors[0].code == "INSUFFICIENT_POINTS"
    entry = await services.clients.change_points(
        caller(acc), client.id, PointsOperation.SUBTRACT, 4, "baja"
    )
    assert entry.balance == 6
    fresh = await services.clients.get(caller(acc), client.id)
    assert fresh.points == 6 and fresh.points_updated is not None
    history = await services.clients.points_history(caller(acc), client.id)
    assert [h.points for h in history] == [4, 10]


async def test_unpaid_documents_split_by_comparison_date(
    services: Services, make_account: Any
) -> None:
    acc = (await make_account("CL")).account
    client = await services.clients.create(
        caller(acc), ClientChanges({"first_name": "Roberto", "code": "7513098-8"})
    )
    d1 = await services.clients.add_document(
        caller(acc),
        client.id,
        name="Factura",
        number=1,
        emission_date=1437436800,
        expiration_date=1437436800,
        total_amount=20000,
    )
    await services.clients.add_document(
        caller(acc),
        client.id,
        name="Factura",
        number=2,
        emission_date=1437523200,
        expiration_date=1440201600,
        total_amount=30000,
    )
    paid = await services.clients.add_document(
        caller(acc),
        client.id,
        name="Factura",
        number=3,
        emission_date=1437436800,
        expiration_date=1437436800,
        total_amount=100,
    )
    await services.clients.add_payment(caller(acc), paid.id, 100)
    await services.clients.add_payment(caller(acc), d1.id, Decimal("5000"))
    with pytest.raises(InvalidInput):
        await services.clients.add_payment(caller(acc), d1.id, Decimal("15000.01"))
    summary = await services.clients.unpaid_summary(
        caller(acc), code="7513098-8", comparison_date=1438000000
    )
    assert [d.number for d in summary.overdue] == [1]
    assert [d.number for d in summary.upcoming] == [2]
    assert summary.overdue_debt == Decimal("15000")
    assert summary.total_debt == Decimal("45000")


async def test_pages_load_children_in_a_fixed_number_of_statements(
    services: Services, make_account: Any, count_statements: Any
) -> None:
    acc = (await make_account("PE")).account
    cash = await services.clients.add_catalog_item(
        caller(acc), CatalogKind.PAYMENT_TYPE, "Efectivo"
    )
    attr = await services.clients.add_attribute_definition(caller(acc), "Edad")
    for i in range(12):
        c = await services.clients.create(
            caller(acc),
            ClientChanges(
                {"first_name": f"n{i}", "payment_type_id": cash.id if i % 2 else None},
                attributes=[AttributeInput(attr.id, str(20 + i))],
            ),
        )
        await services.clients.add_contact(caller(acc), c.id, {"first_name": "k"})
        await services.clients.add_address(caller(acc), c.id, {"address": "Calle 1"})
    relations = ("contacts", "addresses", "attributes", "payment_type")
    counts = []
    for first in (3, 10):
        with count_statements() as counter:
            page, related = await services.clients.page(
                caller(acc), ClientFilter(), ClientSortField.ID, False, None, first, relations
            )
        counts.append(counter.count)
        assert len(page.items) == first
        for client in page.items:
            assert len(related.contacts[client.id]) == 1
            assert len(related.addresses[client.id]) == 1
            assert client.first_name is not None
            assert related.attributes[client.id][0].value == str(20 + int(client.first_name[1:]))
            if client.payment_type_id:
                assert related.payment_types[client.payment_type_id].name == "Efectivo"
    # page (catalogs joined in) + contacts + addresses + attributes, whatever the page size
    assert counts == [4, 4]


async def test_nul_characters_are_refused_on_every_backend(
    services: Services, make_account: Any
) -> None:
    acc = (await make_account("PE")).account
    with pytest.raises(InvalidInput) as info:
        await services.clients.create(
            caller(acc), ClientChanges({"first_name": "a\x00b", "note": "\x00"})
        )
    assert {e.field for e in info.value.errors} == {"first_name", "note"}
    with pytest.raises(InvalidInput):
        await services.clients.add_catalog_item(caller(acc), CatalogKind.PRICE_LIST, "x\x00")
    client = await services.clients.create(caller(acc), ClientChanges({"first_name": "ok"}))
    with pytest.raises(InvalidInput):
        await services.clients.add_contact(caller(acc), client.id, {"email": "a\x00@b.cl"})
    assert await services.clients.count(caller(acc), ClientFilter()) == 1


async def test_text_filters_match_substrings_with_literal_wildcards(
    services: Services, make_account: Any
) -> None:
    acc = (await make_account("PE")).account
    for name in ("ana_maría", "anaXmaría", "50% Ana", "a/b", "ANA"):
        await services.clients.create(caller(acc), ClientChanges({"first_name": name}))

    async def names(**kw: Any) -> list[str]:
        page, _ = await services.clients.list_clients(caller(acc), ClientFilter(**kw), 50, 0)
        return sorted(str(c.first_name) for c in page.items)

    assert await names(first_name="a_m") == ["ana_maría"]
    assert await names(first_name="0%") == ["50% Ana"]
    assert await names(first_name="a/b") == ["a/b"]
    assert await names(first_name="ana") == ["50% Ana", "ANA", "anaXmaría", "ana_maría"]
    assert await services.clients.count(caller(acc), ClientFilter(first_name="%")) == 1


async def test_bulk_reads_are_per_client_and_tenant_scoped(
    services: Services, make_account: Any
) -> None:
    mine = caller((await make_account("PE")).account)
    other = caller((await make_account("PE")).account)
    svc = services.clients
    a = await svc.create(mine, ClientChanges({"first_name": "A"}))
    b = await svc.create(mine, ClientChanges({"first_name": "B"}))
    foreign = await svc.create(other, ClientChanges({"first_name": "F"}))
    for client, who in ((a, mine), (b, mine), (foreign, other)):
        for n in (1, 2, 3):
            await svc.change_points(who, client.id, PointsOperation.ADD, n, f"+{n}")
        await svc.add_document(
            who,
            client.id,
            name="F",
            number=client.id,
            emission_date=10,
            expiration_date=20,
            total_amount=100,
        )
    ids = [a.id, b.id, foreign.id]
    history = await svc.points_histories(mine, ids, 2)
    assert {k: [e.points for e in v] for k, v in history.items()} == {a.id: [3, 2], b.id: [3, 2]}
    assert await svc.points_histories(mine, ids, 0) == {}
    with pytest.raises(InvalidInput):
        await svc.points_histories(mine, ids, 101)
    docs = await svc.documents_of(mine, ids)
    assert {k: [d.number for d in v] for k, v in docs.items()} == {a.id: [a.id], b.id: [b.id]}
    summaries = await svc.unpaid_summaries(mine, ids, comparison_date=15)
    assert set(summaries) == {a.id, b.id}
    assert summaries[a.id].client.id == a.id
    assert [d.number for d in summaries[a.id].upcoming] == [a.id]
    assert summaries[a.id].total_debt == Decimal(100)


def test_text_limits_match_their_columns() -> None:
    """Each text limit of the core is its column's length (a Text column has none: any limit
    fits), so no accepted value can overflow a column on PostgreSQL."""

    def length(table: Table, column: str) -> int | None:
        kind = table.c[column].type
        return kind.length if isinstance(kind, String) else None

    pairs: list[tuple[Table, str, int]] = [
        *((clients, f, n) for f, n in rules.CLIENT_TEXT_LIMITS.items()),
        *((contacts, f, n) for f, n in rules.CONTACT_TEXT_LIMITS.items()),
        *((addresses, f, n) for f, n in rules.ADDRESS_TEXT_LIMITS.items()),
        (attribute_values, "value", rules.ATTRIBUTE_VALUE_LIMIT),
        (dynamic_attributes, "name", rules.NAME_LIMIT),
        (payment_types, "name", rules.NAME_LIMIT),
        (points_entries, "description", rules.DESCRIPTION_LIMIT),
        (points_entries, "order_id", rules.ORDER_ID_LIMIT),
        (documents, "name", rules.DOCUMENT_NAME_LIMIT),
    ]
    mismatched = [
        (t.name, f, n, length(t, f)) for t, f, n in pairs if length(t, f) not in (None, n)
    ]
    assert mismatched == []


async def _keys(services: Services, client_id: int) -> dict[str, Any]:
    from sqlalchemy import select

    async with services.engine.connect() as conn:
        row = (
            await conn.execute(
                select(
                    clients.c.name_key,
                    clients.c.email_key,
                    clients.c.phone_key,
                    clients.c.tax_id_key,
                    clients.c.search_text,
                ).where(clients.c.id == client_id)
            )
        ).one()
    return dict(row._mapping)


async def test_normalised_keys_follow_every_write(services: Services, make_account: Any) -> None:
    acc = (await make_account("CL")).account
    made = await services.clients.create(
        caller(acc),
        ClientChanges(
            {
                "first_name": "Lucía",
                "last_name": "MUÑOZ",
                "code": "12.345.678-5",
                "phone": "+56 9 8765 4321",
            }
        ),
    )
    assert await _keys(services, made.id) == {
        "name_key": "lucia munoz",
        "email_key": None,
        "phone_key": "987654321",
        "tax_id_key": "123456785",
        "search_text": " lucia munoz 123456785 56987654321 987654321 ",
    }
    await services.clients.update(
        caller(acc), made.id, ClientChanges({"email": "L@X.cl", "phone": ""})
    )
    keys = await _keys(services, made.id)
    assert (keys["email_key"], keys["phone_key"], keys["name_key"]) == (
        "l@x.cl",
        None,
        "lucia munoz",
    )
    await services.clients.deactivate(caller(acc), made.id)  # no key source: keys unchanged
    assert await _keys(services, made.id) == keys
