"""Measure one scenario: compare the two answers, then drive the floor and clientgate in turn
with wrk, counting each one's CPU per request (its own process plus, on PostgreSQL, the
backends serving its connections)."""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from bench.compare import compare
from bench.dbcpu import BackendCpu, sampler_for
from bench.scenarios import Scenario
from bench.server import Server
from bench.wrk import Request, WrkResult
from bench.wrk import run as wrk_run

# A measured run lasts --duration, longer when requests are slow: long enough for this many
# answers per connection at the warm-up's pace, up to MAX_DURATION.
REQUESTS_PER_CONNECTION = 10
MIN_ANSWERS_PER_CONNECTION = 5
MAX_DURATION = 30.0


def probe(server: Server, req: Request) -> tuple[int, str, float]:
    """Three sequential requests as wrk would send them on one connection: the status and
    start of the last answer, and the fastest time in seconds."""
    path, body = req.first()
    times = []
    with httpx.Client(base_url=server.base_url, headers=req.headers, timeout=60) as http:
        for _ in range(3):
            started = time.perf_counter()
            resp = http.request(req.method, path, content=body)
            times.append(time.perf_counter() - started)
            if resp.status_code >= 300:
                break
    return resp.status_code, resp.text[:300], min(times)


def settle(server: Server, limit: float = 15.0) -> None:
    """Wait until ``server`` is idle (two quiet 0.2 s intervals): when wrk stops, the
    requests it sent are still being answered."""
    deadline = time.monotonic() + limit
    quiet = 0
    while quiet < 2 and time.monotonic() < deadline:
        before = server.cpu_seconds()
        time.sleep(0.2)
        quiet = quiet + 1 if server.cpu_seconds() - before < 0.005 else 0


def _per_request(seconds: float, requests: int) -> float:
    return round(seconds * 1000 / max(1, requests), 3)


def _measured(
    server: Server, url: str, run: Callable[[], WrkResult]
) -> tuple[WrkResult, float, BackendCpu | None]:
    """``run`` from an idle server to an idle server: wrk's result, the server's CPU seconds
    and, on PostgreSQL, its backends' CPU."""
    sampler = sampler_for(url, server.application_name)
    cpu_before = server.cpu_seconds()
    if sampler is None:
        result = run()
        settle(server)
    else:
        with sampler:
            result = run()
            settle(server)
    server_cpu = server.cpu_seconds() - cpu_before
    return result, server_cpu, sampler.result if sampler is not None else None


def drive(
    server: Server, req: Request, name: str, url: str, args: argparse.Namespace, workdir: Path
) -> dict[str, Any]:
    """Warm up, then a measured wrk run of ``req`` against ``server`` (on database ``url``).

    CPU is read from an idle server (after the warm-up has drained) to an idle server again
    (after the requests still in flight when wrk stops have been answered), and divided by
    the requests wrk sent, so neither end of the run skews it. Throughput and latency are
    wrk's, over the answers it received."""
    status, text, one = probe(server, req)
    if status >= 300:
        return {"skipped": f"probe answered {status}: {text}"}

    def run(seconds: float, label: str) -> WrkResult:
        return wrk_run(
            server.base_url,
            req,
            duration=seconds,
            concurrency=args.concurrency,
            threads=args.threads,
            workdir=workdir,
            name=f"{server.name}-{label}",
        )

    warm = run(args.warmup, f"{name}-warmup")
    settle(server)
    if warm.requests >= args.concurrency and warm.rps:
        wanted = REQUESTS_PER_CONNECTION * args.concurrency / warm.rps
    else:  # too slow to tell from the warm-up: c requests' server time per answer, twice
        wanted = 2 * REQUESTS_PER_CONNECTION * args.concurrency * one
    duration = min(MAX_DURATION, max(args.duration, wanted))
    load_before = os.getloadavg()[0]
    result, server_cpu, db = _measured(server, url, lambda: run(duration, name))
    if result.requests < MIN_ANSWERS_PER_CONNECTION * args.concurrency and duration < MAX_DURATION:
        # Slower than the warm-up promised (a busy machine): once more, long enough at the
        # pace just measured.
        wanted = REQUESTS_PER_CONNECTION * args.concurrency / max(result.rps, 0.1)
        duration = min(MAX_DURATION, max(duration * 2, wanted))
        result, server_cpu, db = _measured(server, url, lambda: run(duration, name))
    db_cpu = db.seconds if db is not None else 0.0
    out = result.as_dict()
    out["probe_ms"] = round(one * 1000, 2)
    # CPU per request: what bounds throughput on a busy machine, and far less sensitive than
    # req/s to other processes sharing the CPUs. On SQLite the database work runs inside the
    # server process; on PostgreSQL it runs in the backends, added here.
    out["server_cpu_ms_per_request"] = _per_request(server_cpu, result.sent)
    out["db_cpu_ms_per_request"] = _per_request(db_cpu, result.sent)
    out["cpu_ms_per_request"] = _per_request(server_cpu + db_cpu, result.sent)
    out["db_backends"] = db.as_dict() if db is not None else "in process (SQLite)"
    out["loadavg_1m_before"] = load_before
    out["rss_mb_after"] = round(server.rss_mb(), 1)
    if result.non_2xx or result.socket_errors:
        # A figure made of error answers would flatter either side: refuse it.
        out["skipped"] = f"{result.non_2xx} non-2xx answers, {result.socket_errors} socket errors"
    elif result.requests < MIN_ANSWERS_PER_CONNECTION * args.concurrency:
        # req/s over a handful of answers per connection mostly measures where the run cut.
        out["skipped"] = (
            f"only {result.requests} answers in {result.seconds:g} s at c={args.concurrency}: "
            "too few for a figure"
        )
    return out


