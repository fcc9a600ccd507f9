"""Demo data, loaded once: a Peruvian, a Chilean and a reseller account with a few clients.

Tokens are stored only as hashes, so the plaintext ones are written once to
``var/demo-tokens.json`` (mode 0600) and printed from there on later runs.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from clientgate.container import Services
from core.clients.model import AttributeInput, CatalogKind, ClientChanges, PointsOperation

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
    return services.settings.var_dir / "demo-tokens.json"


async def load_demo(services: Services) -> dict[str, dict[str, object]]:
    """Create the demo accounts unless ``var/demo-tokens.json`` says they exist."""
    path = tokens_file(services)
    if path.exists():
        existing: dict[str, dict[str, object]] = json.loads(path.read_text())
        ids = [int(str(v["account_id"])) for v in existing.values()]
        if all([await services.accounts.get(i) is not None for i in ids]):
            return existing
    out: dict[str, dict[str, object]] = {}
    now = services.clock.now()
    for spec in _DEMO:
        created = await services.accounts.create_account(
            name=str(spec["name"]), country=str(spec["country"]), is_reseller=bool(spec["reseller"])
        )
        account = created.account
        caller = await services.accounts.authenticate_token(created.token)
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
        out[str(spec["key"])] = {
            "account_id": account.id,
            "name": account.name,
            "country": account.country,
            "reseller": account.is_reseller,
            "token": created.token,
        }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2))
    path.chmod(0o600)
    return out
