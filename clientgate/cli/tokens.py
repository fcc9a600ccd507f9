"""``tokens create | list | revoke``: an account's API tokens, named by ``--account``.

A token's secret is printed once, by ``create``; storage keeps only its keyed hash, so a lost
token is replaced (create a new one, revoke the old), never shown again.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from clientgate.cli.common import (
    command,
    described,
    expiry,
    identifier,
    iso,
    json_flag,
    print_json,
    run_expected,
    table,
)
from core.accounts.model import ApiToken, NewApiToken, TokenState

if TYPE_CHECKING:
    from clientgate.container import Services

HEADER = ["TOKEN", "LABEL", "STATE", "CREATED", "LAST USED", "EXPIRES"]


def token_json(t: ApiToken, state: TokenState) -> dict[str, object]:
    """A token as the CLI prints it: never its secret (nor its hash)."""
    return {
        "token_id": t.id,
        "account_id": t.account_id,
        "label": t.label,
        "state": state.value,
        "created_at": iso(t.created_at),
        "last_used_at": iso(t.last_used_at),
        "expires_at": iso(t.expires_at),
        "revoked_at": iso(t.revoked_at),
    }


def token_rows(tokens: list[tuple[ApiToken, TokenState]]) -> list[list[str]]:
    return [
        [
            str(t.id),
            t.label,
            state.value,
            iso(t.created_at) or "",
            iso(t.last_used_at) or "never",
            iso(t.expires_at) or "never",
        ]
        for t, state in tokens
    ]


def cmd_create(args: argparse.Namespace) -> int:
    async def run(services: Services) -> tuple[NewApiToken, TokenState]:
        expires_at = None
        if args.expires is not None:
            expires_at = expiry(args.expires, services.clock.now())
        created = await services.tokens.issue(args.account, args.label, expires_at=expires_at)
        return created, services.tokens.state(created.token)

    out, code = run_expected(run)
    if out is None:
        return code
    created, state = out
    if args.json:
        print_json({**token_json(created.token, state), "token": created.secret})
        return 0
    expires = iso(created.token.expires_at) or "never"
    print(
        f"token {created.token.id} created for account {created.token.account_id} "
        f"(label {created.token.label!r}, expires {expires}); token (shown once): {created.secret}"
    )
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    async def run(services: Services) -> list[tuple[ApiToken, TokenState]]:
        tokens = await services.tokens.list_for(args.account)
        return [(t, services.tokens.state(t)) for t in tokens]

    tokens, code = run_expected(run)
    if tokens is None:
        return code
    if args.json:
        print_json({"account_id": args.account, "tokens": [token_json(t, s) for t, s in tokens]})
    else:
        print(table(token_rows(tokens), HEADER))
    return 0


def cmd_revoke(args: argparse.Namespace) -> int:
    async def run(services: Services) -> tuple[ApiToken, TokenState]:
        token = await services.tokens.revoke_for(args.account, args.token_id)
        return token, services.tokens.state(token)

    out, code = run_expected(run)
    if out is None:
        return code
    token, state = out
    if args.json:
        print_json(token_json(token, state))
    else:
        print(f"token {token.id} of account {token.account_id} revoked at {iso(token.revoked_at)}")
    return 0


def _account(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--account", type=identifier, required=True, metavar="ID", help="the account (required)"
    )


def add_commands(sub: Any) -> None:
    tokens = sub.add_parser("tokens", help="manage an account's API tokens")
    tok_sub = tokens.add_subparsers(dest="tokens_command", required=True)

    create = command(
        tok_sub,
        "create",
        "create an API token and print it (once)",
        description="Create an API token for an account and print it: it is shown this once. "
        "Callers send it as 'access_token: <token>' or 'Authorization: Bearer <token>'.",
    )
    _account(create)
    create.add_argument(
        "--label", required=True, help="what it is for, 1 to 100 characters (required)"
    )
    create.add_argument(
        "--expires",
        metavar="WHEN",
        help=described(
            "a duration from now (45s, 90m, 12h, 30d, 2w) or an ISO 8601 date or time "
            "(2027-01-31, 2027-01-31T18:00:00-03:00; UTC without an offset), in the future",
            default="never",
        ),
    )
    json_flag(create)
    create.set_defaults(func=cmd_create)

    listing = command(
        tok_sub, "list", "list an account's API tokens in every state (never their secrets)"
    )
    _account(listing)
    json_flag(listing)
    listing.set_defaults(func=cmd_list)

    revoke = command(
        tok_sub,
        "revoke",
        "revoke an API token: refused from the next request on",
        description="Revoke an API token: every instance refuses it from the next request on. "
        "Revoking a revoked token changes nothing.",
    )
    _account(revoke)
    revoke.add_argument("token_id", type=identifier, metavar="TOKEN_ID")
    json_flag(revoke)
    revoke.set_defaults(func=cmd_revoke)
