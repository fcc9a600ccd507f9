"""``python -m bench``: seed, serve clientgate and the floor on real uvicorn, check that the
floor gives clientgate's answer, drive both with wrk, print figures and ratios, write
``bench/results/clients-<time>.json``.

Scenarios (``--only`` takes these names):

  graphql_list      clients(first: 50), every scalar + paymentType, contacts, addresses,
                    attributes
  graphql_partners  businessPartners(first: 50) + company, locations, contacts + methods
  graphql_node      node(id) of one client (1,000 random ids in turn) with contacts
  graphql_deep      the graphql_list page after a cursor (clients - 50) deep
  graphql_create    createClient mutation (a new valid RUC per request)
  rest_list         GET /v1/clients.json?limit=50&offset=...&expand=[...]
  get_one           GET /v1/clients/{id}.json
  lookup            GET /v1/clients.json?code=...
  post_client       POST /v1/clients.json
  deep_cursor       clientgate only: deep page vs page 1, sequential, interleaved

Each GraphQL scenario runs against the GraphQL floor, each REST one against the REST floor
(bench/floor.py, bench/floor_graphql.py). Before measuring, one answer of each is compared
after JSON parsing; a scenario whose answers differ is reported as such, with no ratio. CPU
per request is the server process plus, on PostgreSQL, its backends (bench/dbcpu.py).
Each scenario runs ``--rounds`` rounds (floor and clientgate taking turns to go first); the
median round's figures are reported, with every round's CPU ratio beside them.

Examples:

  python -m bench --small                      # both backends, small (~15 min, 3 rounds)
  python -m bench --small --rounds 1           # one round each (~6 min)
  python -m bench --small --graphql-only --backend sqlite
  python -m bench --only graphql_list rest_list --clients 20000 --duration 5 --no-million
  python -m bench                              # full size: 100,000 clients, 1M lookup
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import orjson

from bench import scenarios
from bench.db import fresh_database
from bench.measure import drive, line, measure, spread
from bench.seed import SECRET_KEY, Seeded, client_code, seed
from bench.server import Server, start_clientgate, start_floor

RESULTS = Path(__file__).parent / "results"
TARGETS = {
    "lookup_ms_p50": 3.0,
    "deep_cursor_ratio": 1.2,
    "rss_mb": 200.0,
}
CPU_TARGETS = {  # issue 7: CPU ratio floor/clientgate (server + database), median round
    "graphql_list": 0.5,
    "graphql_partners": 0.4,
    "get_one": 0.4,
    "rest_list": 0.8,
}
TAIL_TARGET = 3.0
"""issue 7: every scenario's p99 at most this many times its p50 (c=16)."""
FULL = {  # the defaults of the options --small changes
    "clients": 100_000,
    "partners": 10_000,
    "duration": 10.0,
    "warmup": 2.0,
    "samples": 200,
    "lookup_clients": 1_000_000,
}
SMALL = {  # --small: a development run that fits a busy two-CPU machine
    "clients": 10_000,
    "partners": 2_000,
    "duration": 3.0,
    "warmup": 1.0,
    "samples": 50,
    "lookup_clients": 0,
}


def log(msg: str) -> None:
    print(msg, flush=True)


def _timed(fn: Any, n: int) -> list[float]:
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return samples


def _pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)


def deep_cursor(server: Server, seeded: Seeded, samples: int) -> dict[str, Any]:
    """GraphQL page 1 vs a page after a cursor at depth ``clients - 50`` (99,950 deep on the
    default data set): keyset pagination should make them cost the same."""
    headers = {"access_token": seeded.token, "Content-Type": "application/json"}
    with httpx.Client(base_url=server.base_url, headers=headers, timeout=30) as http:
        first = http.post("/graphql", content=scenarios.graphql_body())
        if first.status_code != 200 or first.json().get("errors"):
            return {"skipped": f"GraphQL answered {first.status_code}: {first.text[:300]}"}
        data = first.json()
        depth = max(0, seeded.clients - scenarios.PAGE)
        cursor = scenarios.cursor_at(data, depth)
        if cursor is None:
            return {"skipped": "no cursor at depth"}
        deep_body = scenarios.graphql_body(after=cursor)
        check = http.post("/graphql", content=deep_body).json()
        if check.get("errors"):
            return {"skipped": f"deep page refused: {check['errors']}"}
        nodes = check["data"]["clients"]["edges"]
        if not nodes or nodes[0]["node"]["databaseId"] != depth + 1:
            return {"skipped": f"deep page does not start at {depth + 1}"}
        page1 = scenarios.graphql_body()
        for body in (page1, deep_body):  # warm both
            for _ in range(10):
                http.post("/graphql", content=body)
        # Interleaved, so both see the same machine load (other processes share the CPUs).
        one: list[float] = []
        deep: list[float] = []
        for _ in range(samples):
            one += _timed(lambda: http.post("/graphql", content=page1), 1)
            deep += _timed(lambda: http.post("/graphql", content=deep_body), 1)
    p1, pd = statistics.median(one), statistics.median(deep)
    return {
        "depth": depth,
        "deep_page_items": len(nodes),
        "page1_ms_p50": round(p1, 3),
        "deep_ms_p50": round(pd, 3),
        "page1_ms_p99": _pct(one, 0.99),
        "deep_ms_p99": _pct(deep, 0.99),
        "ratio": round(pd / p1, 3),
    }


