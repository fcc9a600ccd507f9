"""``python -m bench.partners``: the BusinessPartner queue and list paths on a real uvicorn.

1. 10,000 partners (100 ``create`` requests x 100 partners, each with a location and a
   contact with one method) against ``clientgate serve`` with its one in-process worker;
   measures the time until every message is ``completed`` (target <= 20 s).
2. ``getBPartner?pageSize=100`` (locations and contacts included), JSON and XML, with wrk
   (or a bounded httpx loop without /usr/bin/wrk): requests per second and latency, against
   clientgate and against the floor app (``bench.floor``: raw SQL + orjson, no framework) on
   the same database; both answers are checked equivalent first, and the results carry the
   ratio clientgate req/s / floor req/s.

    python -m bench.partners [--backend sqlite|postgresql|both] [--requests 100]
                             [--per-request 100] [--duration 5] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from bench.db import fresh_database
from bench.server import Server, app_env, free_port, start, start_floor
from bench.wrk import WRK, Request
from bench.wrk import run as wrk_run
from clientgate.container import build_services
from clientgate.settings import Settings
from core.partners.inputs import CompanyInput
from core.storage.migrate import migrate
from core.storage.tables.partners import bp_messages

SECRET_KEY = "bench-secret-key-0123456789-abcdefghijklmnopq"
RESULTS = Path(__file__).parent / "results"
TARGET_SECONDS = 20.0


def log(msg: str) -> None:
    print(msg, flush=True)


def partner(i: int) -> dict[str, Any]:
    return {
        "idRemote": f"BP{i:06d}",
        "roleId": "client",
        "statusId": "active",
        "companyId": "ACME",
        "contactName": f"Contact {i}",
        "comercialName": f"Shop {i}",
        "tin": "20100070970",
        "observation": "bench",
        "origin": "erp",
        "active": True,
        "locations": [
            {
                "idRemote": f"LOC{i:06d}",
                "name": "Main",
                "address": f"Av. Larco {i}",
                "city": "Lima",
                "stateId": "PE-LIM",
                "postalCode": "15074",
                "shippingAddress": True,
                "billingAddress": True,
                "countryId": "PE",
                "default": True,
                "active": True,
            }
        ],
        "contacts": [
            {
                "idRemote": f"C{i:06d}",
                "name": "Ana",
                "position": "buyer",
                "default": True,
                "active": True,
                "contactMethods": [
                    {"idRemote": f"M{i:06d}", "contactTypeId": "email", "value": f"a{i}@b.pe"}
                ],
            }
        ],
    }


async def prepare(url: str, var_dir: Path) -> str:
    """Migrate, create the tenant and its company; the tenant's token."""
    settings = Settings(database_url=url, secret_key=SECRET_KEY, var_dir=var_dir)
    services = build_services(settings)
    try:
        await migrate(services.engine)
        created = await services.accounts.create_account(name="Bench B2B", country="PE")
        caller = await services.accounts.authenticate_token(created.token)
        await services.partners.companies.create(
            caller, CompanyInput(id_remote="ACME", company_name="Acme SAC")
        )
        return created.token
    finally:
        await services.close()


async def completed_count(url: str, var_dir: Path, total: int, limit_s: float) -> float:
    """Seconds until ``total`` messages are completed (polls the table every 50 ms)."""
    services = build_services(Settings(database_url=url, secret_key=SECRET_KEY, var_dir=var_dir))
    start_t = time.perf_counter()
    try:
        while True:
            async with services.engine.connect() as conn:
                rows: dict[str, int] = dict(
                    (
                        await conn.execute(
                            select(bp_messages.c.status, func.count()).group_by(
                                bp_messages.c.status
                            )
                        )
                    ).all()
                )
            if rows.get("failed"):
                raise RuntimeError(f"messages failed: {rows}")
            if rows.get("completed", 0) >= total:
                return time.perf_counter() - start_t
            if time.perf_counter() - start_t > limit_s:
                raise RuntimeError(f"not completed after {limit_s} s: {rows}")
            await asyncio.sleep(0.05)
    finally:
        await services.close()


async def analyze(url: str, var_dir: Path) -> None:
    from sqlalchemy import text

    services = build_services(Settings(database_url=url, secret_key=SECRET_KEY, var_dir=var_dir))
    try:
        async with services.engine.connect() as conn:
            await conn.execute(text("ANALYZE"))
            await conn.commit()
    finally:
        await services.close()


