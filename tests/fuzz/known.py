"""Wrong answers already reported and waiting for their fix (in code other work is changing).

While an entry is here, the generators tolerate the wrong answers it describes (a request
matching ``method``, ``path`` and ``when``; for ``/graphql``, only ``INTERNAL_SERVER_ERROR``s of
root field ``field``), and ``test_known.py`` replays its ``example`` expecting the wrong answer,
strictly: once the fix lands the replay passes, the test turns red, and the entry must go.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

import httpx
import orjson

_NON_ASCII = r"[^\x00-\x7f]"
_EMPTY_OBJECT = r"\{\s*\}"


@dataclass(frozen=True)
class Example:
    """One request that shows the wrong answer, sent with the world's tenant token; ``{Type}``
    in the body stands for the first of the world's ids of that GraphQL type."""

    method: str
    path: str
    body: Any = None

    def content(self, global_ids: dict[str, list[str]]) -> bytes | None:
        if self.body is None:
            return None
        text = orjson.dumps(self.body).decode()
        for type_name, ids in global_ids.items():
            text = text.replace("{" + type_name + "}", ids[0] if ids else "")
        return text.encode()


@dataclass(frozen=True)
class Known:
    why: str
    method: str
    path: str
    """A regular expression the request's (decoded) path matches from its start."""
    example: Example
    field: str = ""
    """For ``/graphql``: the root field whose ``INTERNAL_SERVER_ERROR``s this is."""
    when: str = ""
    """A regular expression the request (decoded path and body) must contain."""

    @property
    def name(self) -> str:
        """The wrong answer, without the why (the replay test's id)."""
        return self.why.partition(" is ")[0].partition(" answers ")[0]

    def matches(self, response: httpx.Response) -> bool:
        request = response.request
        path = unquote(request.url.path)
        if request.method != self.method or not re.match(self.path, path):
            return False
        text = path + request.content.decode("utf-8", "replace")
        if self.when and not re.search(self.when, text):
            return False
        return not self.field or _only_internal_errors_of(response, self.field)


def _only_internal_errors_of(response: httpx.Response, field: str) -> bool:
    try:
        errors = orjson.loads(response.content).get("errors") or []
    except (orjson.JSONDecodeError, AttributeError):
        return False
    internal = [e for e in errors if (e.get("extensions") or {}).get("code") == _INTERNAL]
    return bool(internal) and all((e.get("path") or [None])[0] == field for e in internal)


_INTERNAL = "INTERNAL_SERVER_ERROR"
_DIGIT_IDS = "non-ASCII digits in a partner id reach int() (core/partners; hardening §5)"
_EMPTY_UPDATE = "`input: {}` runs an empty UPDATE, an SQL error (core/partners; hardening §5)"
_HUGE_MONEY = (
    "an amount past 28 digits (1e400, 40 digits) is flagged OUT_OF_RANGE, then quantize() "
    "raises InvalidOperation before the error is reported (core/clients/service.py _money)"
)
_HUGE_NUMBER = r"[0-9]{29}|[0-9][eE]\+?[0-9]{2}"
_BP_UPDATE = {"contactName": "Ana", "statusId": "active", "active": True}


def _gql(document: str, **variables: Any) -> Example:
    return Example("POST", "/graphql", {"query": document, "variables": variables})


KNOWN_FAILURES: list[Known] = [
    # Empty: every wrong answer the guard found is fixed (the partners ids and empty updates by
    # the restructure, the 1e400 amounts in core/clients/rules.money). A new finding goes here
    # with one example request until its fix lands.
]


def known(response: httpx.Response) -> Known | None:
    """The entry that describes this wrong answer, if any."""
    return next((k for k in KNOWN_FAILURES if k.matches(response)), None)
