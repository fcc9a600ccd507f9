"""Projected reads (``ClientService.projected_*``, the planner's read model) against a real
database: only the asked columns, one tenant's rows and children only, the same pages as the
entity reads, the page size checked."""

from __future__ import annotations

from typing import Any

import pytest

from clientgate.container import Services
from core.clients.model import (
    AttributeInput,
    CatalogKind,
    ClientChanges,
    ClientFilter,
    ClientSortField,
    Projection,
)
from core.shared.errors import InvalidInput
from tests.support.callers import caller

PROJECTION = Projection(
    columns=("id", "first_name", "code"),
    catalogs=((CatalogKind.PAYMENT_TYPE, ("id", "name")),),
    children=(
        ("contacts", ("first_name",)),
        ("addresses", ("address", "state")),
        ("attributes", ("definition_id", "name", "value")),
    ),
)


async def test_projected_rows_are_the_tenants_own(services: Services, make_account: Any) -> None:
    svc = services.clients
    mine, theirs = (await make_account("PE")).account, (await make_account("PE")).account
    pt = await svc.add_catalog_item(caller(mine), CatalogKind.PAYMENT_TYPE, "Efectivo")
    attr = await svc.add_attribute_definition(caller(mine), "Rubro")
    ids = []
    for i in range(3):
        client = await svc.create(
            caller(mine),
            ClientChanges(
                {"first_name": f"M{i}", "payment_type_id": pt.id if i else None},
                attributes=[AttributeInput(attr.id, f"v{i}")],
            ),
        )
        await svc.add_contact(caller(mine), client.id, {"first_name": f"K{i}"})
        await svc.add_address(caller(mine), client.id, {"address": f"Calle {i}"})
        ids.append(client.id)
    other = await svc.create(caller(theirs), ClientChanges({"first_name": "Other"}))
    await svc.add_contact(caller(theirs), other.id, {"first_name": "Theirs"})

    page = await svc.projected_page(
        caller(mine), ClientFilter(), ClientSortField.ID, False, None, 2, PROJECTION
    )
    assert [row[:3] for row in page.rows] == [(ids[0], "M0", ""), (ids[1], "M1", "")]
    assert [row[3:] for row in page.rows] == [(None, None), (pt.id, "Efectivo")]
    assert (page.has_next, page.has_previous) == (True, False)
    assert page.children["contacts"] == [(ids[0], "K0"), (ids[1], "K1")]
    assert page.children["addresses"] == [(ids[0], "Calle 0", 0), (ids[1], "Calle 1", 0)]
    assert page.children["attributes"] == [
        (ids[0], attr.id, "Rubro", "v0"),
        (ids[1], attr.id, "Rubro", "v1"),
    ]

    entities, _ = await svc.page(caller(mine), ClientFilter(), ClientSortField.ID, True, None, 3)
    backward = await svc.projected_page(
        caller(mine), ClientFilter(), ClientSortField.ID, True, None, 3, PROJECTION
    )
    assert [row[0] for row in backward.rows] == [c.id for c in entities.items]

    # another tenant's id is not found; its children never come with a page
    assert (await svc.projected_by_ids(caller(mine), [other.id], PROJECTION)).rows == []
    found = await svc.projected_by_ids(caller(theirs), [other.id, ids[0]], PROJECTION)
    assert [row[0] for row in found.rows] == [other.id]
    assert found.children["contacts"] == [(other.id, "Theirs")]
    assert (await svc.projected_by_code(caller(mine), "20100070970", PROJECTION)).rows == []

    with pytest.raises(InvalidInput):
        await svc.projected_page(
            caller(mine), ClientFilter(), ClientSortField.ID, False, None, 101, PROJECTION
        )
