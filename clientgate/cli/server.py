"""``serve``, ``migrate``, ``worker``, ``demo`` and ``export-schema``."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from clientgate.cli.common import command, described, json_flag, with_services
from clientgate.settings import Settings

if TYPE_CHECKING:
    from clientgate.container import Services


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    settings = Settings.from_env()
    uvicorn.run(
        "clientgate.app:create_app_from_env",
        factory=True,
        host=args.host or settings.host,
        port=args.port or settings.port,
        loop="uvloop",
        http="httptools",
        access_log=False,  # RequestContextMiddleware logs one structured line per request
        # X-Forwarded-For is believed only from the configured proxies (none by default).
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=list(settings.trusted_proxies) or None,
        log_level=settings.log_level.lower(),
    )
    return 0


def cmd_migrate(_: argparse.Namespace) -> int:
    async def run(services: Services) -> None:
        print(f"database at head ({services.engine.url.get_backend_name()})")

    with_services(run)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from clientgate.demo import load_demo, tokens_file

    async def run(services: Services) -> tuple[dict[str, dict[str, object]], str]:
        return await load_demo(services), str(tokens_file(services))

    accounts, path = with_services(run)
    if args.json:
        print(json.dumps(accounts, indent=2))
        return 0
    settings = Settings.from_env()
    base = f"http://{args.host or settings.host}:{args.port or settings.port}"
    print(f"\nclientgate demo accounts (tokens kept in {path}):")
    for key, info in accounts.items():
        print(f"  {key:<9} {info['name']:<20} {info['country']}  access_token: {info['token']}")
    print(f"\n  GraphiQL   {base}/graphql")
    print(f"  Bsale API  curl -H 'access_token: <token>' {base}/v1/clients.json\n")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Run BusinessPartner queue and webhook workers until SIGINT/SIGTERM (graceful: the work
    in hand is finished first)."""
    from clientgate.worker import run_workers
    from httpkit.logging import configure_logging

    settings = Settings.from_env()
    configure_logging(settings.log_level, settings.log_json)

    async def run(services: Services) -> None:
        await run_workers(services, args.count)

    with_services(run)
    return 0


def cmd_export_schema(args: argparse.Namespace) -> int:
    from graphql_api.schema import schema_sdl

    sdl = schema_sdl()
    if args.output == "-":
        sys.stdout.write(sdl)
    else:
        with open(args.output, "w") as fh:
            fh.write(sdl)
    return 0


def _host_and_port(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--host", help=described(what, default="127.0.0.1", env="CLIENTGATE_HOST"))
    parser.add_argument(
        "--port", type=int, help=described("port", default=8000, env="CLIENTGATE_PORT")
    )


def add_commands(sub: Any) -> None:
    serve = command(
        sub,
        "serve",
        "serve HTTP (GraphQL, REST dialects)",
        description="Serve HTTP: GraphQL and the REST dialects. Every CLIENTGATE_* setting of "
        "the README's Configuration table applies.",
    )
    _host_and_port(serve, "address to listen on")
    serve.set_defaults(func=cmd_serve)

    command(sub, "migrate", "upgrade the database to the latest schema").set_defaults(
        func=cmd_migrate
    )

    demo = command(sub, "demo", "load demo accounts once and print their tokens")
    json_flag(demo)
    _host_and_port(demo, "host shown in the printed URLs")
    demo.set_defaults(func=cmd_demo)

    worker = command(
        sub, "worker", "process the BusinessPartner creation queue and deliver webhooks"
    )
    worker.add_argument(
        "--count", type=int, default=1, help=described("workers in this process", default=1)
    )
    worker.set_defaults(func=cmd_worker)

    export = command(sub, "export-schema", "write the GraphQL SDL", uses_database=False)
    export.add_argument(
        "--output",
        "-o",
        default="schema.graphql",
        help=described("file, or - for stdout", default="schema.graphql"),
    )
    export.set_defaults(func=cmd_export_schema)
