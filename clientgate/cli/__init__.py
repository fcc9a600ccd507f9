"""``clientgate`` command line: serve, migrate, worker, demo, export-schema, and the operator's
``accounts``, ``tokens`` and ``audit`` commands. One module per command group."""

from __future__ import annotations

import argparse
import sys
import textwrap
from importlib.metadata import PackageNotFoundError, version

from clientgate.cli import accounts, audit, server, tokens
from clientgate.cli.common import ENVIRONMENT


def _version() -> str:
    try:
        return version("clientgate")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clientgate",
        description=textwrap.fill(
            "clientgate: the customer master-data gateway's server, worker and operator "
            "commands. 'clientgate COMMAND --help' shows each one's options.",
            78,
        ),
        epilog=ENVIRONMENT,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"clientgate {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)
    server.add_commands(sub)
    accounts.add_commands(sub)
    tokens.add_commands(sub)
    audit.add_commands(sub)
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
