"""``audit prune``: delete change history older than the retention (docs/history.md)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from clientgate.cli.common import command, described, json_flag, print_json, run_expected
from clientgate.settings import Settings

if TYPE_CHECKING:
    from clientgate.container import Services

RETENTION_ENV = "CLIENTGATE_HISTORY_RETENTION_DAYS"


def positive_days(text: str) -> int:
    """An argparse type: a number of days, 1 or more, in ASCII digits."""
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= 100_000:
        raise argparse.ArgumentTypeError(f"not a number of days (1 to 100000): {text!r}")
    return int(text)


def cmd_prune(args: argparse.Namespace) -> int:
    async def run(services: Services) -> tuple[int, int]:
        days = args.older_than_days or services.history.retention_days
        return await services.history.prune(older_than_days=days), days

    out, code = run_expected(run)
    if out is None:
        return code
    deleted, days = out
    if args.json:
        print_json({"deleted": deleted, "older_than_days": days})
    else:
        print(f"{deleted} change(s) older than {days} days deleted")
    return 0


def add_commands(sub: Any) -> None:
    audit = sub.add_parser("audit", help="the change history: prune old entries")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    prune = command(
        audit_sub,
        "prune",
        "delete change history older than the retention",
        description="Delete every recorded change (clients, partners, onboarded accounts, "
        "tokens) older than the retention, across every account, in short transactions. "
        "Run it from cron; the change feed's positions are not reused.",
    )
    prune.add_argument(
        "--older-than-days",
        type=positive_days,
        metavar="DAYS",
        help=described(
            "delete changes older than this many days",
            default=Settings.history_retention_days,
            env=RETENTION_ENV,
        ),
    )
    json_flag(prune)
    prune.set_defaults(func=cmd_prune)