async def lookup_in_process(seeded: Seeded, var_dir: Path, samples: int) -> dict[str, Any]:
    """The service call behind ``GET /v1/clients.json?code=`` timed in-process."""
    from clientgate.container import build_services
    from clientgate.settings import Settings
    from core.clients.model import ClientFilter

    services = build_services(
        Settings(
            database_url=seeded.url,
            secret_key=SECRET_KEY,
            migrate_on_start=False,
            var_dir=var_dir,
        )
    )
    try:
        caller = await services.accounts.authenticate_token(seeded.token)
        rng = random.Random(7)
        codes = [client_code(rng.randrange(seeded.clients)) for _ in range(samples)]
        for code in codes[:50]:  # warm the pool and caches
            await services.clients.list_clients(caller, ClientFilter(code=code), 25, 0)
        list_ms, get_ms = [], []
        for code in codes:
            t0 = time.perf_counter()
            page, _ = await services.clients.list_clients(caller, ClientFilter(code=code), 25, 0)
            list_ms.append((time.perf_counter() - t0) * 1000)
            assert page.items and page.items[0].code == code, code
            t0 = time.perf_counter()
            await services.clients.get_by_code(caller, code)
            get_ms.append((time.perf_counter() - t0) * 1000)
    finally:
        await services.close()
    return {
        "clients": seeded.clients,
        "samples": samples,
        "list_by_code_ms_p50": _pct(list_ms, 0.5),
        "list_by_code_ms_p99": _pct(list_ms, 0.99),
        "get_by_code_ms_p50": _pct(get_ms, 0.5),
        "get_by_code_ms_p99": _pct(get_ms, 0.99),
    }


