"""Duplicate candidates against a real database (SQLite and PostgreSQL): the SQL keys agree
with the pure ones, merged clients are never candidates, groups page by key."""

from __future__ import annotations

from typing import Any

import pytest

from clientgate.container import Services
from core.accounts.model import Account
from core.clients.model import ClientChanges, DuplicateReason
from core.shared.errors import InvalidInput
from tests.conftest import Backend
from tests.support.callers import caller


async def _client(services: Services, acc: Account, **values: Any) -> int:
    return (await services.clients.create(caller(acc), ClientChanges(dict(values)))).id


async def test_candidates_with_their_reasons(services: Services, make_account: Any) -> None:
    acc = (await make_account("PE")).account
    other_account = (await make_account("PE")).account
    who = caller(acc)
    me = await _client(
        services,
        acc,
        first_name="Ana",
        last_name="Pérez",
        code="20100070970",
        email="Ana@Mail.pe",
        phone="+51 987-654-321",
        city="Lima",
    )
    same_tax = await _client(services, acc, company="Ana SAC", code="20.100.070.970")
    same_email = await _client(services, acc, first_name="A", email="ANA@mail.PE")
    same_phone = await _client(services, acc, first_name="B", phone="(51) 987 654 321")
    same_name = await _client(services, acc, first_name=" ana ", last_name="pérez", city="LIMA")
    other_city = await _client(services, acc, first_name="Ana", last_name="Pérez", city="Cusco")
    await _client(services, acc, first_name="Z", phone="12 34")  # too few digits
    await _client(services, other_account, first_name="Ana", code="20100070970")

    found = (await services.clients.possible_duplicates(who, [me]))[me]
    reasons = {c.client.id: c.reasons for c in found}
    assert reasons == {
        same_tax: (DuplicateReason.TAX_ID,),
        same_email: (DuplicateReason.EMAIL,),
        same_phone: (DuplicateReason.PHONE,),
        same_name: (DuplicateReason.NAME_AND_CITY,),
    }
    assert other_city not in reasons

    # In bulk, for many clients at once; a merged client is no candidate.
    both = await services.clients.possible_duplicates(who, [me, same_tax])
    assert [c.client.id for c in both[same_tax]] == [me]
    await services.clients.merge(who, me, [same_email])
    found = (await services.clients.possible_duplicates(who, [me]))[me]
    assert same_email not in {c.client.id for c in found}
    assert await services.clients.possible_duplicates(who, [same_email]) == {}


async def test_groups_page_by_key(services: Services, make_account: Any) -> None:
    acc = (await make_account("CL")).account
    who = caller(acc)
    ids: dict[str, list[int]] = {}
    for email in ("a@x.cl", "b@x.cl", "c@x.cl"):
        ids[email] = [
            await _client(services, acc, first_name=str(n), email=email.upper() if n else email)
            for n in range(3)
        ]
    await _client(services, acc, first_name="alone", email="z@x.cl")

    page, more = await services.clients.duplicate_groups(who, DuplicateReason.EMAIL, 2, None)
    assert [(g.key, g.size) for g in page] == [("a@x.cl", 3), ("b@x.cl", 3)]
    assert [c.id for c in page[0].clients] == ids["a@x.cl"]
    assert more
    page, more = await services.clients.duplicate_groups(
        who, DuplicateReason.EMAIL, 2, page[-1].key
    )
    assert [(g.key, g.size) for g in page] == [("c@x.cl", 3)] and not more

    await services.clients.merge(who, ids["c@x.cl"][0], ids["c@x.cl"][1:])
    page, _ = await services.clients.duplicate_groups(who, DuplicateReason.EMAIL, 50, None)
    assert [g.key for g in page] == ["a@x.cl", "b@x.cl"]
    for reason in DuplicateReason:
        await services.clients.duplicate_groups(who, reason, 50, None)  # each runs
    with pytest.raises(InvalidInput):
        await services.clients.duplicate_groups(who, DuplicateReason.EMAIL, 51, None)


