"""Demo data, loaded once per database: a Peruvian, a Chilean and a reseller account with a
few clients.

Whether the demo is loaded is decided by the database's content (accounts with the demo names),
not by a file. Tokens are stored only as hashes, so the plaintext ones are kept in a file of
that database's own (``var/demo-tokens-<digest of the database URL>.json``, mode 0600) and
printed from there on later runs; when that file is gone (or the database was loaded from
another machine), fresh tokens are issued for the existing demo accounts.
"""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from hashlib import sha256
from pathlib import Path

from clientgate.container import Services
from core.accounts.model import Account, FaceName, Origin
from core.clients.model import AttributeInput, CatalogKind, ClientChanges, PointsOperation
from core.shared.errors import AuthenticationFailed

DAY = 86400

_DEMO = [
    {
        "key": "peru",
        "name": "Demo Perú SAC",
        "country": "PE",
        "reseller": False,
        "clients": [
            {
                "first_name": "Gabriel",
                "last_name": "Seguel",
                "email": "gseguel@ejemplo.com.pe",
                "company": "Gabriel Seguel",
                "activity": "Sin Giro",
                "city": "Lima",
                "district": "Miraflores",
                "address": "Av Alfredo Benavides",
                "accumulate_points": 1,
                "code": "20100070970",
            },
            {
                "first_name": "Roberto",
                "last_name": "Manquilla",
                "company": "Roberto Manquilla",
                "code": "10467793549",
                "city": "Lima",
                "district": "San Isidro",
                "has_credit": 1,
                "max_credit": 9100.0,
            },
            {
                "first_name": "Lucía",
                "last_name": "Quispe",
                "code": "46779354",
                "city": "Cusco",
                "district": "Wanchaq",
                "company_or_person": 0,
            },
        ],
    },
    {
        "key": "chile",
        "name": "Demo Chile SpA",
        "country": "CL",
        "reseller": False,
        "clients": [
            {
                "first_name": "Marcela",
                "last_name": "Muñoz",
                "email": "api@bsale.cl",
                "company": "Particular",
                "activity": "Venta de ropa",
                "city": "Santiago",
                "district": "Las Condes",
                "address": "Los trigales 372",
                "code": "2-7",
                "has_credit": 1,
                "max_credit": 100000.0,
                "accumulate_points": 1,
            },
            {
                "first_name": "Andres",
                "last_name": "Vasquez",
                "company": "Servicios varios",
                "code": "92.341.000-7",
                "city": "Puerto Montt",
                "district": "Puerto Montt",
                "address": "Avda. Diego Portales 100",
                "company_or_person": 1,
            },
            {
                "company": "Mountain Apple Company Inc",
                "city": "Hawai",
                "district": "Honolulu",
                "is_foreigner": 1,
                "activity": "Musician",
            },
        ],
    },
    {
        "key": "reseller",
        "name": "Demo Reseller SAC",
        "country": "PE",
        "reseller": True,
        "clients": [
            {
                "company": "A&J CORPORTATION S.A.C",
                "code": "20713128381",
                "email": "correocorporativo@gmail.com",
                "phone": "711-0550",
            },
        ],
    },
]


def tokens_file(services: Services) -> Path:
    """The demo tokens of this database (one file per database URL, password left out)."""
    url = services.engine.url.render_as_string(hide_password=True)
    digest = sha256(url.encode()).hexdigest()[:12]
    return services.settings.var_dir / f"demo-tokens-{digest}.json"


async def _demo_accounts(services: Services) -> dict[str, Account]:
    """The demo accounts this database already holds, by demo key."""
    keys = {str(spec["name"]): str(spec["key"]) for spec in _DEMO}
    found: dict[str, Account] = {}
    after: int | None = None
    while True:
        page = await services.accounts.page_accounts(after_id=after, limit=100)
        for account in page.items:
            key = keys.get(account.name)
            if key is not None and key not in found:
                found[key] = account
        if not page.has_next or not page.items:
            return found
        after = page.items[-1].id


async def _still_valid(services: Services, saved: dict[str, object], account: Account) -> bool:
    try:
        principal = await services.accounts.authenticate_token(str(saved.get("token", "")))
    except AuthenticationFailed:
        return False
    return principal.account_id == account.id


