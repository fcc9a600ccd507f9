"""``clientgate`` command line: serve, migrate, demo, accounts create, export-schema."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from clientgate.container import Services, build_services
from clientgate.settings import Settings
from core.shared.errors import InvalidInput
from core.storage.migrate import migrate


def _with_services(fn: Callable[[Services], Awaitable[Any]], migrate_first: bool = True) -> Any:
    async def run() -> Any:
        services = build_services(Settings.from_env())
        try:
            if migrate_first:
                await migrate(services.engine)
            return await fn(services)
        finally:
            await services.close()

    return asyncio.run(run())


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

    _with_services(run)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from clientgate.demo import load_demo, tokens_file

    async def run(services: Services) -> tuple[dict[str, dict[str, object]], str]:
        return await load_demo(services), str(tokens_file(services))

    accounts, path = _with_services(run)
    if args.json:
        print(json.dumps(accounts, indent=2))
        return 0
    base = f"http://{args.host}:{args.port}"
    print(f"\nclientgate demo accounts (tokens kept in {path}):")
    for key, info in accounts.items():
        print(f"  {key:<9} {info['name']:<20} {info['country']}  access_token: {info['token']}")
    print(f"\n  GraphiQL   {base}/graphql")
    print(f"  Bsale API  curl -H 'access_token: <token>' {base}/v1/clients.json\n")
    return 0


def cmd_accounts_create(args: argparse.Namespace) -> int:
    async def run(services: Services) -> dict[str, object]:
        created = await services.accounts.create_account(
            name=args.name,
            country=args.country,
            is_reseller=args.reseller,
            strict_tax_ids=args.strict,
        )
        return {
            "account_id": created.account.id,
            "name": created.account.name,
            "country": created.account.country,
            "reseller": created.account.is_reseller,
            "strict_tax_ids": created.account.strict_tax_ids,
            "token": created.token,
        }

    try:
        out = _with_services(run)
    except InvalidInput as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(out))
    else:
        print(f"account {out['account_id']} created; token (shown once): {out['token']}")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Run BusinessPartner queue workers until SIGINT/SIGTERM (graceful: the message in hand
    is finished first)."""
    from clientgate.worker import run_workers
    from httpkit.logging import configure_logging

    settings = Settings.from_env()
    configure_logging(settings.log_level, settings.log_json)

    async def run(services: Services) -> None:
        await run_workers(services, args.count)

    _with_services(run)
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="clientgate", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="serve HTTP (GraphQL, REST dialects)")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.set_defaults(func=cmd_serve)

    sub.add_parser("migrate", help="upgrade the database to the latest schema").set_defaults(
        func=cmd_migrate
    )

    demo = sub.add_parser("demo", help="load demo accounts once and print their tokens")
    demo.add_argument("--json", action="store_true")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=8000)
    demo.set_defaults(func=cmd_demo)

    accounts = sub.add_parser("accounts", help="manage accounts")
    acc_sub = accounts.add_subparsers(dest="accounts_command", required=True)
    create = acc_sub.add_parser("create", help="create an account and print its first token")
    create.add_argument("--name", required=True)
    create.add_argument("--country", required=True, help="PE, CL, MX or ES")
    create.add_argument("--reseller", action="store_true")
    create.add_argument("--strict", action="store_true", help="refuse invalid tax ids")
    create.add_argument("--json", action="store_true")
    create.set_defaults(func=cmd_accounts_create)

    worker = sub.add_parser("worker", help="process the BusinessPartner creation queue")
    worker.add_argument("--count", type=int, default=1, help="workers in this process")
    worker.set_defaults(func=cmd_worker)

    export = sub.add_parser("export-schema", help="write the GraphQL SDL")
    export.add_argument("--output", "-o", default="schema.graphql", help="file, or - for stdout")
    export.set_defaults(func=cmd_export_schema)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ValueError as exc:  # settings errors
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