async def test_groups_of_every_reason(services: Services, make_account: Any) -> None:
    acc = (await make_account("PE")).account
    who = caller(acc)
    one = await _client(
        services, acc, first_name="Luis", code="20100070970", phone="987654321", city="Lima"
    )
    two = await _client(
        services, acc, first_name="luis ", code="20100070970", phone="987-654-321", city="lima"
    )
    expected = {
        DuplicateReason.TAX_ID: "20100070970",
        DuplicateReason.PHONE: "987654321",
        DuplicateReason.NAME_AND_CITY: "luis|lima",
    }
    for reason, key in expected.items():
        page, _ = await services.clients.duplicate_groups(who, reason, 10, None)
        assert [(g.key, [c.id for c in g.clients]) for g in page] == [(key, [one, two])], reason


async def test_close_names_in_the_same_city(
    services: Services, make_account: Any, backend: Backend
) -> None:
    """PostgreSQL finds close names (pg_trgm similarity >= 0.6); SQLite the same folded name."""
    acc = (await make_account("PE")).account
    me = await _client(services, acc, first_name="Ana", last_name="Perez", city="Lima")
    close = await _client(services, acc, first_name="ANA", last_name="Peres", city="lima")
    same = await _client(services, acc, first_name="Aña", last_name="PÉREZ", city="Lima ")
    await _client(services, acc, first_name="Ana", last_name="Peres", city="Cusco")
    await _client(services, acc, first_name="Juan", last_name="Perez", city="Lima")
    found = (await services.clients.possible_duplicates(caller(acc), [me]))[me]
    expected = [close, same] if backend.name == "postgresql" else [same]
    assert [c.client.id for c in found] == expected
    assert all(c.reasons == (DuplicateReason.NAME_AND_CITY,) for c in found)


async def test_cities_compare_folded(services: Services, make_account: Any) -> None:
    """``Bogotá`` and ``BOGOTA`` (and ``bogota ``) are one city on both databases, for
    candidates, groups and the pure keys alike; ``Bogotá D.C.`` is another."""
    acc = (await make_account("ES")).account
    who = caller(acc)
    me = await _client(services, acc, first_name="Ana", last_name="Muñoz", city="Bogotá")
    upper = await _client(services, acc, first_name="ANA", last_name="MUNOZ", city="BOGOTA")
    spaced = await _client(services, acc, first_name="ana", last_name="muñoz", city=" bogota ")
    await _client(services, acc, first_name="Ana", last_name="Muñoz", city="Bogotá D.C.")
    await _client(services, acc, first_name="Ana", last_name="Muñoz")  # no city: no key

    found = (await services.clients.possible_duplicates(who, [me]))[me]
    assert [(c.client.id, c.reasons) for c in found] == [
        (upper, (DuplicateReason.NAME_AND_CITY,)),
        (spaced, (DuplicateReason.NAME_AND_CITY,)),
    ]
    page, _ = await services.clients.duplicate_groups(who, DuplicateReason.NAME_AND_CITY, 10, None)
    assert [(g.key, [c.id for c in g.clients]) for g in page] == [
        ("ana munoz|bogota", [me, upper, spaced])
    ]

    # An update of the city alone moves the client out of the group (the key follows it).
    await services.clients.update(who, spaced, ClientChanges({"city": "Medellín"}))
    page, _ = await services.clients.duplicate_groups(who, DuplicateReason.NAME_AND_CITY, 10, None)
    assert [[c.id for c in g.clients] for g in page] == [[me, upper]]


async def test_the_pure_similarity_is_pg_trgm(services: Services, backend: Backend) -> None:
    from sqlalchemy import text

    from core.clients.duplicate_keys import similarity

    assert similarity("ana perez", "ana peres") == 8 / 12
    if backend.name != "postgresql":
        return  # pg_trgm is PostgreSQL's; SQLite compares exact names
    pairs = [
        ("ana perez", "ana peres"),
        ("juan perez", "ana perez"),
        ("rosa", "rosa m"),
        ("a b", ""),
    ]
    async with services.uow(read_only=True) as uow:
        for a, b in pairs:
            found = await uow.connection.execute(
                text("SELECT similarity(:a, :b)"), {"a": a, "b": b}
            )
            assert abs(float(found.scalar_one()) - similarity(a, b)) < 1e-6, (a, b)
