"""``python -m bench.instructions``: instructions per request, counted by callgrind, for
comparisons that a loaded machine's timings cannot make (the counts repeat to ~0.1 %).

Run under valgrind; the script switches instrumentation on only around the measured requests
(``callgrind_control -i on|off``), so start-up is not counted and runs at a few times native:

  valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/cg.%p \\
      .venv/bin/python -m bench.instructions --request get_one --requests 300
  callgrind_annotate /tmp/cg.<pid> | head        # "PROGRAM TOTALS" / requests

It prints the path to read and the number of requests; ``bench.overhead`` holds the requests.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import tempfile
from pathlib import Path

from bench.overhead import requests_for
from clientgate.app import create_app
from clientgate.container import build_services
from clientgate.settings import Settings
from core.storage.migrate import migrate

SECRET = "bench-secret-key-0123456789-abcdefghijklmnop"


def _instrument(on: bool) -> None:
    subprocess.run(
        ["callgrind_control", "-i", "on" if on else "off", str(os.getpid())],
        check=True,
        capture_output=True,
    )


async def run(args: argparse.Namespace, url: str, var: Path) -> None:
    settings = Settings(
        database_url=url,
        secret_key=SECRET,
        migrate_on_start=False,
        var_dir=var,
        log_level="WARNING",
        rate_limit_enabled=args.rate_limit,
        worker_in_serve=False,
    )
    services = build_services(settings)
    await migrate(services.engine)
    app = create_app(settings, services)
    try:
        request = await requests_for(app, services, args.request)
        for _ in range(args.warmup):
            status, answer = await request()
            assert status == 200, answer
        _instrument(True)
        for _ in range(args.requests):
            await request()
        _instrument(False)
        print(f"{args.request}: {args.requests} requests counted (pid {os.getpid()})")
    finally:
        await services.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", help="default: a SQLite file in a temp dir")
    parser.add_argument("--request", choices=["get_one", "list", "graphql_node"], default="get_one")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--rate-limit", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        asyncio.run(run(args, url, Path(tmp)))


if __name__ == "__main__":
    main()
