"""Migration 0009_search_keys: rows written before it get the keys of relevance (partners,
onboarded accounts) and the folded city (clients), computed by the functions every write
uses, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from clientgate.container import build_services
from core.clients.model import DuplicateReason
from core.clients.search import client_keys
from core.partners.search import partner_keys
from core.resellers.search import onboarded_keys
from core.storage.migrate import migrate, script_heads
from tests.conftest import Backend, make_settings
from tests.support.callers import caller
from tests.support.databases import empty_database

REVISION = "0009_search_keys"


@pytest.fixture
def empty_database_url(backend: Backend, tmp_path: Path) -> Iterator[str]:
    with empty_database(backend.name, tmp_path) as url:
        yield url


def _table(name: str, *columns: str) -> sa.TableClause:
    return sa.table(name, *(sa.column(c) for c in columns))


async def _old_rows(conn: Any, account_id: int, reseller_id: int) -> None:
    stamps = {"created_at": 0, "updated_at": 0}
    clients = _table(
        "clients",
        *("id", "account_id", "first_name", "last_name", "city", "state", "points"),
        *("company_or_person", "accumulate_points", "send_dte", "prestashop_client_id"),
        *("code", "name_key", "search_text", "created_at", "updated_at"),
    )
    zeros = dict.fromkeys(
        ("state", "points", "company_or_person", "accumulate_points", "send_dte"), 0
    )
    await conn.execute(
        sa.insert(clients),
        [
            {"id": n, "account_id": account_id, "first_name": "Ana", "last_name": "Muñoz",
             "city": city, "prestashop_client_id": 0, "code": "", "name_key": "ana munoz",
             "search_text": "", **zeros, **stamps}
            for n, city in ((1, "Bogotá"), (2, " BOGOTA "), (3, None))
        ],
    )  # fmt: skip
    account = {"account_id": account_id, "id_remote": "1"}
    await conn.execute(
        sa.insert(_table("bp_companies", "id", "account_id", "id_remote", "company_name",
                         "comercial_name", "tin", "created_at", "updated_at")),
        {"id": 1, **account, "company_name": "C", "comercial_name": "", "tin": "", **stamps},
    )  # fmt: skip
    await conn.execute(
        sa.insert(_table("bp_roles", "id", "account_id", "id_remote", "name", "kind")),
        {"id": 1, **account, "name": "Client", "kind": "client"},
    )
    await conn.execute(
        sa.insert(_table("bp_statuses", "id", "account_id", "id_remote", "description")),
        {"id": 1, **account, "description": "Active"},
    )
    await conn.execute(
        sa.insert(_table("bp_partners", "id", "account_id", "company_id", "id_remote",
                         "role_id", "status_id", "contact_name", "comercial_name", "tin",
                         "active", "created_at", "updated_at")),
        {"id": 1, "account_id": account_id, "company_id": 1, "id_remote": "P-1", "role_id": 1,
         "status_id": 1, "contact_name": "Lucía Núñez", "comercial_name": "Ñandú SAC",
         "tin": "20.100.070.970", "active": True, **stamps},
    )  # fmt: skip
    await conn.execute(
        sa.insert(_table("einvoice_settings", "account_id", "reseller_account_id", "ruc",
                         "company_name", "email", "phone_number", "mobile_number",
                         "validator_entity", "is_ose_validation_only", "integration_type",
                         "created_at", "updated_at")),
        {"account_id": account_id, "reseller_account_id": reseller_id, "ruc": "20100070970",
         "company_name": "Panadería Ñuñoa", "email": "Ventas@Ñuñoa.pe",
         "phone_number": "+51 987 654 321", "mobile_number": None, "validator_entity": 1,
         "is_ose_validation_only": False, "integration_type": 1, **stamps},
    )  # fmt: skip


async def test_rows_written_before_get_their_keys(empty_database_url: str, tmp_path: Path) -> None:
    services = build_services(make_settings(empty_database_url, tmp_path))
    try:
        for head in sorted(script_heads() - {REVISION}):
            await migrate(services.engine, head)
        await migrate(services.engine, "0007_search_tsvector")
        reseller = await services.accounts.create_account(name="R", country="PE")
        mine = await services.accounts.create_account(name="Old", country="PE")
        async with services.engine.begin() as conn:
            await _old_rows(conn, mine.account.id, reseller.account.id)
        await migrate(services.engine)

        async with services.engine.connect() as conn:
            cities = await conn.execute(sa.text("SELECT city_key FROM clients ORDER BY id"))
            assert [row[0] for row in cities] == ["bogota", "bogota", None]
            keys = ("name_key", "comercial_name_key", "tax_id_key")
            partner = await conn.execute(sa.text(f"SELECT {', '.join(keys)} FROM bp_partners"))
            written = dict(zip(keys, partner.one(), strict=True))
            source = {"contact_name": "Lucía Núñez", "comercial_name": "Ñandú SAC",
                      "tin": "20.100.070.970", "id_remote": "P-1"}  # fmt: skip
            assert written == {k: partner_keys(source)[k] for k in keys}
            assert written == {
                "name_key": "lucia nunez",
                "comercial_name_key": "nandu sac",
                "tax_id_key": "20100070970",
            }
            names = ("name_key", "email_key", "phone_key", "mobile_key")
            onboarded = await conn.execute(
                sa.text(f"SELECT {', '.join(names)} FROM einvoice_settings")
            )
            stored = dict(zip(names, onboarded.one(), strict=True))
            assert stored == {
                "name_key": "panaderia nunoa",
                "email_key": "ventas@nunoa.pe",
                "phone_key": "987654321",
                "mobile_key": None,
            }
            settings = {"company_name": "Panadería Ñuñoa", "email": "Ventas@Ñuñoa.pe",
                        "phone_number": "+51 987 654 321", "mobile_number": None}  # fmt: skip
            assert stored == {k: onboarded_keys(settings)[k] for k in names}
            assert client_keys({"city": " BOGOTA "})["city_key"] == "bogota"

        # The old clients are duplicates by name and folded city now.
        groups, _ = await services.clients.duplicate_groups(
            caller(mine.account), DuplicateReason.NAME_AND_CITY, 10, None
        )
        assert [(g.key, [c.id for c in g.clients]) for g in groups] == [
            ("ana munoz|bogota", [1, 2])
        ]
    finally:
        await services.close()