async def bench_backend(backend: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    out: dict[str, Any] = {"backend": backend}
    rng = random.Random(42)
    async with fresh_database(backend, workdir, "main") as url:
        log(f"[{backend}] seeding {args.clients:,} clients, {args.partners:,} partners ...")
        seeded = await seed(url, args.clients, workdir, partners=args.partners)
        log(f"[{backend}] seeded in {seeded.seconds:.1f} s")
        out["seed_seconds"] = round(seeded.seconds, 1)
        app = start_clientgate(url, SECRET_KEY, workdir)
        floor = start_floor(url, SECRET_KEY, workdir)
        try:
            out["rss_mb_idle"] = round(app.rss_mb(), 1)
            results: dict[str, Any] = {}
            for scenario in scenarios.all_scenarios(seeded, rng):
                if args.only and scenario.name not in args.only:
                    continue
                log(f"[{backend}] {scenario.name}: comparing answers, then floor and clientgate")
                r = results[scenario.name] = measure(scenario, app, floor, url, args, workdir)
                log(f"[{backend}] {scenario.name}: {r['equivalence']['verdict']}; {line(r)}")
            out["scenarios"] = results
            if not args.only or "deep_cursor" in args.only:
                log(f"[{backend}] deep cursor vs page 1 ...")
                out["deep_cursor"] = deep_cursor(app, seeded, args.samples)
                log(f"[{backend}] deep cursor: {out['deep_cursor']}")
            out["rss_mb_after"] = round(app.rss_mb(), 1)
        finally:
            out["clientgate_exit"] = app.stop()
            out["floor_exit"] = floor.stop()
    if args.lookup_clients:
        async with fresh_database(backend, workdir, "million") as url:
            log(f"[{backend}] seeding {args.lookup_clients:,} clients (rows only) ...")
            big = await seed(url, args.lookup_clients, workdir, full=False)
            log(f"[{backend}] seeded in {big.seconds:.1f} s; timing lookups in-process ...")
            lookup = await lookup_in_process(big, workdir, args.samples * 10)
            app = start_clientgate(url, SECRET_KEY, workdir)
            try:
                lookup["http_c1"] = drive(
                    app,
                    scenarios.lookup(big, rng),
                    "lookup-1m-c1",
                    url,
                    argparse.Namespace(**{**vars(args), "concurrency": 1, "threads": 1}),
                    workdir,
                )
            finally:
                lookup["clientgate_exit"] = app.stop()
            out["lookup_million"] = lookup
            log(f"[{backend}] lookup on {big.clients:,}: {lookup}")
    return out


def summary(results: list[dict[str, Any]]) -> str:
    lines = []
    for res in results:
        lines.append(f"\n== {res['backend']} ==")
        lines.append(
            f"{'scenario':<18}{'cg req/s':>10}{'p50 ms':>8}{'p99 ms':>8}{'floor':>8}{'ratio':>7}"
            f"{'cg ms CPU (srv+db)':>20}{'floor ms CPU':>15}{'cpu ratio':>10}  rounds"
        )
        for name, r in res.get("scenarios", {}).items():
            if "skipped" in r:
                lines.append(f"{name:<18} skipped: {r['skipped'][:90]}")
                continue
            a, f = r["clientgate"], r["floor"]
            cg = f"{a['server_cpu_ms_per_request']:.2f}+{a['db_cpu_ms_per_request']:.2f}"
            fl = f"{f['server_cpu_ms_per_request']:.2f}+{f['db_cpu_ms_per_request']:.2f}"
            lines.append(
                f"{name:<18}{a['rps']:>10.0f}{a['p50_ms']:>8.1f}{a['p99_ms']:>8.1f}"
                f"{f['rps']:>8.0f}{r['ratio']:>7.2f}{cg:>20}{fl:>15}{r['cpu_ratio']:>10.2f}"
                f"  {spread(r)}"
            )
        checks = verdicts(res)
        for key, (value, target, ok) in checks.items():
            lines.append(f"  {key:<24} {value!s:>10}  target {target}  {'MET' if ok else 'MISSED'}")
    return "\n".join(lines)


def verdicts(res: dict[str, Any]) -> dict[str, tuple[Any, str, bool]]:
    out: dict[str, tuple[Any, str, bool]] = {}
    sc = res.get("scenarios", {})
    for name, target in CPU_TARGETS.items():
        v = sc.get(name, {}).get("cpu_ratio")
        if v is not None:
            out[f"{name} CPU ratio"] = (v, f">= {target}", v >= target)
    for name, r in sc.items():
        tails = r.get("tails")
        if tails is not None:
            v = tails["clientgate"]
            note = f"<= {TAIL_TARGET:g} (floor {tails['floor']:.1f})"
            out[f"{name} p99/p50"] = (v, note, v <= TAIL_TARGET)
    lk = res.get("lookup_million")
    if lk:
        v = lk["list_by_code_ms_p50"]
        out["lookup 1M p50 ms"] = (v, "<= 3", v <= TARGETS["lookup_ms_p50"])
        v = lk["list_by_code_ms_p99"]
        out["lookup 1M p99 ms"] = (v, "(info)", True)
    dc = res.get("deep_cursor", {})
    if "ratio" in dc:
        out["deep cursor / page 1"] = (
            dc["ratio"],
            "<= 1.2",
            dc["ratio"] <= TARGETS["deep_cursor_ratio"],
        )
    if "rss_mb_after" in res:
        v = res["rss_mb_after"]
        out["server RSS MB"] = (v, "<= 200", v <= TARGETS["rss_mb"])
    return out


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--clients", type=int, help="clients seeded (100,000)")
    parser.add_argument(
        "--partners", type=int, help="business partners (10,000; 0: no partners scenario)"
    )
    parser.add_argument("--duration", type=float, help="seconds per measured run (10)")
    parser.add_argument("--warmup", type=float, help="seconds of warm-up (2)")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--samples", type=int, help="sequential timing samples (200)")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="runs of each side per scenario, taking turns; the median round is reported",
    )
    parser.add_argument("--lookup-clients", type=int, help="clients of the lookup set (1M)")
    parser.add_argument("--no-million", action="store_true", help="skip the 1M lookup data set")
    parser.add_argument(
        "--small",
        action="store_true",
        help="development run: "
        + ", ".join(f"{k.replace('_', '-')} {v:,}" for k, v in SMALL.items())
        + " (options given explicitly win)",
    )
    parser.add_argument(
        "--graphql-only",
        action="store_true",
        help="only the graphql_* scenarios and deep_cursor (plus any --only)",
    )
    parser.add_argument("--only", nargs="*", metavar="SCENARIO", help="scenarios to run")
    return parser


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = _parser()
    args = parser.parse_args(argv)
    # Options given explicitly win over --small's, even when they equal the full defaults.
    for key, value in (SMALL if args.small else FULL).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    if args.no_million:
        args.lookup_clients = 0
    if args.graphql_only:
        graphql = [n for n in scenarios.SCENARIO_NAMES if n.startswith("graphql_")]
        args.only = [*graphql, "deep_cursor", *(args.only or [])]
    unknown = set(args.only or ()) - {*scenarios.SCENARIO_NAMES, "deep_cursor"}
    if unknown:
        parser.error(f"unknown scenarios: {sorted(unknown)}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    RESULTS.mkdir(exist_ok=True)
    machine: dict[str, object] = {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "loadavg_before": os.getloadavg(),
    }
    meta = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine,
        "settings": dict(vars(args)),
    }
    results = []
    with tempfile.TemporaryDirectory(prefix="clientgate-bench-") as tmp:
        for backend in backends:
            results.append(asyncio.run(bench_backend(backend, args, Path(tmp))))
    machine["loadavg_after"] = os.getloadavg()
    report = {**meta, "results": results}
    path = RESULTS / f"clients-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
    print(summary(results))
    print(f"\nwritten {path}")
    differ = [
        f"{res['backend']}/{name}"
        for res in results
        for name, r in res.get("scenarios", {}).items()
        if not r["equivalence"]["equal"]
    ]
    if differ:
        print(f"answers differ (no ratio reported): {', '.join(differ)}")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