def _round(a: dict[str, Any], f: dict[str, Any]) -> dict[str, Any]:
    """One round's two runs and their ratios (None when either run was refused)."""
    ok = "skipped" not in a and "skipped" not in f
    return {
        "clientgate": a,
        "floor": f,
        "ratio": round(a["rps"] / f["rps"], 3) if ok and f["rps"] else None,
        "cpu_ratio": (
            round(f["cpu_ms_per_request"] / a["cpu_ms_per_request"], 3)
            if ok and a["cpu_ms_per_request"]
            else None
        ),
    }


def measure(
    scenario: Scenario,
    app: Server,
    floor: Server,
    url: str,
    args: argparse.Namespace,
    workdir: Path,
) -> dict[str, Any]:
    """Compare the answers; only when they are equal, measure both and give the ratios.

    ``args.rounds`` rounds, each a run of the floor and one of clientgate, the two taking
    turns to go first. One run's CPU per request moves by up to a third on a shared virtual
    machine (even the floor's), so the ratio reported is the median round's (of an even
    number, the lower middle one) and every round's is kept (``rounds``); the p99/p50 of each
    side is the median of its rounds'."""
    req = scenario.request
    equivalence = compare(app, floor, req, creates=scenario.creates)
    out: dict[str, Any] = {"label": scenario.label, "equivalence": equivalence}
    if not equivalence["equal"]:
        # A ratio against a floor that answers something else would measure nothing.
        out["skipped"] = f"floor and clientgate answers differ: {equivalence['verdict']}"
        out["ratio"] = out["cpu_ratio"] = None
        return out
    rounds: list[dict[str, Any]] = []
    for n in range(max(1, args.rounds)):
        sides = [(floor, "floor"), (app, "clientgate")]
        runs = {
            label: drive(server, req, scenario.name, url, args, workdir)
            for server, label in (sides if n % 2 == 0 else sides[::-1])
        }
        done = _round(runs["clientgate"], runs["floor"])
        if done["cpu_ratio"] is None:  # a refused run: no figure from this scenario
            a, f = done["clientgate"], done["floor"]
            out.update(clientgate=a, floor=f, ratio=None, cpu_ratio=None)
            out["skipped"] = a.get("skipped") or f.get("skipped") or "no CPU measured"
            return out
        rounds.append(done)
    # The middle round; of an even number, the lower of the two middle ones.
    middle = sorted(rounds, key=lambda r: r["cpu_ratio"])[(len(rounds) - 1) // 2]
    out.update(
        clientgate=middle["clientgate"],
        floor=middle["floor"],
        ratio=statistics.median(r["ratio"] for r in rounds),
        cpu_ratio=middle["cpu_ratio"],
        cpu_ratios=[r["cpu_ratio"] for r in rounds],
        tails={
            side: round(statistics.median(_tail(r[side]) for r in rounds), 2)
            for side in ("clientgate", "floor")
        },
        rounds=rounds,
    )
    return out


def _tail(side: dict[str, Any]) -> float:
    return float(side["p99_ms"] / side["p50_ms"]) if side["p50_ms"] else float("inf")


def tail(r: dict[str, Any], side: str) -> str:
    """p99 / p50 of one side (issue 7's target: at most 3 at c=16), e.g. ``2.4x``: the median
    of its rounds', or the one run's in older results."""
    tails = r.get("tails")
    if tails is not None:
        return f"{tails[side]:.1f}x"
    one = r[side]
    return f"{one['p99_ms'] / one['p50_ms']:.1f}x" if one["p50_ms"] else "-"


def spread(r: dict[str, Any]) -> str:
    """Every round's CPU ratio, e.g. ``0.45-0.52 over 3``; empty for one round."""
    ratios = r.get("cpu_ratios") or []
    if len(ratios) < 2:
        return ""
    return f"{min(ratios):.2f}-{max(ratios):.2f} over {len(ratios)}"


def line(r: dict[str, Any]) -> str:
    """One scenario's figures on one line, for the console (the median round's runs)."""
    if "skipped" in r:
        return f"skipped ({r['skipped']})"
    a, f = r["clientgate"], r["floor"]
    rounds = spread(r)
    return (
        f"clientgate {a['rps']:.0f} req/s p50 {a['p50_ms']:.1f} p99 {a['p99_ms']:.1f} ms | "
        f"floor {f['rps']:.0f} req/s p50 {f['p50_ms']:.1f} p99 {f['p99_ms']:.1f} ms | "
        f"p99/p50 {tail(r, 'clientgate')} vs {tail(r, 'floor')} | ratio {r['ratio']:.2f} | "
        f"CPU ms/req server+db {a['server_cpu_ms_per_request']:.2f}+"
        f"{a['db_cpu_ms_per_request']:.2f} vs {f['server_cpu_ms_per_request']:.2f}+"
        f"{f['db_cpu_ms_per_request']:.2f} (CPU ratio {r['cpu_ratio']:.2f}"
        + (f"; rounds {rounds})" if rounds else ")")
    )