async def post_all(
    base: str, token: str, requests: int, per_request: int, concurrency: int
) -> float:
    bodies = [[partner(r * per_request + i) for i in range(per_request)] for r in range(requests)]
    sem = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(base_url=base, headers={"access_token": token}) as client:

        async def one(body: list[dict[str, Any]]) -> None:
            async with sem:
                resp = await client.post("/BusinessPartner/create", json=body, timeout=60)
                if resp.status_code != 201:
                    raise RuntimeError(f"create answered {resp.status_code}: {resp.text}")

        t0 = time.perf_counter()
        await asyncio.gather(*(one(b) for b in bodies))
        return time.perf_counter() - t0


def httpx_loop(base: str, path: str, headers: dict[str, str], seconds: float) -> dict[str, Any]:
    """A bounded sequential loop when wrk is missing."""
    latencies = []
    with httpx.Client(base_url=base, headers=headers) as client:
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            t0 = time.perf_counter()
            resp = client.get(path)
            resp.raise_for_status()
            latencies.append((time.perf_counter() - t0) * 1000)
    latencies.sort()
    return {
        "requests": len(latencies),
        "rps": len(latencies) / seconds,
        "p50_ms": latencies[len(latencies) // 2],
        "p99_ms": latencies[int(len(latencies) * 0.99)],
    }


LIST_PATH = "/BusinessPartner/getBPartner?pageSize=100&page=3"


def _xml_tree(body: bytes) -> Any:
    """An XML document as nested (tag, text, children) tuples, for an order-aware comparison."""
    import xml.etree.ElementTree as ET

    def walk(el: Any) -> Any:
        return (el.tag, (el.text or "").strip(), [walk(c) for c in el])

    return walk(ET.fromstring(body))


def compare_answers(app: Server, floor: Server, token: str) -> dict[str, Any]:
    """Both servers' answers to the measured request, JSON and XML. The floor answers on its
    own port, so the one URL in the body (``nextPageUrl``) is compared with the host
    normalised."""
    out: dict[str, Any] = {}
    for label, accept in (("json", "application/json"), ("xml", "application/xml")):
        headers = {"access_token": token, "Accept": accept}
        a = httpx.get(app.base_url + LIST_PATH, headers=headers, timeout=30)
        f = httpx.get(floor.base_url + LIST_PATH, headers=headers, timeout=30)
        if a.status_code != 200 or f.status_code != 200:
            raise RuntimeError(
                f"{label}: clientgate {a.status_code}, floor {f.status_code}: "
                f"{floor.log_path.read_text()[-2000:]}"
            )
        fb = f.content.replace(floor.base_url.encode(), app.base_url.encode())
        if label == "json":
            same = json.loads(a.content) == json.loads(fb)
        else:
            same = _xml_tree(a.content) == _xml_tree(fb)
        out[label] = {
            "equivalent": same,
            "identical_bytes": a.content == fb,
            "content_type": [a.headers.get("content-type"), f.headers.get("content-type")],
            "bytes": [len(a.content), len(f.content)],
        }
        if not same:
            raise RuntimeError(f"{label}: the floor's answer differs from clientgate's")
    return out


def measure_list(
    server: Server, token: str, accept: str, args: argparse.Namespace, workdir: Path, name: str
) -> dict[str, Any]:
    path = LIST_PATH
    headers = {"access_token": token, "Accept": accept}
    probe = httpx.get(server.base_url + path, headers=headers, timeout=30)
    if probe.status_code != 200:
        raise RuntimeError(f"{name}: {probe.status_code} {probe.text[:200]}")
    size = len(probe.content)
    if Path(WRK).exists():
        wrk_run(  # one second of warm-up, not recorded (same for clientgate and the floor)
            server.base_url,
            Request("GET", (path,), headers=headers),
            duration=1.0,
            concurrency=args.concurrency,
            threads=2,
            workdir=workdir,
            name=f"{name}-warmup",
        )
        result = wrk_run(
            server.base_url,
            Request("GET", (path,), headers=headers),
            duration=args.duration,
            concurrency=args.concurrency,
            threads=2,
            workdir=workdir,
            name=name,
        ).as_dict()
    else:
        result = httpx_loop(server.base_url, path, headers, args.duration)
    result["bytes"] = size
    return result


async def run_backend(backend: str, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    async with fresh_database(backend, workdir, "partners") as url:
        token = await prepare(url, workdir)
        port = free_port()
        env = app_env(url, SECRET_KEY, port, workdir)
        env["CLIENTGATE_WORKER_IN_SERVE"] = "true"  # one worker, inside the server
        env["CLIENTGATE_QUEUE_POLL_SECONDS"] = "0.05"
        argv = [str(Path(sys.executable).with_name("clientgate")), "serve", "--port", str(port)]
        server = start(f"clientgate-{backend}", argv, env, port, workdir)
        try:
            total = args.requests * args.per_request
            log(f"[{backend}] {args.requests} x {args.per_request} partners through create ...")
            t0 = time.perf_counter()
            posting = await post_all(
                server.base_url, token, args.requests, args.per_request, args.concurrency
            )
            await completed_count(url, workdir, args.requests, limit_s=600)
            elapsed = time.perf_counter() - t0
            log(
                f"[{backend}] enqueue {posting:.2f} s; all {args.requests} messages completed "
                f"after {elapsed:.2f} s ({total / elapsed:,.0f} partners/s; target <= "
                f"{TARGET_SECONDS:.0f} s)"
            )
            if backend == "postgresql":
                # What autovacuum does within a minute of a bulk load: fresh statistics.
                await analyze(url, workdir)
            floor = start_floor(url, SECRET_KEY, workdir)
            try:
                equivalence = compare_answers(server, floor, token)
                log(f"[{backend}] floor vs clientgate answers: {equivalence}")
                lists: dict[str, Any] = {}
                for fmt, accept in (("json", "application/json"), ("xml", "application/xml")):
                    f_r = measure_list(floor, token, accept, args, workdir, f"floor-{fmt}")
                    a_r = measure_list(server, token, accept, args, workdir, fmt)
                    ratio = round(a_r["rps"] / f_r["rps"], 3) if f_r["rps"] else None
                    lists[fmt] = (a_r, f_r, ratio)
                    log(
                        f"[{backend}] getBPartner pageSize=100 {fmt.upper()}: clientgate "
                        f"{a_r['rps']:.0f} req/s, p50 {a_r['p50_ms']:.1f} ms, p99 "
                        f"{a_r['p99_ms']:.1f} ms, {a_r['bytes']:,} bytes | floor "
                        f"{f_r['rps']:.0f} req/s, p50 {f_r['p50_ms']:.1f} ms | ratio {ratio}"
                    )
            finally:
                floor_code = floor.stop()
            rss = server.rss_mb()
        finally:
            code = server.stop()
        # uvicorn re-raises the SIGTERM it handled gracefully: -15 is a clean stop too.
        if code not in (0, -signal.SIGTERM):
            raise RuntimeError(f"server exited with {code}: {server.log_path.read_text()}")
        return {
            "partners": total,
            "enqueue_seconds": round(posting, 3),
            "completed_seconds": round(elapsed, 3),
            "partners_per_second": round(total / elapsed),
            "within_target": elapsed <= TARGET_SECONDS,
            "list_json": lists["json"][0],
            "list_xml": lists["xml"][0],
            "floor_json": lists["json"][1],
            "floor_xml": lists["xml"][1],
            "ratio_json": lists["json"][2],
            "ratio_xml": lists["xml"][2],
            "equivalence": equivalence,
            "floor_exit": floor_code,
            "rss_mb": round(rss, 1),
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.partners", description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--per-request", type=int, default=100)
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--no-save", action="store_true")
    args = parser.parse_args(argv)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "loadavg_before": os.getloadavg(),
        },
        "settings": vars(args),
    }
    with tempfile.TemporaryDirectory(prefix="bench-partners-") as tmp:
        for backend in backends:
            results[backend] = asyncio.run(run_backend(backend, args, Path(tmp)))
    results["machine"]["loadavg_after"] = os.getloadavg()
    if not args.no_save:
        RESULTS.mkdir(exist_ok=True)
        out = RESULTS / f"partners-{time.strftime('%Y%m%dT%H%M%S')}.json"
        out.write_text(json.dumps(results, indent=2))
        log(f"written {out}")
    ok = all(results[b]["within_target"] for b in backends)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
