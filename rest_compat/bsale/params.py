"""Query-string parsing for the Bsale dialect.

Every parameter a path knows is checked before any service is called: repeated names,
non-numeric or out-of-range numbers and malformed lists answer 400 naming the parameter.
Parameters a path does not know are ignored (logged at debug), as real Bsale callers send
some (the TypeScript SDK sends ``limit`` to ``count.json``). Parameter names are
case-insensitive (``firstName`` = ``firstname``).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from urllib.parse import urlencode

from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request

from core.clients import rules
from core.shared.errors import InvalidInput, NotFound
from core.shared.ids import is_ascii_digits
from httpkit.logging import log

DEFAULT_LIMIT = 25
MAX_LIMIT = rules.MAX_LIMIT
MAX_OFFSET = 1_000_000_000
MAX_ID = 2**63 - 1  # BIGINT: anything larger cannot exist, and would overflow the driver
_MAX_DIGITS = len(str(MAX_ID))
_MAX_EPOCH_DIGITS = 15


def digits(value: str, most: int = _MAX_DIGITS) -> bool:
    """ASCII digits only (``core.shared.ids``), at most ``most`` of them."""
    return len(value) <= most and is_ascii_digits(value)


def bad(field: str, message: str) -> InvalidInput:
    return InvalidInput.single(field, message, "INVALID")


class Query:
    """The request's query parameters, lower-cased, each given at most once."""

    __slots__ = ("values",)

    def __init__(self, request: Request, allowed: Collection[str]) -> None:
        values: dict[str, str] = {}
        self.values = values
        if not request.scope.get("query_string"):
            return  # most requests: nothing to parse
        unknown: list[str] = []
        for raw_key, value in request.query_params.multi_items():
            key = raw_key.lower()
            if key not in allowed:
                unknown.append(raw_key)  # the name only: a value may be anything
                continue
            if key in values:
                raise bad(key, "is given more than once")
            if "\x00" in value:
                raise bad(key, "must not contain NUL characters")
            values[key] = value
        if unknown:
            log.debug("bsale_query_parameters_ignored", names=sorted(set(unknown)))

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
        if not digits(value) or int(value) > maximum:
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
        if not digits(value.removeprefix("-"), _MAX_EPOCH_DIGITS):
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
        """``limit`` (default 25) is capped at 50, Bsale's "máximo permitido": a larger one
        answers 50 items and says ``limit: 50``. Below 1 or not a number is a 400."""
        raw = self.values.get("limit")
        if raw is None:
            limit = DEFAULT_LIMIT
        elif not is_ascii_digits(raw) or not raw.strip("0"):
            raise bad("limit", f"must be a positive integer (at most {MAX_LIMIT} are answered)")
        else:
            significant = raw.lstrip("0")  # no int() of a thousand digits
            limit = MAX_LIMIT if len(significant) > 3 else min(int(significant), MAX_LIMIT)
        offset = self.natural("offset", 0, maximum=MAX_OFFSET)
        assert offset is not None
        return limit, offset

    def name_list(self, key: str, names: dict[str, str]) -> list[str] | None:
        """``[a,b]`` (the seeds) or ``a,b`` (what Bsale's SDKs send), names matched
        case-insensitively against ``names`` (lower → canonical)."""
        value = self.values.get(key)
        if value is None:
            return None
        value = value.strip()
        if value.startswith("[") != value.endswith("]"):
            raise bad(key, "must be a list such as [a,b] or a,b")
        if value.startswith("["):
            value = value[1:-1]
        parts = [part.strip() for part in value.split(",")]
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


def path_id(text: str, entity: str, field: str = "id") -> int:
    """A path id. The route matched digits of any script (``digits`` convertor): any other
    than ASCII 0-9 is the caller's error (400); a number that cannot be an id (0, beyond
    BIGINT) is answered like a missing row (404) instead of overflowing the database driver."""
    if not is_ascii_digits(text):
        raise bad(field, "must be written with the digits 0-9")
    number = text.lstrip("0") or "0"
    if len(number) > _MAX_DIGITS or not 1 <= int(number) <= MAX_ID:
        raise NotFound(entity, number)
    return int(number)


class _AnyDigits(Convertor[str]):
    """A path segment of decimal digits in any script (Arabic-Indic, Devanagari ...) or
    superscript and subscript digits, so that ``path_id`` can refuse the non-ASCII ones with
    a 400; anything else does not match the route (404)."""

    regex = r"[\d\u00b2\u00b3\u00b9\u2070\u2074-\u2079\u2080-\u2089]+"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("digits", _AnyDigits())


def allowed(*groups: Iterable[str]) -> frozenset[str]:
    return frozenset(name for group in groups for name in group)
