"""What every ``clientgate`` command shares: running against the configured database, help
texts that show each option's default and environment variable, JSON or text output, and
the exit codes of expected failures."""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import textwrap
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from clientgate.settings import DEFAULT_DB, Settings
from core.shared.errors import DomainError, InvalidInput
from core.shared.ids import as_id

if TYPE_CHECKING:  # the container imports every adapter: only commands that run need it
    from clientgate.container import Services

T = TypeVar("T")

ENVIRONMENT = f"""environment:
  CLIENTGATE_DATABASE_URL  the database (default: {DEFAULT_DB})
  CLIENTGATE_SECRET_KEY    keys token hashes and secret encryption (default: generated once
                           into $CLIENTGATE_VAR_DIR/secret.key)
  CLIENTGATE_VAR_DIR       development files: secret key, demo tokens (default: var)
  CLIENTGATE_LOG_LEVEL     DEBUG, INFO, WARNING or ERROR (default: INFO)
"""


def described(text: str, *, default: object = None, env: str | None = None) -> str:
    """``text`` with the option's default and, when one is behind it, the environment
    variable the option overrides: "(env CLIENTGATE_PORT; default: 8000)"."""
    if env is None:
        return f"{text} (default: {default})"
    return f"{text} (env {env}; default: {default})"


def command(
    sub: Any, name: str, help: str, *, description: str | None = None, uses_database: bool = True
) -> argparse.ArgumentParser:
    """A subcommand whose help ends with the environment it reads."""
    parser: argparse.ArgumentParser = sub.add_parser(
        name,
        help=help,
        description=textwrap.fill(description or help, 78),
        epilog=ENVIRONMENT if uses_database else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser


def json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--json", action="store_true", help=described("print JSON for scripts", default="text")
    )


def identifier(text: str) -> int:
    """An argparse type: a positive id in ASCII digits."""
    number = as_id(text)
    if number is None:
        raise argparse.ArgumentTypeError(f"not an id: {text!r}")
    return number


def with_services(fn: Callable[[Services], Awaitable[T]], migrate_first: bool = True) -> T:
    """``fn(services)`` against the configured database (migrated first), then closed."""
    from clientgate.container import build_services
    from core.storage.migrate import migrate

    async def run() -> T:
        services = build_services(Settings.from_env())
        try:
            if migrate_first:
                await migrate(services.engine)
            return await fn(services)
        finally:
            await services.close()

    return asyncio.run(run())


# The core's field names that the CLI spells otherwise.
_OPTIONS = {"expires_at": "--expires"}


def expected_failure(exc: DomainError) -> int:
    """Report an expected failure on stderr, naming the option at fault; its exit code: 2
    when the input is wrong, 1 when something does not exist or is in the way."""
    if isinstance(exc, InvalidInput):
        for error in exc.errors:
            option = _OPTIONS.get(error.field, "--" + error.field.replace("_", "-"))
            print(f"error: {option}: {error.message}", file=sys.stderr)
        return 2
    print(f"error: {exc.message}", file=sys.stderr)
    return 1


def run_expected(fn: Callable[[Services], Awaitable[T]]) -> tuple[T | None, int]:
    """``with_services(fn)``'s result and 0, or None and the exit code of a DomainError."""
    try:
        return with_services(fn), 0
    except DomainError as exc:
        return None, expected_failure(exc)


def shown(value: object) -> str:
    """A value in a text listing: yes/no for flags, - for nothing."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "-" if value is None else str(value)


def iso(seconds: int | None) -> str | None:
    """Unix seconds as ISO 8601 UTC (``2026-01-31T12:00:00Z``)."""
    if seconds is None:
        return None
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def print_json(value: object) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


def table(rows: list[list[str]], header: list[str]) -> str:
    """Rows under a header, columns padded to their widest cell."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in [header, *rows]
    ]
    return "\n".join(line.rstrip() for line in lines)


_DURATION = re.compile(r"([0-9]{1,7})([smhdw])")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def expiry(text: str, now: int) -> int:
    """``--expires``: a duration from now (``90s``, ``30m``, ``12h``, ``30d``, ``2w``) or an
    ISO 8601 date or time (``2027-01-31``, ``2027-01-31T18:00:00-03:00``; UTC when no offset
    is given) as Unix seconds. Whether it lies in the future is the core's rule."""
    text = text.strip()
    duration = _DURATION.fullmatch(text)
    if duration is not None:
        return now + int(duration.group(1)) * _UNITS[duration.group(2)]
    try:
        moment = datetime.fromisoformat(text)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return int(moment.timestamp())
    except (ValueError, OverflowError):
        raise InvalidInput.single(
            "expires_at", "give a duration (30d, 12h, 90m, 45s, 2w) or an ISO 8601 date or time"
        ) from None
