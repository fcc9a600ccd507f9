"""The ``clientgate`` command line in-process: every option's help shows its default and the
environment variable behind it, ``--version``, and the operator commands' expected failures
(exit code, message naming the option, nothing on stdout) on SQLite and PostgreSQL. The same
commands run end to end against a live server in tests/e2e/test_cli_tokens.py."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Iterator
from importlib.metadata import version
from pathlib import Path

import pytest

from clientgate.cli import build_parser, main
from clientgate.cli.common import expiry
from core.accounts.rules import LATEST_EXPIRY, check_expiry
from core.shared.errors import InvalidInput
from tests.conftest import SECRET, Backend

# Options an environment variable stands behind (the rest have a plain default).
ENV_BEHIND = {
    ("serve", "--host"): "CLIENTGATE_HOST",
    ("serve", "--port"): "CLIENTGATE_PORT",
    ("demo", "--host"): "CLIENTGATE_HOST",
    ("demo", "--port"): "CLIENTGATE_PORT",
    ("prune", "--older-than-days"): "CLIENTGATE_HISTORY_RETENTION_DAYS",
}


def subcommands(
    parser: argparse.ArgumentParser, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], argparse.ArgumentParser]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                yield (*path, name), child
                yield from subcommands(child, (*path, name))


def test_every_option_shows_its_default_and_environment_variable() -> None:
    commands = dict(subcommands(build_parser()))
    assert {"serve", "demo", "accounts list", "tokens create"} <= {" ".join(p) for p in commands}
    seen_env = set()
    for path, parser in commands.items():
        for action in parser._actions:
            if not action.option_strings or action.dest == "help":
                continue
            text = action.help or ""
            if action.required:
                assert "(required)" in text, (path, action.option_strings)
                continue
            assert "default: " in text, (path, action.option_strings, text)
            env = ENV_BEHIND.get((path[-1], action.option_strings[0]))
            if env is not None:
                assert f"env {env}" in text, (path, text)
                seen_env.add(env)
        has_options = any(a.option_strings and a.dest != "help" for a in parser._actions)
        if has_options or path[-1] in ("migrate",):
            assert "CLIENTGATE_DATABASE_URL" in (parser.epilog or "") or path == ("export-schema",)
    assert seen_env == {"CLIENTGATE_HOST", "CLIENTGATE_PORT", "CLIENTGATE_HISTORY_RETENTION_DAYS"}


def test_help_and_version_print(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"clientgate {version('clientgate')}"
    with pytest.raises(SystemExit):
        main(["tokens", "create", "--help"])
    out = capsys.readouterr().out
    assert "--expires WHEN" in out and "(default: never)" in out
    assert "CLIENTGATE_DATABASE_URL" in out and "CLIENTGATE_SECRET_KEY" in out


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("45s", 45),
        ("90m", 5400),
        ("12h", 43200),
        ("30d", 30 * 86400),
        ("2w", 14 * 86400),
        ("1970-01-02", 86400),
        ("1970-01-02T00:00:00Z", 86400),
        ("1970-01-02T01:00:00+01:00", 86400),
    ],
)
def test_expiry_accepts_durations_and_iso_times(text: str, seconds: int) -> None:
    now = 1_000
    relative = text[-1] in "smhdw"
    assert expiry(text, now) == (now + seconds if relative else seconds)


@pytest.mark.parametrize("text", ["tomorrow", "30x", "-5s", "12345678d", "", "2027-13-01"])
def test_expiry_refuses_anything_else(text: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        expiry(text, 0)
    assert caught.value.errors[0].field == "expires_at"


def test_an_expiry_past_year_9999_in_utc_is_the_cores_to_refuse() -> None:
    far = expiry("9999-12-31T23:00:00-05:00", 0)
    assert far > LATEST_EXPIRY
    with pytest.raises(InvalidInput):
        check_expiry(far, 0)


Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(
    backend: Backend,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> Cli:
    """``cli(*args)`` -> (exit code, stdout, stderr) of ``clientgate`` on the test database."""
    monkeypatch.setenv("CLIENTGATE_DATABASE_URL", backend.url)
    monkeypatch.setenv("CLIENTGATE_SECRET_KEY", SECRET)
    monkeypatch.setenv("CLIENTGATE_VAR_DIR", str(tmp_path))

    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse's own refusals
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_expected_failures_name_the_option_and_print_nothing(cli: Cli) -> None:
    code, out, _ = cli("accounts", "create", "--name", "Failures", "--country", "PE", "--json")
    assert code == 0
    account = str(json.loads(out)["account_id"])
    for args, expected, message in [
        (("accounts", "show", "999999999"), 1, "error: account 999999999 not found"),
        (("accounts", "update", account), 2, "error: give --name"),
        (("accounts", "update", account, "--name", " "), 2, "error: --name: must not be empty"),
        (("accounts", "update", account, "--name", "x" * 201), 2, "--name: must be at most 200"),
        (("accounts", "update", "999999999", "--strict"), 1, "account 999999999 not found"),
        (("accounts", "list", "--limit", "0"), 2, "error: --limit: must be between 1 and 1000"),
        (("accounts", "create", "--name", "a\x00b", "--country", "PE"), 2, "--name: must not"),
        (("tokens", "list", "--account", "999999999"), 1, "error: account 999999999 not found"),
        (("tokens", "create", "--account", "999999999", "--label", "x"), 1, "not found"),
        (("tokens", "create", "--account", account, "--label", ""), 2, "--label: must not be"),
        (("tokens", "create", "--account", account, "--label", "x" * 101), 2, "--label: must be"),
        (("tokens", "create", "--account", account, "--label", "x", "--expires", "0s"), 2,
         "--expires: must be in the future"),
        (("tokens", "create", "--account", account, "--label", "x", "--expires", "soon"), 2,
         "--expires: give a duration"),
        (("tokens", "revoke", "--account", account, "999999999"), 1, "API token 999999999 not"),
        (("tokens", "list", "--account", "²"), 2, "not an id"),
        (("tokens", "list"), 2, "--account"),
    ]:  # fmt: skip
        code, out, err = cli(*args)
        assert (code, out) == (expected, ""), (args, out, err)
        assert message in err, (args, err)
    code, out, _ = cli("tokens", "list", "--account", account, "--json")
    assert [t["label"] for t in json.loads(out)["tokens"]] == ["default"]  # nothing was made


def test_another_accounts_token_cannot_be_revoked_through_this_one(cli: Cli) -> None:
    made = [
        json.loads(cli("accounts", "create", "--name", n, "--country", "CL", "--json")[1])
        for n in ("A", "B")
    ]
    theirs = json.loads(cli("tokens", "list", "--account", str(made[1]["account_id"]), "--json")[1])
    their_id = str(theirs["tokens"][0]["token_id"])
    code, _, err = cli("tokens", "revoke", "--account", str(made[0]["account_id"]), their_id)
    assert code == 1 and "not found" in err
    code, out, _ = cli("tokens", "list", "--account", str(made[1]["account_id"]))
    assert code == 0 and "active" in out and "revoked" not in out
    code, out, _ = cli("tokens", "revoke", "--account", str(made[1]["account_id"]), their_id)
    assert code == 0 and out.startswith(f"token {their_id} of account ")
    again = cli("tokens", "revoke", "--account", str(made[1]["account_id"]), their_id, "--json")
    assert again[0] == 0 and json.loads(again[1])["state"] == "revoked"  # changes nothing


def test_unique_tax_ids_is_turned_on_and_off(cli: Cli) -> None:
    code, out, _ = cli("accounts", "create", "--name", "Unique", "--country", "PE", "--json")
    assert code == 0
    account = str(json.loads(out)["account_id"])
    code, out, _ = cli("accounts", "update", account, "--unique-tax-ids", "on", "--json")
    assert code == 0 and json.loads(out)["unique_tax_ids"] is True
    code, out, _ = cli("accounts", "update", account, "--unique-tax-ids", "off")
    assert code == 0 and "unique tax ids no" in out
    code, _, err = cli("accounts", "update", account, "--unique-tax-ids", "yes")
    assert code == 2 and "--unique-tax-ids" in err


def test_audit_prune_reports_what_it_deleted_and_refuses_bad_retentions(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = cli("audit", "prune", "--older-than-days", "36500", "--json")
    assert code == 0 and json.loads(out) == {"deleted": 0, "older_than_days": 36500}
    code, out, _ = cli("audit", "prune")
    assert code == 0 and out.endswith("older than 365 days deleted\n")
    for bad in ("0", "-1", "²", "x"):
        code, out, err = cli("audit", "prune", "--older-than-days", bad)
        assert (code, out) == (2, ""), (bad, err)
        assert "--older-than-days" in err
    monkeypatch.setenv("CLIENTGATE_HISTORY_RETENTION_DAYS", "0")
    code, out, err = cli("audit", "prune")
    assert (code, out) == (2, "") and "older_than_days" in err.replace("-", "_")
