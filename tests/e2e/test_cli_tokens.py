"""The operator's ``accounts`` and ``tokens`` commands against a running ``clientgate serve``
on each database: a token made by the CLI works at once, and a revoked or expired one is
refused at once (nothing about a credential is cached between requests); ``--json`` shapes;
secrets printed once and nowhere else, the server's log included."""

from __future__ import annotations

import calendar
import json
import subprocess
import time
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import LiveServer

pytestmark = pytest.mark.e2e

TOKEN_KEYS = {
    "token_id",
    "account_id",
    "label",
    "state",
    "created_at",
    "last_used_at",
    "expires_at",
    "revoked_at",
}
ACCOUNT_KEYS = {
    "account_id",
    "name",
    "country",
    "reseller",
    "strict_tax_ids",
    "unique_tax_ids",
    "reseller_account_id",
    "created_at",
    "updated_at",
}


def ok(done: subprocess.CompletedProcess[str]) -> Any:
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def status(server: LiveServer, token: str) -> int:
    return httpx.get(
        server.base_url + "/v1/clients/count.json", headers={"access_token": token}, timeout=10
    ).status_code


def graphql_codes(server: LiveServer, token: str) -> list[str]:
    body = httpx.post(
        server.base_url + "/graphql",
        json={"query": "{ apiTokens(first: 5) { totalCount } }"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    ).json()
    return [e["extensions"]["code"] for e in body.get("errors", [])]


def new_account(server: LiveServer, name: str) -> tuple[int, str]:
    made = ok(server.cli("accounts", "create", "--name", name, "--country", "PE", "--json"))
    return int(made["account_id"]), str(made["token"])


def test_create_use_revoke_is_refused_at_once(live_server: LiveServer) -> None:
    account, first = new_account(live_server, "Tokens SAC")
    created = ok(
        live_server.cli(
            "tokens", "create", "--account", str(account), "--label", "ERP sync", "--json"
        )
    )
    assert set(created) == TOKEN_KEYS | {"token"}
    assert (created["account_id"], created["label"], created["state"]) == (
        account,
        "ERP sync",
        "active",
    )
    assert created["expires_at"] is None and created["last_used_at"] is None
    secret = created["token"]
    assert secret.startswith("cg_")

    assert status(live_server, secret) == 200
    assert graphql_codes(live_server, secret) == []

    listing = live_server.cli("tokens", "list", "--account", str(account), "--json")
    listed = ok(listing)
    assert secret not in listing.stdout and first not in listing.stdout
    assert listed["account_id"] == account
    assert [(t["label"], t["state"]) for t in listed["tokens"]] == [
        ("default", "active"),
        ("ERP sync", "active"),
    ]
    assert all(set(t) == TOKEN_KEYS for t in listed["tokens"])
    assert listed["tokens"][1]["last_used_at"] is not None  # the request above was recorded

    revoked = ok(
        live_server.cli(
            "tokens", "revoke", "--account", str(account), str(created["token_id"]), "--json"
        )
    )
    assert set(revoked) == TOKEN_KEYS and revoked["state"] == "revoked"
    assert revoked["revoked_at"] is not None
    # At once, on both faces; the account's other token carries on.
    assert status(live_server, secret) == 401
    assert graphql_codes(live_server, secret) == ["UNAUTHENTICATED"]
    assert status(live_server, first) == 200

    text = live_server.cli("tokens", "list", "--account", str(account))
    assert text.returncode == 0 and "revoked" in text.stdout and secret not in text.stdout
    log = live_server.output()
    assert secret not in log and first not in log


def test_expiry_past_refused_short_expires(live_server: LiveServer) -> None:
    account, first = new_account(live_server, "Expiry SAC")
    past = live_server.cli(
        "tokens", "create", "--account", str(account), "--label", "old", "--expires", "2020-01-01"
    )
    assert past.returncode == 2 and "--expires: must be in the future" in past.stderr
    assert past.stdout == ""
    listed = ok(live_server.cli("tokens", "list", "--account", str(account), "--json"))
    assert [t["label"] for t in listed["tokens"]] == ["default"]  # nothing was created

    short = ok(
        live_server.cli(
            "tokens", "create", "--account", str(account), "--label", "4 s", "--expires", "4s",
            "--json",
        )
    )  # fmt: skip
    expires = calendar.timegm(time.strptime(short["expires_at"], "%Y-%m-%dT%H:%M:%SZ"))
    started = time.time()
    before = status(live_server, short["token"])
    if started < expires - 2:  # a slow machine may have used the 4 s up already
        assert before == 200
    time.sleep(max(0.0, expires + 1 - time.time()))
    assert status(live_server, short["token"]) == 401
    assert graphql_codes(live_server, short["token"]) == ["UNAUTHENTICATED"]
    listed = ok(live_server.cli("tokens", "list", "--account", str(account), "--json"))
    assert [t["state"] for t in listed["tokens"]] == ["active", "expired"]
    assert status(live_server, first) == 200


def test_accounts_list_show_update(live_server: LiveServer) -> None:
    account, first = new_account(live_server, "Admin SAC")
    listed = ok(
        live_server.cli("accounts", "list", "--after", str(account - 1), "--limit", "1", "--json")
    )
    assert set(listed) == {"accounts", "has_more"}
    [row] = listed["accounts"]
    assert set(row) == ACCOUNT_KEYS and row["account_id"] == account
    assert (row["name"], row["reseller"], row["strict_tax_ids"]) == ("Admin SAC", False, False)

    updated = ok(
        live_server.cli(
            "accounts", "update", str(account), "--name", "Admin 2", "--strict", "--reseller",
            "--json",
        )
    )  # fmt: skip
    assert set(updated) == ACCOUNT_KEYS
    assert (updated["name"], updated["reseller"], updated["strict_tax_ids"]) == (
        "Admin 2",
        True,
        True,
    )
    # The reseller flag is read per request: the batch path answers for the account now.
    batch = httpx.post(
        live_server.base_url + "/resellers/clients/batch",
        headers={"access_token": first},
        json=[],
        timeout=10,
    )
    assert batch.status_code != 403, batch.text
    off = ok(live_server.cli("accounts", "update", str(account), "--no-reseller", "--json"))
    assert (off["name"], off["reseller"], off["strict_tax_ids"]) == ("Admin 2", False, True)

    shown = live_server.cli("accounts", "show", str(account), "--json")
    detail = ok(shown)
    assert set(detail) == ACCOUNT_KEYS | {"tokens", "users"}
    assert [t["label"] for t in detail["tokens"]] == ["default"] and detail["users"] == []
    assert first not in shown.stdout
