"""Query and path parameters of the BusinessPartner dialect. Numbers are ASCII digits only
(``core.shared.ids``): other Unicode digits, signs and separators are the caller's error."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.requests import Request

from core.partners.rules import MAX_PAGE_SIZE
from core.shared.ids import is_ascii_digits
from rest_compat.business_partner.bodies import BodyError

DEFAULT_DATE = "1999-01-01 01:00:00"
_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d")
MAX_PAGE_NUMBER = 10**9  # offsets beyond it would overflow BIGINT long before any data exists


def int_param(request: Request, name: str, default: int, maximum: int | None = None) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    text = raw.strip()
    value = int(text) if is_ascii_digits(text) and len(text) <= 10 else 0
    if value < 1 or value > MAX_PAGE_NUMBER:
        raise BodyError(f"Parameter {name} must be a positive integer")
    if maximum is not None and value > maximum:
        raise BodyError(f"Parameter {name} must be between 1 and {maximum}")
    return value


def paging(request: Request) -> tuple[int, int]:
    """``page`` (default 1) and ``pageSize`` (default 10, at most 100)."""
    return int_param(request, "page", 1), int_param(request, "pageSize", 10, MAX_PAGE_SIZE)


def path_param(request: Request, name: str) -> str:
    value: str = request.path_params[name]
    if "\x00" in value:  # PostgreSQL text cannot hold NUL: no row can match it
        raise BodyError(f"Parameter {name} must not contain NUL characters")
    return value


def date_param(request: Request) -> int:
    """``date`` (UTC; default 1999-01-01 01:00:00) as Unix seconds."""
    raw = (request.query_params.get("date") or DEFAULT_DATE).strip()
    if raw.endswith("Z"):
        raw = raw[:-1]
    for fmt in _DATE_FORMATS:
        try:
            return int(datetime.strptime(raw, fmt).replace(tzinfo=UTC).timestamp())
        except ValueError:
            continue
    raise BodyError(f"Parameter date must be a date like {DEFAULT_DATE}")
