"""``python -m bench.resellers``: onboard 1,000 new RUCs in one batch, then the same 1,000 again
as updates, through a real ``clientgate serve`` (uvicorn) on SQLite and PostgreSQL.

    python -m bench.resellers [--backend sqlite|postgresql|both] [--size 1000] [--rounds 3]

Each round uses fresh RUCs, so every round times one create batch and one update batch.
Target: each batch answers in at most 1.5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from stdnum.pe import ruc as stdnum_ruc

from bench.db import fresh_database
from bench.server import ROOT, app_env, free_port, start

TARGET_SECONDS = 1.5
SECRET_KEY = "bench-resellers-secret-key-0123456789-abcdef"


def valid_rucs(count: int, rng: random.Random) -> list[str]:
    seen: set[str] = set()
    while len(seen) < count:
        body = "20" + "".join(rng.choice("0123456789") for _ in range(8))
        seen.add(body + stdnum_ruc.calc_check_digit(body))
    return sorted(seen, key=lambda _: rng.random())


def batch(rucs: list[str], round_no: int, update: bool) -> list[dict[str, Any]]:
    items = []
    for i, ruc in enumerate(rucs):
        validator = i % 4
        items.append(
            {
                "ruc": ruc,
                "company_name": f"Empresa {ruc} {'v2' if update else 'v1'} r{round_no}",
                "email": f"facturas{i}@example.pe",
                "phone_number": "711-0550",
                "mobile_number": "962984123",
                "validator_entity": validator,
                "external_ose_username": f"ose{i}" if validator >= 2 else None,
                "external_ose_password": f"Ose-Pass-{i:05d}!" if validator >= 2 else None,
                "is_ose_validation_only": validator == 1,
                "integration_type": i % 2,
            }
        )
    return items


def create_reseller(env: dict[str, str]) -> str:
    out = subprocess.run(
        [
            str(Path(sys.executable).with_name("clientgate")),
            "accounts",
            "create",
            "--name",
            "Bench Reseller",
            "--country",
            "PE",
            "--reseller",
            "--json",
        ],
        env={**os.environ, **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return str(json.loads(out.stdout)["token"])


async def run_backend(backend: str, size: int, rounds: int, workdir: Path) -> dict[str, Any]:
    rng = random.Random(7)
    async with fresh_database(backend, workdir, f"resellers_{backend}") as url:
        port = free_port()
        env = app_env(url, SECRET_KEY, port, workdir)
        token = create_reseller(env)  # also migrates the fresh database
        argv = [str(Path(sys.executable).with_name("clientgate")), "serve", "--port", str(port)]
        server = start("clientgate", argv, env, port, workdir)
        creates: list[float] = []
        updates: list[float] = []
        try:
            async with httpx.AsyncClient(
                base_url=server.base_url, headers={"access_token": token}, timeout=120
            ) as client:
                # Warm-up: one tiny batch, so imports and connection pools are not timed.
                warm = await client.post(
                    "/resellers/clients/batch", json=batch(valid_rucs(2, rng), 0, False)
                )
                assert warm.status_code == 200, warm.text
                for round_no in range(1, rounds + 1):
                    rucs = valid_rucs(size, rng)
                    for update, times in ((False, creates), (True, updates)):
                        body = batch(rucs, round_no, update)
                        started = time.perf_counter()
                        answer = await client.post("/resellers/clients/batch", json=body)
                        elapsed = time.perf_counter() - started
                        assert answer.status_code == 200, answer.text[:500]
                        data = answer.json()
                        key = "updated_clients" if update else "created_clients"
                        assert len(data[key]) == size, {k: len(v) for k, v in data.items()}
                        times.append(elapsed)
                        print(
                            f"  {backend:<10} round {round_no} "
                            f"{'update' if update else 'create'} {size}: {elapsed:.3f} s",
                            flush=True,
                        )
        finally:
            server.stop()
    return {
        "backend": backend,
        "size": size,
        "create_s": {"min": min(creates), "median": statistics.median(creates)},
        "update_s": {"min": min(updates), "median": statistics.median(updates)},
    }


async def main_async(args: argparse.Namespace) -> list[dict[str, Any]]:
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    results = []
    with tempfile.TemporaryDirectory(prefix="bench-resellers-") as tmp:
        for backend in backends:
            results.append(await run_backend(backend, args.size, args.rounds, Path(tmp)))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    results = asyncio.run(main_async(args))
    print(f"\nbatch of {args.size}, {args.rounds} rounds (target <= {TARGET_SECONDS} s each)")
    ok = True
    for r in results:
        for kind in ("create_s", "update_s"):
            median = r[kind]["median"]
            ok = ok and median <= TARGET_SECONDS
            print(
                f"  {r['backend']:<10} {kind[:-2]:<6} median {median:.3f} s  "
                f"min {r[kind]['min']:.3f} s  ratio to target {median / TARGET_SECONDS:.2f}"
            )
    print(json.dumps(results))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
