"""Business partners for the three-level GraphQL list, bulk-loaded like the clients.

The catalogs (roles, statuses, contact types) and two companies are created through the
partners service; then each partner gets one location (every third a second one, in Chile and
without a state), two contacts and two contact methods per contact, inserted with explicit ids
(``executemany`` on SQLite, ``copy_records_to_table`` on PostgreSQL, sequences moved past them).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from clientgate.container import Services
from core.accounts.model import Principal
from core.partners.inputs import CompanyInput
from core.partners.search import partner_keys

CREATED_AT = 1_700_000_000

PARTNER_COLS = [
    "id",
    "account_id",
    "company_id",
    "id_remote",
    "role_id",
    "status_id",
    "contact_name",
    "comercial_name",
    "tin",
    "tin_valid",
    "observation",
    "origin",
    "active",
    "agent_id",
    "created_at",
    "updated_at",
]
KEY_COLS = ["name_key", "comercial_name_key", "tax_id_key", "search_text"]
PARTNER_COLS += KEY_COLS
LOCATION_COLS = [
    "id",
    "account_id",
    "id_remote",
    "name",
    "address",
    "city",
    "state_id",
    "postal_code",
    "shipping_address",
    "billing_address",
    "country_id",
    "is_default",
    "active",
    "created_at",
    "updated_at",
]
LINK_COLS = ["account_id", "partner_id", "location_id", "position"]
CONTACT_COLS = ["id", "account_id", "partner_id", "id_remote", "name", "position", "is_default"]
CONTACT_COLS += ["active"]
METHOD_COLS = ["id", "account_id", "contact_id", "id_remote", "contact_type_id", "value"]
METHOD_COLS += ["send_by_whatsapp", "send_by_mail", "send_by_telegram", "send_by_sms"]


@dataclass
class PartnerRows:
    """Rows per table, in insertion order (partners before the rows that reference them)."""

    tables: dict[str, tuple[list[str], list[tuple[Any, ...]]]] = field(default_factory=dict)


async def prepare(services: Services, caller: Principal) -> dict[str, Any]:
    """Catalogs and companies through the service; the ids the bulk rows reference."""
    partners = services.partners
    companies = [
        (await partners.companies.create(caller, CompanyInput(id_remote=r, company_name=n))).id
        for r, n in (("ACME", "Acme SAC"), ("NORTE", "Distribuidora del Norte SAC"))
    ]
    catalogs = await partners.catalogs.get(caller)
    return {
        "companies": companies,
        "role": next(r.id for r in catalogs.roles if r.id_remote == "client"),
        "status": next(s.id for s in catalogs.statuses if s.id_remote == "active"),
        "types": [t.id for t in catalogs.contact_types[:2]],
    }


def _names(i: int) -> dict[str, str]:
    return {"contact_name": f"Contacto {i}", "comercial_name": f"Comercial {i} SAC"}


def rows(
    account_id: int, n: int, ids: dict[str, Any], names_of: Callable[[int], dict[str, str]] = _names
) -> PartnerRows:
    """``n`` partners with their children; ``names_of(i)`` names the i-th (contact and
    commercial names, and the tin when it gives one)."""
    partners, locations, links, contacts, methods = [], [], [], [], []
    companies, types = ids["companies"], ids["types"]
    location_id = contact_id = method_id = 0
    for i in range(n):
        pid = i + 1
        at = CREATED_AT + i
        names = {"tin": "20100070970", **names_of(i), "id_remote": f"BP{i:07d}"}
        keys = partner_keys(names)
        partners.append(
            (
                *(pid, account_id, companies[i % 2], names["id_remote"], ids["role"]),
                *(ids["status"], names["contact_name"], names["comercial_name"], names["tin"]),
                *(True, "bench" if i % 2 else None, "erp", i % 5 != 0, None, at, at),
                *(keys[c] for c in KEY_COLS),
            )
        )
        for k in range(2 if i % 3 == 0 else 1):
            location_id += 1
            state, postal, country = ("PE-LIM", "15074", "PE") if k == 0 else (None, None, "CL")
            locations.append(
                (
                    *(location_id, account_id, f"LOC{location_id:07d}", f"Local {k}", f"Av. {i}"),
                    *("Lima", state, postal, k == 0, True, country, k == 0, True, at, at),
                )
            )
            links.append((account_id, pid, location_id, k))
        for k in range(2):
            contact_id += 1
            contacts.append(
                (
                    *(contact_id, account_id, pid, f"C{contact_id:07d}", f"Persona {k} de {i}"),
                    *("compras" if k == 0 else None, k == 0, True),
                )
            )
            for j in range(2):
                method_id += 1
                value = f"p{contact_id}@ej.pe" if j == 0 else f"+51 9{contact_id:08d}"
                methods.append(
                    (
                        *(method_id, account_id, contact_id, f"M{method_id:07d}", types[j], value),
                        *(j == 1, j == 0, False, k == 1),
                    )
                )
    return PartnerRows(
        {
            "bp_partners": (PARTNER_COLS, partners),
            "bp_locations": (LOCATION_COLS, locations),
            "bp_partner_locations": (LINK_COLS, links),
            "bp_contacts": (CONTACT_COLS, contacts),
            "bp_contact_methods": (METHOD_COLS, methods),
        }
    )


def load_sqlite(db: sqlite3.Connection, data: PartnerRows) -> None:
    for table, (cols, values) in data.tables.items():
        marks = ",".join("?" * len(cols))
        db.executemany(f"INSERT INTO {table} ({','.join(cols)}) VALUES ({marks})", values)


async def load_pg(conn: Any, data: PartnerRows) -> None:
    for table, (cols, values) in data.tables.items():
        await conn.copy_records_to_table(table, records=values, columns=cols)
        if "id" in cols:
            await conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
