"""``python -m bench.search_lists``: relevance search of business partners and onboarded
accounts, and duplicate groups by name and city, per backend, server side.

Seeds one account with N business partners (default 100,000) and M clients with a city
(default 100,000), and one reseller with K onboarded accounts (default 20,000), named like
``bench.search``'s Peruvian customer base (accents, surnames shared by ~1.6%), bulk-loaded
with the keys every write stores. Then times in process what GraphQL asks of the services:
at the repositories, the first page (25, by relevance) of ``businessPartners(search:)`` and
``onboardedAccounts(search:)`` beside the one id-order statement it replaced and the count
(``totalCount``), p50 per kind of query, alternating in one run.

Duplicates: the first 50 groups by name and city, grouped on the stored folded city
(``city_key``, migration 0009) and on the expression it replaced (``lower(trim(city))``),
alternating in one run over the same rows; the groups' members are compared equal first
(the seed spells each city one way, so folding changes no group).

  flock /tmp/bench.lock .venv/bin/python -m bench.search_lists
  flock /tmp/bench.lock .venv/bin/python -m bench.search_lists --partners 20000 --backend sqlite
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.engine import make_url

from bench import seed_partners
from bench.db import fresh_database
from bench.search import FIRST, LAST, WORDS, _percentile, _timed
from bench.seed import SECRET_KEY, client_code, pg_dsn, seed
from clientgate.container import Services, build_services
from clientgate.settings import Settings
from core.clients.search import client_keys
from core.partners.model import PartnerFilter
from core.resellers.model import OnboardedFilter
from core.resellers.search import onboarded_keys
from core.storage.repositories.partners.partners import SqlPartnerRepository, partner_keyset
from core.storage.repositories.resellers import (
    PUBLIC_COLUMNS,
    SqlResellerRepository,
    onboarded_keyset,
)
from core.storage.tables.clients import clients as clients_table
from core.storage.tables.partners import bp_partners

PAGE = 25
CITIES = ["Lima", "Arequipa", "Trujillo", "Chiclayo", "Piura", "Cusco", "Huánuco", "Ica"]
STAMP = 1_700_000_000


def _person(rng: random.Random) -> tuple[str, str, str]:
    return rng.choice(FIRST), rng.choice(LAST), rng.choice(LAST)


def partner_names(i: int) -> dict[str, str]:
    first, last1, last2 = _person(random.Random(i))
    commercial = f"{WORDS[i % len(WORDS)]} {last1} SAC" if i % 3 == 0 else f"{last1} Hnos EIRL"
    return {
        "contact_name": f"{first} {last1} {last2}",
        "comercial_name": commercial,
        "tin": client_code(i),
    }


def _onboarded(i: int, reseller_id: int, first_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
    first, last1, last2 = _person(random.Random(-i - 1))
    settings: dict[str, Any] = {
        "account_id": first_id + i,
        "reseller_account_id": reseller_id,
        "ruc": client_code(900_000 + i),
        "company_name": f"{WORDS[i % len(WORDS)]} {last1} {last2} SAC",
        "email": f"{first}.{last1}{i}@correo.pe".lower(),
        "phone_number": f"+51 9{i:08d}",
        "mobile_number": None,
        "validator_entity": 1,
        "is_ose_validation_only": False,
        "integration_type": 1,
        "created_at": STAMP,
        "updated_at": STAMP,
    }
    settings.update(onboarded_keys(settings))
    account = {
        "id": first_id + i,
        "name": settings["company_name"],
        "country": "PE",
        "is_reseller": False,
        "strict_tax_ids": False,
        "unique_tax_ids": False,
        "reseller_account_id": reseller_id,
        "created_at": STAMP,
        "updated_at": STAMP,
    }
    return account, settings


def _client(i: int, account_id: int) -> dict[str, Any]:
    rng = random.Random(10_000_000 + i)
    first, last1, _ = _person(rng)
    person = {"first_name": first, "last_name": last1, "city": rng.choice(CITIES)}
    return {
        "id": i + 1,
        "account_id": account_id,
        **person,
        **client_keys(person),
        "code": "",
        "state": 0,
        "company_or_person": 0,
        "accumulate_points": 0,
        "points": 0.0,
        "send_dte": 0,
        "prestashop_client_id": 0,
        "created_at": STAMP + i,
        "updated_at": STAMP + i,
    }


def _table(rows: list[dict[str, Any]]) -> tuple[list[str], list[tuple[Any, ...]]]:
    columns = list(rows[0])
    return columns, [tuple(r[c] for c in columns) for r in rows]


async def _seed(url: str, workdir: Path, sizes: dict[str, int]) -> tuple[int, int]:
    """Seed the database at ``url``; the ids of the account and of the reseller."""
    started = time.perf_counter()
    seeded = await seed(url, 0, workdir, full=False)
    services = _services(url, workdir)
    try:
        caller = await services.accounts.authenticate_token(seeded.token)
        ids = await seed_partners.prepare(services, caller)
        reseller = await services.accounts.create_account(
            name="Reseller SAC", country="PE", is_reseller=True
        )
    finally:
        await services.close()
    data = seed_partners.rows(seeded.account_id, sizes["partners"], ids, partner_names)
    first_id = reseller.account.id + 1
    pairs = [_onboarded(i, reseller.account.id, first_id) for i in range(sizes["accounts"])]
    data.tables["accounts"] = _table([a for a, _ in pairs])
    data.tables["einvoice_settings"] = _table([s for _, s in pairs])
    data.tables["clients"] = _table(
        [_client(i, seeded.account_id) for i in range(sizes["clients"])]
    )
    if make_url(url).get_backend_name() == "sqlite":
        db = sqlite3.connect(str(make_url(url).database), isolation_level=None)
        try:
            db.execute("BEGIN")
            seed_partners.load_sqlite(db, data)
            db.execute("COMMIT")
            db.execute("ANALYZE")
        finally:
            db.close()
    else:
        import asyncpg

        conn = await asyncpg.connect(pg_dsn(url))
        try:
            await seed_partners.load_pg(conn, data)
            await conn.execute("VACUUM ANALYZE")
        finally:
            await conn.close()
    print(f"  seeded {sizes} in {time.perf_counter() - started:.0f} s", flush=True)
    return seeded.account_id, reseller.account.id


def _services(url: str, workdir: Path) -> Services:
    settings = Settings(
        database_url=url, secret_key=SECRET_KEY, migrate_on_start=False, var_dir=workdir
    )
    return build_services(settings)


def queries(sizes: dict[str, int], per_kind: int) -> dict[str, dict[str, list[str]]]:
    """Searches a person would type, drawn from the seeded rows so that they match."""
    rng = random.Random(11)
    partners = [rng.randrange(sizes["partners"]) for _ in range(per_kind)]
    accounts = [rng.randrange(sizes["accounts"]) for _ in range(per_kind)]
    named = [partner_names(i) for i in partners]
    settings = [_onboarded(i, 0, 0)[1] for i in accounts]
    return {
        "partners": {
            "contact name": [n["contact_name"] for n in named],
            "surname (~1.6%)": [n["contact_name"].split()[1] for n in named],
            "commercial prefix, 4 letters": [n["comercial_name"][:4] for n in named],
            "tin with separators": [
                f"{n['tin'][:2]}-{n['tin'][2:10]}-{n['tin'][10:]}" for n in named
            ],
            "idRemote": [f"BP{i:07d}" for i in partners],
        },
        "onboarded accounts": {
            "company name": [s["company_name"] for s in settings],
            "surname (~1.6%)": [s["company_name"].split()[1] for s in settings],
            "ruc": [s["ruc"] for s in settings],
            "phone, national digits": [s["phone_number"][4:] for s in settings],
        },
    }


def _line(label: str, values: list[float]) -> str:
    return f"p50 {statistics.median(values):7.2f} ms  p99 {_percentile(values, 0.99):7.2f} ms"


async def measure_search(
    url: str, workdir: Path, owners: tuple[int, int], kinds: dict[str, dict[str, list[str]]]
) -> None:
    """Per kind: the first page by relevance (the repositories' tier walk), the page in id
    order this change replaced (one ``partner_keyset``/``onboarded_keyset`` statement) and
    the count, alternating over the same texts in one run."""
    account_id, reseller_id = owners
    services = _services(url, workdir)
    try:
        async with services.engine.connect() as conn:
            partners = SqlPartnerRepository(conn)
            for kind, texts in kinds["partners"].items():
                calls = {
                    "relevance": lambda t: partners.keyset(
                        account_id, PartnerFilter(search=t), None, PAGE + 1
                    ),
                    "id order": lambda t: conn.execute(
                        partner_keyset(
                            select(bp_partners), account_id, PartnerFilter(search=t), None,
                            PAGE + 1, False,
                        )
                    ),
                    "count": lambda t: partners.count(account_id, PartnerFilter(search=t)),
                }  # fmt: skip
                print(f"  partners {kind:30}" + await _compare(texts, calls), flush=True)
            resellers = SqlResellerRepository(conn)
            for kind, texts in kinds["onboarded accounts"].items():
                calls = {
                    "relevance": lambda t: resellers.page(
                        reseller_id, OnboardedFilter(search=t), None, PAGE + 1
                    ),
                    "id order": lambda t: conn.execute(
                        onboarded_keyset(
                            list(PUBLIC_COLUMNS.values()),
                            reseller_id,
                            OnboardedFilter(search=t),
                            None,
                            PAGE + 1,
                            False,
                        )
                    ),
                    "count": lambda t: resellers.count(reseller_id, OnboardedFilter(search=t)),
                }
                print(f"  onboarded {kind:29}" + await _compare(texts, calls), flush=True)
    finally:
        await services.close()


async def _compare(texts: list[str], calls: Mapping[str, Callable[[str], Awaitable[Any]]]) -> str:
    """p50 of each call over ``texts``, alternating call by call (a first round warms)."""
    times: dict[str, list[float]] = {name: [] for name in calls}
    for round_ in range(2):
        for text in texts:
            for name, call in calls.items():
                took = await _timed(lambda call=call, text=text: call(text))  # type: ignore[misc]
                if round_:
                    times[name].append(took)
    ratio = statistics.median(times["relevance"]) / statistics.median(times["id order"])
    cells = [f"{name} p50 {statistics.median(v):6.2f} ms" for name, v in times.items()]
    return " | ".join(cells) + f" | relevance/id order {ratio:4.2f}"


def _groups_query(account_id: int, city: Any) -> Any:
    """The first 50 duplicate groups by name and city (the repository's ``groups``) keyed on
    ``city``, with each group's member ids."""
    c = clients_table.c
    key = (c.name_key + sa.literal("|", sa.String) + city).label("k")
    live = [c.account_id == account_id, c.merged_into_id.is_(None), c.name_key.is_not(None)]
    keyed = sa.select(key).where(*live, city.is_not(None), city != "").subquery("keyed")
    return (
        sa.select(keyed.c.k, sa.func.count().label("n"))
        .group_by(keyed.c.k)
        .having(sa.func.count() > 1)
        .order_by(keyed.c.k)
        .limit(50)
    )


async def measure_duplicates(url: str, workdir: Path, account_id: int, rounds: int) -> None:
    services = _services(url, workdir)
    old_city = sa.func.lower(sa.func.trim(sa.func.coalesce(clients_table.c.city, "")))
    variants = {"city_key": clients_table.c.city_key, "lower(trim(city))": old_city}
    try:
        async with services.engine.connect() as conn:
            answers = {}
            for name, city in variants.items():
                rows = (await conn.execute(_groups_query(account_id, city))).all()
                answers[name] = [n for _, n in rows]
            assert answers["city_key"] == answers["lower(trim(city))"], answers
            times: dict[str, list[float]] = {name: [] for name in variants}
            for _ in range(rounds):  # alternating, A B A B
                for name, city in variants.items():
                    query = _groups_query(account_id, city)
                    times[name].append(await _timed(lambda q=query: conn.execute(q)))  # type: ignore[misc]
        for name, values in times.items():
            print(f"  duplicate groups by name and {name:18} {_line(name, values)}", flush=True)
    finally:
        await services.close()


async def run_backend(backend: str, sizes: dict[str, int], per_kind: int, rounds: int) -> None:
    kinds = queries(sizes, per_kind)
    with tempfile.TemporaryDirectory(prefix="cg-search-lists-") as tmp:
        workdir = Path(tmp)
        async with fresh_database(backend, workdir, "search_lists") as url:
            owners = await _seed(url, workdir, sizes)
            await measure_search(url, workdir, owners, kinds)
            await measure_duplicates(url, workdir, owners[0], rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--partners", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--accounts", type=int, default=20_000, help="onboarded accounts")
    parser.add_argument("--queries", type=int, default=50, help="queries per kind")
    parser.add_argument("--rounds", type=int, default=20, help="duplicate groups rounds")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    args = parser.parse_args()
    sizes = {"partners": args.partners, "clients": args.clients, "accounts": args.accounts}
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    for backend in backends:
        print(f"{backend}:", flush=True)
        asyncio.run(run_backend(backend, sizes, args.queries, args.rounds))


if __name__ == "__main__":
    main()
