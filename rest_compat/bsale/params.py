"""Query-string parsing for the Bsale dialect.

Every parameter is checked before any service is called: unknown names, repeated names,
non-numeric or out-of-range numbers and malformed ``[a,b]`` lists answer 400 naming the
parameter. Parameter names are case-insensitive (``firstName`` = ``firstname``).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from urllib.parse import urlencode

from starlette.requests import Request

from core.shared.errors import InvalidInput, NotFound

DEFAULT_LIMIT = 25
MAX_LIMIT = 50
MAX_OFFSET = 1_000_000_000
MAX_ID = 2**63 - 1  # BIGINT: anything larger cannot exist, and would overflow the driver
_DIGITS = re.compile(r"^[0-9]{1,19}$")
_SIGNED = re.compile(r"^-?[0-9]{1,15}$")


def bad(field: str, message: str) -> InvalidInput:
    return InvalidInput.single(field, message, "INVALID")


class Query:
    """The request's query parameters, lower-cased, each given at most once."""

    __slots__ = ("values",)

    def __init__(self, request: Request, allowed: Collection[str]) -> None:
        values: dict[str, str] = {}
        unknown: list[str] = []
        for raw_key, value in request.query_params.multi_items():
            key = raw_key.lower()
            if key not in allowed:
                unknown.append(raw_key)
                continue
            if key in values:
                raise bad(key, "is given more than once")
            if "\x00" in value:
                raise bad(key, "must not contain NUL characters")
            values[key] = value
        if unknown:
            names = ", ".join(sorted(set(unknown)))
            raise bad(unknown[0], f"unknown query parameter(s): {names}")
        self.values = values

    def text(self, key: str, max_len: int = 255) -> str | None:
        """A text filter; an empty value means no filter."""
        value = self.values.get(key)
        if not value:
            return None
        if len(value) > max_len:
            raise bad(key, f"must be at most {max_len} characters")
        return value

    def natural(self, key: str, default: int | None = None, maximum: int = MAX_ID) -> int | None:
        """A non-negative integer given as plain digits."""
        value = self.values.get(key)
        if value is None:
            return default
        if not _DIGITS.match(value) or int(value) > maximum:
            raise bad(key, f"must be an integer between 0 and {maximum}")
        return int(value)

    def ident(self, key: str) -> int | None:
        value = self.natural(key)
        if value is not None and value < 1:
            raise bad(key, "must be a positive integer")
        return value

    def epoch(self, key: str) -> int | None:
        value = self.values.get(key)
        if value is None:
            return None
        if not _SIGNED.match(value):
            raise bad(key, "must be a Unix timestamp in seconds")
        return int(value)

    def flag(self, key: str) -> int | None:
        value = self.values.get(key)
        if value is None:
            return None
        if value not in ("0", "1"):
            raise bad(key, "must be 0 or 1")
        return int(value)

    def paging(self) -> tuple[int, int]:
        raw = self.values.get("limit")
        limit = DEFAULT_LIMIT if raw is None else int(raw) if _DIGITS.match(raw) else -1
        if limit < 1 or limit > MAX_LIMIT:
            raise bad("limit", f"must be an integer between 1 and {MAX_LIMIT}")
        offset = self.natural("offset", 0, maximum=MAX_OFFSET)
        assert offset is not None
        return limit, offset

    def bracket_list(self, key: str, names: dict[str, str]) -> list[str] | None:
        """``[a,b]`` with names matched case-insensitively against ``names`` (lower → canonical)."""
        value = self.values.get(key)
        if value is None:
            return None
        value = value.strip()
        if len(value) < 2 or value[0] != "[" or value[-1] != "]":
            raise bad(key, "must be a bracketed list such as [a,b]")
        parts = [part.strip() for part in value[1:-1].split(",")]
        if not all(parts):
            raise bad(key, "has an empty name in the list")
        out: list[str] = []
        for part in parts:
            canonical = names.get(part.lower())
            if canonical is None:
                raise bad(key, f"unknown name {part!r}; known: {sorted(set(names))}")
            if canonical not in out:
                out.append(canonical)
        return out

    def next_url(self, request: Request, limit: int, offset: int) -> str:
        """This request's URL for the following page: other parameters kept as given."""
        params = {**self.values, "limit": str(limit), "offset": str(offset + limit)}
        return str(request.url.replace(query=urlencode(params)))


def path_id(value: int, entity: str) -> int:
    """A path id (digits only, by the route's ``int`` convertor); one that cannot exist is
    answered like a missing row (404) instead of overflowing the database driver."""
    if value < 1 or value > MAX_ID:
        raise NotFound(entity, value)
    return value


def allowed(*groups: Iterable[str]) -> frozenset[str]:
    return frozenset(name for group in groups for name in group)
