"""Projected partner reads (``PartnerReads.projected_keyset``, the planner's read model
``SqlPartnerReadModel``) against a real database: only the asked columns, one tenant's rows,
joined objects and children only, the same pages as the entity reads."""

from __future__ import annotations

import pytest

from clientgate.container import Services
from core.partners.model import PartnerFilter, PartnerProjection
from core.shared.errors import InvalidInput
from tests.support.partners import seed_partners

PROJECTION = PartnerProjection(
    columns=("id", "id_remote"),
    company=("id", "company_name"),
    agent=("id", "id_remote"),
    children=(
        ("locations", ("id", "city", "state_id")),
        ("contacts", ("id", "name")),
        ("methods", ("id", "value")),
    ),
)


async def test_projected_partners_are_the_tenants_own(own_services: Services) -> None:
    services = own_services
    mine = await services.accounts.create_account(name="Mine", country="PE")
    theirs = await services.accounts.create_account(name="Theirs", country="PE")
    await seed_partners(services, theirs, 4)  # their rows first: lower ids
    await seed_partners(services, mine, 4)
    me = await services.accounts.authenticate_token(mine.token)
    them = await services.accounts.authenticate_token(theirs.token)
    reads = services.partners.reads

    entities = await reads.keyset(me, PartnerFilter(), first=3)
    page = await reads.projected_keyset(me, PartnerFilter(), PROJECTION, first=3)
    assert [row[0] for row in page.rows] == [p.id for p in entities.items]
    assert [row[1] for row in page.rows] == ["AG", "P0", "P1"]
    assert (page.has_next, page.has_previous) == (True, False)
    companies = {row[3] for row in page.rows}
    assert len(companies) == 1 and companies != {None}
    agent = page.rows[0][0]
    assert [row[4:] for row in page.rows] == [(None, None), (None, None), (agent, "AG")]
    ids = {row[0] for row in page.rows}
    contacts = page.children["contacts"]
    assert {row[0] for row in contacts} <= ids and len(contacts) == 2  # AG's, P1's
    assert {row[0] for row in page.children["methods"]} <= {row[1] for row in contacts}
    assert {row[0] for row in page.children["locations"]} <= ids

    # their page: none of mine, and my projection never reaches their children
    other = await reads.projected_keyset(them, PartnerFilter(), PROJECTION, first=50)
    assert not ids & {row[0] for row in other.rows}
    their_ids = [row[0] for row in other.rows]
    their_contacts = [row[1] for row in other.children["contacts"]]
    async with services.uow(read_only=True) as uow:
        model = uow.partners.projections
        account = mine.account.id
        for relation, owners in (
            ("locations", their_ids),
            ("contacts", their_ids),
            ("methods", their_contacts),
        ):
            assert owners
            assert await model.children(account, relation, owners, ("id",)) == []
        assert await model.page(account, PartnerFilter(), None, 50, PROJECTION) != []
        assert await model.page(them.account_id, PartnerFilter(), None, 50, PROJECTION) == [
            (0, tuple(row))
            for row in sorted(other.rows)  # tier 0: no search
        ]

    backward = await reads.projected_keyset(
        me, PartnerFilter(), PROJECTION, first=2, after_id=page.rows[-1][0], backward=True
    )
    assert [row[0] for row in backward.rows] == [row[0] for row in page.rows[:2]]
    assert (backward.has_next, backward.has_previous) == (True, False)
    with pytest.raises(InvalidInput):
        await reads.projected_keyset(me, PartnerFilter(), PROJECTION, first=101)
