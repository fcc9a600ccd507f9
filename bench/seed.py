"""Seed a fresh database with N clients (and optionally M business partners), fast.

The account, its token, the catalogs, the attribute definitions and the partners' companies
and catalogs are created through the services (so authentication is the real thing); the bulk
rows then go in with one ``executemany`` per table on SQLite and ``copy_records_to_table`` on
PostgreSQL. Partner rows come from ``bench.seed_partners``.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url
from stdnum.pe import ruc

from bench import seed_partners
from clientgate.container import build_services
from clientgate.settings import Settings
from core.clients.model import CatalogKind
from core.clients.search import client_keys
from core.storage.migrate import migrate
from core.storage.tables.clients import addresses, attribute_values, clients, contacts

BATCH = 20_000
CREATED_AT = 1_700_000_000


@dataclass(frozen=True)
class Seeded:
    """What a benchmark needs to know about a seeded database."""

    url: str
    account_id: int
    token: str
    clients: int
    first_client_id: int
    seconds: float
    partners: int = 0

    def code(self, i: int) -> str:
        return client_code(i)


def client_code(i: int) -> str:
    """A valid Peruvian RUC, unique per index (prefix 20 + 8 digits + check digit)."""
    base = f"20{i:08d}"
    return base + ruc.calc_check_digit(base)


def _client_rows(
    account_id: int, first_id: int, n: int, payment_types: list[int], full: bool
) -> Iterator[dict[str, Any]]:
    for i in range(n):
        row = {
            "id": first_id + i,
            "account_id": account_id,
            "first_name": f"Nombre{i}",
            "last_name": f"Apellido{i}",
            "email": f"cliente{i}@ejemplo.com.pe",
            "code": client_code(i),
            "code_valid": True,
            "phone": f"+51 1 {i:07d}",
            "company": f"Empresa {i} SAC",
            "note": "",
            "facebook": "",
            "twitter": "",
            "has_credit": 0,
            "max_credit": None,
            "state": 0,
            "activity": "Sin Giro",
            "city": "Lima",
            "district": "Miraflores",
            "address": f"Av. Alfredo Benavides {i}",
            "company_or_person": 1,
            "accumulate_points": 1,
            "points": 0.0,
            "points_updated": None,
            "send_dte": 0,
            "is_foreigner": 0,
            "prestashop_client_id": 0,
            "payment_type_id": payment_types[i % len(payment_types)] if full else None,
            "price_list_id": None,
            "sale_condition_id": None,
            "merged_into_id": None,
            "created_at": CREATED_AT + i,
            "updated_at": CREATED_AT + i,
        }
        yield {**row, **client_keys(row)}


def _children(
    account_id: int, first_id: int, n: int, attr_ids: list[int]
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    cts: list[tuple[Any, ...]] = []
    ads: list[tuple[Any, ...]] = []
    avs: list[tuple[Any, ...]] = []
    for i in range(n):
        cid = first_id + i
        for k in (1, 2):
            cts.append(
                (account_id, cid, f"Contacto{k}", f"De{i}", f"+51 9{k}{i:07d}", f"c{k}.{i}@ej.pe")
            )
        address = f"Jr. Union {i}"
        keys = (address.lower(), "lima", "miraflores")  # folded (core/clients/search.py)
        ads.append((account_id, cid, "Casa matriz", address, "Lima", "Miraflores", 0, *keys))
        for k, attr in enumerate(attr_ids):
            avs.append((account_id, cid, attr, f"valor {k} de {i}"))
    return cts, ads, avs


CONTACT_COLS = ["account_id", "client_id", "first_name", "last_name", "phone", "email"]
ADDRESS_COLS = ["account_id", "client_id", "address_name", "address", "city", "district", "state"]
ADDRESS_COLS += ["address_key", "city_key", "district_key"]
ATTR_COLS = ["account_id", "client_id", "dynamic_attribute_id", "value"]


async def seed(url: str, n: int, var_dir: Path, *, full: bool = True, partners: int = 0) -> Seeded:
    """Migrate the (empty) database at ``url``, create the bench account through the services,
    then bulk-load ``n`` clients (with children when ``full``) and ``partners`` business
    partners (with locations, contacts and contact methods)."""
    started = time.perf_counter()
    settings = Settings(
        database_url=url, secret_key=SECRET_KEY, migrate_on_start=False, var_dir=var_dir
    )
    services = build_services(settings)
    try:
        await migrate(services.engine)
        created = await services.accounts.create_account(name="Bench SAC", country="PE")
        account = created.account
        caller = await services.accounts.authenticate_token(created.token)
        pay = [
            (await services.clients.add_catalog_item(caller, CatalogKind.PAYMENT_TYPE, name)).id
            for name in ("Efectivo", "Tarjeta", "Transferencia")
        ]
        attrs = (
            [
                (await services.clients.add_attribute_definition(caller, name)).id
                for name in ("Rubro", "Vendedor", "Zona")
            ]
            if full
            else []
        )
        partner_ids = await seed_partners.prepare(services, caller) if partners else None
    finally:
        await services.close()
    bp = seed_partners.rows(account.id, partners, partner_ids) if partner_ids else None

    first_id = 1
    if make_url(url).get_backend_name() == "sqlite":
        _seed_sqlite(str(make_url(url).database), account.id, first_id, n, pay, attrs, full, bp)
    else:
        await _seed_pg(url, account.id, first_id, n, pay, attrs, full, bp)
    return Seeded(
        url=url,
        account_id=account.id,
        token=created.token,
        clients=n,
        first_client_id=first_id,
        seconds=time.perf_counter() - started,
        partners=partners,
    )


SECRET_KEY = "bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
CLIENT_COLS = list(clients.c.keys())


def _seed_sqlite(
    path: str,
    account_id: int,
    first_id: int,
    n: int,
    pay: list[int],
    attrs: list[int],
    full: bool,
    bp: seed_partners.PartnerRows | None,
) -> None:
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=OFF")
        db.execute("BEGIN")
        marks = ",".join("?" * len(CLIENT_COLS))
        sql = f"INSERT INTO clients ({','.join(CLIENT_COLS)}) VALUES ({marks})"
        rows = _client_rows(account_id, first_id, n, pay, full)
        db.executemany(sql, (tuple(r[c] for c in CLIENT_COLS) for r in rows))
        if full:
            for start in range(0, n, BATCH):
                size = min(BATCH, n - start)
                cts, ads, avs = _children(account_id, first_id + start, size, attrs)
                for table, cols, data in (
                    (contacts.name, CONTACT_COLS, cts),
                    (addresses.name, ADDRESS_COLS, ads),
                    (attribute_values.name, ATTR_COLS, avs),
                ):
                    ph = ",".join("?" * len(cols))
                    db.executemany(f"INSERT INTO {table} ({','.join(cols)}) VALUES ({ph})", data)
        if bp is not None:
            seed_partners.load_sqlite(db, bp)
        db.execute("COMMIT")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()


async def _seed_pg(
    url: str,
    account_id: int,
    first_id: int,
    n: int,
    pay: list[int],
    attrs: list[int],
    full: bool,
    bp: seed_partners.PartnerRows | None,
) -> None:
    import asyncpg

    conn = await asyncpg.connect(pg_dsn(url))
    try:
        async with conn.transaction():
            rows = [
                tuple(r[c] for c in CLIENT_COLS)
                for r in _client_rows(account_id, first_id, n, pay, full)
            ]
            await conn.copy_records_to_table("clients", records=rows, columns=CLIENT_COLS)
            del rows
            if full:
                for start in range(0, n, BATCH * 5):
                    size = min(BATCH * 5, n - start)
                    cts, ads, avs = _children(account_id, first_id + start, size, attrs)
                    await conn.copy_records_to_table(
                        contacts.name, records=cts, columns=CONTACT_COLS
                    )
                    await conn.copy_records_to_table(
                        addresses.name, records=ads, columns=ADDRESS_COLS
                    )
                    await conn.copy_records_to_table(
                        attribute_values.name, records=avs, columns=ATTR_COLS
                    )
            # Explicit ids went in; move the sequence past them so the app's inserts work.
            await conn.execute(
                "SELECT setval(pg_get_serial_sequence('clients', 'id'), "
                "(SELECT max(id) FROM clients))"
            )
            if bp is not None:
                await seed_partners.load_pg(conn, bp)
        # What autovacuum would do shortly after a bulk load in production.
        await conn.execute("ANALYZE")
    finally:
        await conn.close()


def pg_dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")