def _entry(account: Account, token: str) -> dict[str, object]:
    return {
        "account_id": account.id,
        "name": account.name,
        "country": account.country,
        "reseller": account.is_reseller,
        "token": token,
    }


async def load_demo(services: Services) -> dict[str, dict[str, object]]:
    """Create the demo accounts this database lacks; answer every demo account's token (the
    saved one while it still works, else a fresh one)."""
    path = tokens_file(services)
    saved: dict[str, dict[str, object]] = json.loads(path.read_text()) if path.exists() else {}
    existing = await _demo_accounts(services)
    out: dict[str, dict[str, object]] = {}
    for key, account in existing.items():
        kept = saved.get(key)
        if kept is not None and await _still_valid(services, kept, account):
            out[key] = kept
        else:
            issued = await services.tokens.issue(account.id, "demo")
            out[key] = _entry(account, issued.secret)
    for spec in _DEMO:
        if str(spec["key"]) in existing:
            continue
        created = await services.accounts.create_account(
            name=str(spec["name"]), country=str(spec["country"]), is_reseller=bool(spec["reseller"])
        )
        out[str(spec["key"])] = _entry(created.account, created.token)
        await _load_clients(services, spec, created.token)
    ordered = {str(spec["key"]): out[str(spec["key"])] for spec in _DEMO}
    if ordered != saved:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(ordered, indent=2))
        path.chmod(0o600)
    return ordered


async def _load_clients(services: Services, spec: dict[str, object], token: str) -> None:
    """The demo account's catalogs, clients, contacts, addresses, documents and points."""
    now = services.clock.now()
    caller = replace(await services.accounts.authenticate_token(token), origin=Origin(FaceName.CLI))
    cs = services.clients
    cash = await cs.add_catalog_item(caller, CatalogKind.PAYMENT_TYPE, "Efectivo")
    await cs.add_catalog_item(caller, CatalogKind.PAYMENT_TYPE, "Transferencia")
    prices = await cs.add_catalog_item(caller, CatalogKind.PRICE_LIST, "Lista base")
    credit = await cs.add_catalog_item(caller, CatalogKind.SALE_CONDITION, "Crédito 30 días")
    birthday = await cs.add_attribute_definition(caller, "Cumpleaños")
    favourite = await cs.add_attribute_definition(caller, "Producto Más Comprado")
    clients: list[dict[str, object]] = spec["clients"]  # type: ignore[assignment]
    for n, values in enumerate(clients):
        client = await cs.create(
            caller,
            ClientChanges(
                values={
                    **values,
                    "payment_type_id": cash.id,
                    "price_list_id": prices.id,
                    "sale_condition_id": credit.id,
                },
                attributes=[
                    AttributeInput(birthday.id, f"0{n + 1}/12/1990"),
                    AttributeInput(favourite.id, "Chocolate Amargo"),
                ],
            ),
        )
        await cs.add_contact(
            caller,
            client.id,
            {
                "first_name": "Hernan",
                "last_name": "Saez",
                "phone": "994282800",
                "email": f"contacto{n}@ejemplo.com",
            },
        )
        await cs.add_address(
            caller,
            client.id,
            {
                "address_name": "Sucursal 1",
                "address": "Calle Bellavista 100",
                "city": client.city or "",
                "district": client.district or "",
            },
        )
        overdue = await cs.add_document(
            caller,
            client.id,
            name="Factura Electronica",
            number=123123123217 + n,
            emission_date=now - 60 * DAY,
            expiration_date=now - 30 * DAY,
            total_amount=Decimal("20000"),
        )
        await cs.add_payment(caller, overdue.id, Decimal("5000"))
        await cs.add_document(
            caller,
            client.id,
            name="Factura Electronica",
            number=123123123300 + n,
            emission_date=now - 5 * DAY,
            expiration_date=now + 25 * DAY,
            total_amount=Decimal("30000"),
        )
        if client.accumulate_points:
            await cs.change_points(caller, client.id, PointsOperation.ADD, 120, "Bienvenida")
