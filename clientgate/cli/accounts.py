"""``accounts create | list | show | update``: the operator's view of every tenant."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from clientgate.cli.common import (
    command,
    described,
    identifier,
    iso,
    json_flag,
    print_json,
    run_expected,
    shown,
    table,
)
from clientgate.cli.tokens import token_json, token_rows
from core.accounts.model import Account, AccountChanges, ApiToken, TokenState, User
from core.accounts.service import MAX_ACCOUNT_PAGE
from core.shared.errors import NotFound

if TYPE_CHECKING:
    from clientgate.container import Services

TOKEN_HEADER = ["TOKEN", "LABEL", "STATE", "CREATED", "LAST USED", "EXPIRES"]


def account_json(a: Account) -> dict[str, object]:
    return {
        "account_id": a.id,
        "name": a.name,
        "country": a.country,
        "reseller": a.is_reseller,
        "strict_tax_ids": a.strict_tax_ids,
        "unique_tax_ids": a.unique_tax_ids,
        "reseller_account_id": a.reseller_account_id,
        "created_at": iso(a.created_at),
        "updated_at": iso(a.updated_at),
    }


def cmd_create(args: argparse.Namespace) -> int:
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

    out, code = run_expected(run)
    if out is None:
        return code
    if args.json:
        print(json.dumps(out))  # one line, as ever
    else:
        print(f"account {out['account_id']} created; token (shown once): {out['token']}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    async def run(services: Services) -> Any:
        return await services.accounts.page_accounts(after_id=args.after, limit=args.limit)

    page, code = run_expected(run)
    if page is None:
        return code
    if args.json:
        print_json({"accounts": [account_json(a) for a in page.items], "has_more": page.has_next})
        return 0
    rows = [
        [
            str(a.id),
            a.name,
            a.country,
            shown(a.is_reseller),
            shown(a.strict_tax_ids),
            shown(a.reseller_account_id),
            iso(a.created_at) or "",
        ]
        for a in page.items
    ]
    header = ["ID", "NAME", "COUNTRY", "RESELLER", "STRICT", "ONBOARDED BY", "CREATED"]
    print(table(rows, header))
    if page.has_next:
        print(f"(more: --after {page.items[-1].id})")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    async def run(
        services: Services,
    ) -> tuple[Account, list[tuple[ApiToken, TokenState]], list[User]]:
        account = await services.accounts.get(args.account_id)
        if account is None:
            raise NotFound("account", args.account_id)
        tokens = await services.tokens.list_for(account.id)
        users = await services.accounts.users_of(account.id)
        return account, [(t, services.tokens.state(t)) for t in tokens], users

    found, code = run_expected(run)
    if found is None:
        return code
    account, tokens, users = found
    if args.json:
        print_json(
            {
                **account_json(account),
                "tokens": [token_json(t, state) for t, state in tokens],
                "users": [
                    {"user_id": u.id, "username": u.username, "kind": u.kind.value} for u in users
                ],
            }
        )
        return 0
    for key, value in account_json(account).items():
        print(f"{key + ':':<21}{shown(value)}")
    print()
    print(table(token_rows(tokens), TOKEN_HEADER))
    if users:
        print()
        print(
            table(
                [[str(u.id), u.username, u.kind.value] for u in users], ["USER", "USERNAME", "KIND"]
            )
        )
    return 0


def cmd_update(args: argparse.Namespace) -> int:
    unique = None if args.unique_tax_ids is None else args.unique_tax_ids == "on"
    changes = AccountChanges(
        name=args.name,
        is_reseller=args.reseller,
        strict_tax_ids=args.strict,
        unique_tax_ids=unique,
    )
    if changes.is_empty():
        print(
            "error: give --name, --strict/--no-strict, --reseller/--no-reseller "
            "or --unique-tax-ids on|off",
            file=sys.stderr,
        )
        return 2

    async def run(services: Services) -> Account:
        return await services.accounts.update_account(args.account_id, changes)

    account, code = run_expected(run)
    if account is None:
        return code
    if args.json:
        print_json(account_json(account))
    else:
        print(
            f"account {account.id} updated: name {account.name!r}, "
            f"reseller {shown(account.is_reseller)}, "
            f"strict tax ids {shown(account.strict_tax_ids)}, "
            f"unique tax ids {shown(account.unique_tax_ids)}"
        )
    return 0


def add_commands(sub: Any) -> None:
    accounts = sub.add_parser("accounts", help="manage accounts (tenants)")
    acc_sub = accounts.add_subparsers(dest="accounts_command", required=True)

    create = command(acc_sub, "create", "create an account and print its first token")
    create.add_argument("--name", required=True, help="1 to 200 characters (required)")
    create.add_argument(
        "--country", required=True, help="PE, CL, MX or ES: picks the Bsale flavour (required)"
    )
    create.add_argument(
        "--reseller",
        action="store_true",
        help=described("may onboard accounts (POST /resellers/clients/batch)", default="no"),
    )
    create.add_argument(
        "--strict",
        action="store_true",
        help=described("refuse invalid tax ids instead of flagging them", default="no"),
    )
    json_flag(create)
    create.set_defaults(func=cmd_create)

    listing = command(acc_sub, "list", "list accounts in id order")
    listing.add_argument(
        "--after",
        type=identifier,
        help=described("start after this account id", default="the first"),
    )
    listing.add_argument(
        "--limit",
        type=int,
        default=100,
        help=described(f"accounts to list, 1 to {MAX_ACCOUNT_PAGE}", default=100),
    )
    json_flag(listing)
    listing.set_defaults(func=cmd_list)

    show = command(
        acc_sub, "show", "show an account, its API tokens (never their secrets) and users"
    )
    show.add_argument("account_id", type=identifier, metavar="ACCOUNT_ID")
    json_flag(show)
    show.set_defaults(func=cmd_show)

    update = command(
        acc_sub,
        "update",
        "rename an account, or turn strict tax ids or the reseller flag on or off",
    )
    update.add_argument("account_id", type=identifier, metavar="ACCOUNT_ID")
    update.add_argument(
        "--name", help=described("new name, 1 to 200 characters", default="unchanged")
    )
    update.add_argument(
        "--strict",
        action=argparse.BooleanOptionalAction,
        help=described("refuse invalid tax ids (--no-strict: flag them)", default="unchanged"),
    )
    update.add_argument(
        "--unique-tax-ids",
        choices=("on", "off"),
        help=described(
            "on: refuse a second client with the same valid tax id", default="unchanged"
        ),
    )
    update.add_argument(
        "--reseller",
        action=argparse.BooleanOptionalAction,
        help=described(
            "may onboard accounts (--no-reseller: no longer; its onboarded accounts stay)",
            default="unchanged",
        ),
    )
    json_flag(update)
    update.set_defaults(func=cmd_update)
