"""``python -m bench``: seed, serve clientgate and the floor on real uvicorn, drive with wrk,
print figures and ratios, write ``bench/results/<timestamp>.json``.

    python -m bench [--backend sqlite|postgresql|both] [--clients N] [--duration S]
                    [--concurrency C] [--lookup-clients M | --no-million]
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
from bench.compare import compare_lists
from bench.db import fresh_database
from bench.seed import SECRET_KEY, Seeded, client_code, seed
from bench.server import Server, start_clientgate, start_floor
from bench.wrk import Request, WrkResult
from bench.wrk import run as wrk_run

RESULTS = Path(__file__).parent / "results"
TARGETS = {
    "graphql_list_vs_floor": 0.1,
    "rest_list_vs_floor": 0.8,
    "lookup_ms_p50": 3.0,
    "deep_cursor_ratio": 1.2,
    "rss_mb": 200.0,
}


def log(msg: str) -> None:
    print(msg, flush=True)


def _probe(server: Server, req: Request) -> tuple[int, str]:
    """One request as wrk would send it: the scenario is only measured if it answers 2xx."""
    body = None
    if req.body is not None:
        body = req.body.replace("{n}", "0").replace("{code}", req.codes[0] if req.codes else "")
    resp = httpx.request(
        req.method, server.base_url + req.paths[0], headers=req.headers, content=body, timeout=30
    )
    return resp.status_code, resp.text[:300]


def _drive(
    server: Server, req: Request, name: str, args: argparse.Namespace, workdir: Path
) -> dict[str, Any]:
    status, text = _probe(server, req)
    if status >= 300:
        return {"skipped": f"probe answered {status}: {text}"}
    threads = args.threads
    wrk_run(
        server.base_url,
        req,
        duration=args.warmup,
        concurrency=args.concurrency,
        threads=threads,
        workdir=workdir,
        name=f"{server.name}-{name}-warmup",
    )
    cpu_before = server.cpu_seconds()
    result: WrkResult = wrk_run(
        server.base_url,
        req,
        duration=args.duration,
        concurrency=args.concurrency,
        threads=threads,
        workdir=workdir,
        name=f"{server.name}-{name}",
    )
    cpu = server.cpu_seconds() - cpu_before
    out = result.as_dict()
    # Server CPU per answered request: what bounds throughput on a busy machine, and far
    # less sensitive than req/s to other processes sharing the CPUs.
    out["cpu_ms_per_request"] = round(cpu * 1000 / max(1, result.requests), 3)
    out["rss_mb_after"] = round(server.rss_mb(), 1)
    if result.non_2xx or result.socket_errors:
        # A figure made of error answers would flatter either side: refuse it.
        out["skipped"] = f"{result.non_2xx} non-2xx answers, {result.socket_errors} socket errors"
    return out


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
        log(f"[{backend}] seeding {args.clients:,} clients ...")
        seeded = await seed(url, args.clients, workdir)
        log(f"[{backend}] seeded in {seeded.seconds:.1f} s")
        out["seed_seconds"] = round(seeded.seconds, 1)
        app = start_clientgate(url, SECRET_KEY, workdir)
        floor = start_floor(url, SECRET_KEY, workdir)
        try:
            out["rss_mb_idle"] = round(app.rss_mb(), 1)
            out["equivalence"] = compare_lists(app, floor, seeded)
            log(f"[{backend}] floor vs REST list: {out['equivalence']['verdict']}")
            reqs = {
                "graphql_list": scenarios.graphql_list(seeded),
                "rest_list": scenarios.rest_list(seeded),
                "get_one": scenarios.get_one(seeded, rng),
                "lookup": scenarios.lookup(seeded, rng),
                "post_client": scenarios.post_client(seeded, rng),
            }
            results: dict[str, Any] = {}
            for name, req in reqs.items():
                if args.only and name not in args.only:
                    continue
                floor_req = scenarios.rest_list(seeded) if name == "graphql_list" else req
                log(f"[{backend}] {name}: floor ...")
                f = _drive(floor, floor_req, name, args, workdir)
                log(f"[{backend}] {name}: clientgate ...")
                a = _drive(app, req, name, args, workdir)
                ratio = (
                    round(a["rps"] / f["rps"], 3)
                    if "skipped" not in a and "skipped" not in f and f["rps"]
                    else None
                )
                cpu_ratio = (
                    round(f["cpu_ms_per_request"] / a["cpu_ms_per_request"], 3)
                    if "skipped" not in a and "skipped" not in f and a["cpu_ms_per_request"]
                    else None
                )
                results[name] = {
                    "clientgate": a,
                    "floor": f,
                    "ratio": ratio,
                    "cpu_ratio": cpu_ratio,
                }
                log(f"[{backend}] {name}: {_line(results[name])}")
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
                one = _drive(
                    app,
                    scenarios.lookup(big, rng),
                    "lookup-1m-c1",
                    argparse.Namespace(**{**vars(args), "concurrency": 1, "threads": 1}),
                    workdir,
                )
                lookup["http_c1"] = one
            finally:
                lookup["clientgate_exit"] = app.stop()
            out["lookup_million"] = lookup
            log(f"[{backend}] lookup on {big.clients:,}: {lookup}")
    return out


def _line(r: dict[str, Any]) -> str:
    a, f = r["clientgate"], r["floor"]
    if "skipped" in a or "skipped" in f:
        return f"skipped ({a.get('skipped') or f.get('skipped')})"
    return (
        f"clientgate {a['rps']:.0f} req/s p50 {a['p50_ms']:.1f} ms p99 {a['p99_ms']:.1f} ms | "
        f"floor {f['rps']:.0f} req/s | ratio {r['ratio']:.2f} | CPU ms/req "
        f"{a['cpu_ms_per_request']:.2f} vs {f['cpu_ms_per_request']:.2f} "
        f"(ratio {r['cpu_ratio']:.2f})"
    )


def summary(results: list[dict[str, Any]]) -> str:
    lines = []
    for res in results:
        lines.append(f"\n== {res['backend']} ==")
        lines.append(
            f"{'scenario':<14}{'clientgate':>12}{'p50 ms':>9}{'p99 ms':>9}{'floor':>10}{'ratio':>8}"
            f"{'cpu ratio':>11}"
        )
        for name, r in res.get("scenarios", {}).items():
            a, f = r["clientgate"], r["floor"]
            if "skipped" in a or "skipped" in f:
                lines.append(f"{name:<14} skipped: {(a.get('skipped') or f.get('skipped'))[:60]}")
                continue
            lines.append(
                f"{name:<14}{a['rps']:>12.0f}{a['p50_ms']:>9.2f}{a['p99_ms']:>9.2f}"
                f"{f['rps']:>10.0f}{r['ratio']:>8.2f}{r['cpu_ratio']:>11.2f}"
            )
        checks = verdicts(res)
        for key, (value, target, ok) in checks.items():
            lines.append(f"  {key:<24} {value!s:>10}  target {target}  {'MET' if ok else 'MISSED'}")
    return "\n".join(lines)


def verdicts(res: dict[str, Any]) -> dict[str, tuple[Any, str, bool]]:
    out: dict[str, tuple[Any, str, bool]] = {}
    sc = res.get("scenarios", {})
    if sc.get("graphql_list", {}).get("ratio") is not None:
        v = sc["graphql_list"]["ratio"]
        out["graphql_list/floor"] = (v, ">= 0.1", v >= TARGETS["graphql_list_vs_floor"])
    if sc.get("rest_list", {}).get("ratio") is not None:
        v = sc["rest_list"]["ratio"]
        out["rest_list/floor"] = (v, ">= 0.8", v >= TARGETS["rest_list_vs_floor"])
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per scenario")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of warm-up")
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--samples", type=int, default=200, help="sequential timing samples")
    parser.add_argument("--lookup-clients", type=int, default=1_000_000)
    parser.add_argument("--no-million", action="store_true", help="skip the 1M lookup data set")
    parser.add_argument(
        "--only",
        nargs="*",
        help="scenarios to run (graphql_list rest_list get_one lookup post_client deep_cursor)",
    )
    args = parser.parse_args(argv)
    if args.no_million:
        args.lookup_clients = 0
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    RESULTS.mkdir(exist_ok=True)
    meta = {
        "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": sys.version.split()[0],
            "loadavg_before": os.getloadavg(),
        },
        "settings": {k: v for k, v in vars(args).items()},
    }
    results = []
    with tempfile.TemporaryDirectory(prefix="clientgate-bench-") as tmp:
        for backend in backends:
            results.append(asyncio.run(bench_backend(backend, args, Path(tmp))))
    meta["machine"]["loadavg_after"] = os.getloadavg()
    report = {**meta, "results": results}
    path = RESULTS / f"clients-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_bytes(orjson.dumps(report, option=orjson.OPT_INDENT_2))
    print(summary(results))
    print(f"\nwritten {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
