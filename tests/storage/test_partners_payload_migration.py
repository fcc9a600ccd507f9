"""Messages queued before the payload codec (in the BusinessPartner dialect's JSON) are
rewritten by migration 0004 and then processed like any other, on both backends."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import insert, select

from clientgate.container import Services, build_services
from core.partners.inputs import CompanyInput
from core.partners.model import MessageStatus, PartnerFilter
from core.storage.migrate import MIGRATIONS, migrate
from core.storage.tables.partners import bp_messages
from tests.conftest import Backend, make_settings
from tests.support.databases import empty_database

# What the dialect's parser stored for ``POST /BusinessPartner/create`` before version 1
# (``partner_to_payload``): a JSON array of camelCase items, ids as strings. The second
# message names the first one's location by its idRemote.
OLD_PAYLOAD = [
    {
        "idRemote": "OLD1",
        "roleId": "client",
        "statusId": "active",
        "companyId": "ACME",
        "agentId": None,
        "contactName": "Contact OLD1",
        "comercialName": "Shop OLD1",
        "tin": "20100070970",
        "observation": "vip",
        "active": True,
        "locations": [
            {
                "idRemote": "L-OLD1",
                "name": "Main",
                "address": "Av. Larco 123",
                "city": "Lima",
                "stateId": "PE-LIM",
                "postalCode": "15074",
                "shippingAddress": True,
                "billingAddress": False,
                "countryId": "PE",
                "default": True,
                "active": True,
            }
        ],
        "contacts": [
            {
                "idRemote": None,
                "name": "Ana",
                "position": "buyer",
                "default": True,
                "active": True,
                "contactMethods": [
                    {
                        "idRemote": "M-OLD1",
                        "contactTypeId": "email",
                        "value": "a@b.pe",
                        "send_by_whatsapp": False,
                        "send_by_mail": True,
                        "send_by_telegram": False,
                        "send_by_sms": False,
                    }
                ],
            }
        ],
    },
]
OLD_REFERENCE = [
    {
        "idRemote": "OLD2",
        "roleId": "client",
        "statusId": "1",
        "companyId": "ACME",
        "contactName": "Contact OLD2",
        "comercialName": "Shop OLD2",
        "tin": "20100070970",
        "active": False,
        "locations": [{"locationId": "L-OLD1"}],
        "contacts": [],
    },
]


def _migration() -> ModuleType:
    path = MIGRATIONS / "versions" / "0004_partners_payload_v1.py"
    spec = importlib.util.spec_from_file_location("payload_v1", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def empty_database_url(backend: Backend, tmp_path: Path) -> Iterator[str]:
    with empty_database(backend.name, tmp_path) as url:
        yield url


async def _before_the_codec(services: Services) -> dict[str, int]:
    """A tenant and three messages as the previous version left them."""
    created = await services.accounts.create_account(name="Old queue", country="PE")
    caller = await services.accounts.authenticate_token(created.token)
    await services.partners.companies.create(
        caller, CompanyInput(id_remote="ACME", company_name="Acme")
    )
    ids = {}
    async with services.uow() as uow:
        for name, payload, status in (
            ("pending", json.dumps(OLD_PAYLOAD, ensure_ascii=False), "pending"),
            ("reference", json.dumps(OLD_REFERENCE), "processing"),  # its lease expired
            ("completed", json.dumps(OLD_PAYLOAD), "completed"),
            ("broken", "{broken", "pending"),
        ):
            result = await uow.connection.execute(
                insert(bp_messages)
                .values(
                    public_id=f"{name:0<32}",
                    account_id=caller.account_id,
                    kind="create",
                    payload=payload,
                    status=status,
                    attempts=1 if status == "processing" else 0,
                    claimed_until=0 if status == "processing" else None,
                    available_at=0,
                    created_at=0,
                    updated_at=0,
                )
                .returning(bp_messages.c.id)
            )
            ids[name] = int(result.scalar_one())
        await uow.commit()
    return ids


async def _payload(services: Services, message_id: int) -> str:
    async with services.uow(read_only=True) as uow:
        result = await uow.connection.execute(
            select(bp_messages.c.payload).where(bp_messages.c.id == message_id)
        )
        return str(result.scalar_one())


async def test_an_old_pending_message_is_processed_after_migrating(
    empty_database_url: str, tmp_path: Path
) -> None:
    services = build_services(make_settings(empty_database_url, tmp_path))
    try:
        await migrate(services.engine, "0003_partners")  # the schema before the codec
        for branch in ("accounts@head", "idempotency@head", "merge@head", "history@head"):
            await migrate(services.engine, branch)
        ids = await _before_the_codec(services)
        await migrate(services.engine)  # 0004 rewrites what is still to be processed

        rewritten = json.loads(await _payload(services, ids["reference"]))
        assert rewritten["version"] == 1
        assert rewritten["items"][0]["locations"] == [{"location_ref": "L-OLD1"}]
        settled = await _payload(services, ids["completed"])
        assert json.loads(settled) == OLD_PAYLOAD  # history stays as it was
        assert await _payload(services, ids["broken"]) == "{broken"

        queue = services.partners.queue
        for name in ("pending", "reference"):
            claimed = await queue.claim_next(lease_seconds=30, max_attempts=5)
            assert claimed is not None and claimed.id == ids[name]
            assert await queue.process(claimed, max_attempts=5) is MessageStatus.COMPLETED

        created = await services.accounts.create_account(name="Reader", country="PE")
        caller = await services.accounts.authenticate_token(created.token)
        owner = caller.account_id - 1  # the tenant made before the migration
        assert claimed is not None and claimed.account_id == owner
        async with services.uow(read_only=True) as uow:
            store = uow.partners
            partners, total = await store.partners.page(owner, PartnerFilter(), 10, 0)
            assert total == 2
            one, two = partners
            assert (one.id_remote, one.contact_name, one.active, one.agent_id) == (
                "OLD1",
                "Contact OLD1",
                True,
                None,
            )
            assert (two.id_remote, two.active, two.observation) == ("OLD2", False, None)
            locations = await store.locations.of_partners(owner, [one.id, two.id])
            assert [loc.id_remote for loc in locations[one.id]] == ["L-OLD1"]
            assert locations[two.id] == locations[one.id]  # the reference, not a copy
            assert locations[one.id][0].billing_address is False
            contacts = await store.contacts.of_partners(owner, [one.id])
            methods = await store.contacts.methods_of(owner, [contacts[one.id][0].id])
            [method] = methods[contacts[one.id][0].id]
            assert (method.value, method.send_by_mail) == ("a@b.pe", True)
    finally:
        await services.close()


def test_the_rewrite_and_its_downgrade_are_inverse() -> None:
    migration = _migration()
    for payload in (OLD_PAYLOAD, OLD_REFERENCE):
        old = json.dumps(payload, ensure_ascii=False)
        v1 = migration.to_v1(old)
        assert v1 is not None
        assert json.loads(migration.to_old(v1)) == payload
    assert migration.to_v1("{broken") is None
    assert migration.to_v1(json.dumps([{"unknown": 1}])) is None
    assert migration.to_old(old) is None  # not a version 1 payload
