"""Typed user errors: expected failures are data in a mutation's payload."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import TypeVar

import strawberry

from core.shared.errors import DomainError, FieldError, InvalidInput

_CAMEL = re.compile(r"_([a-z])")
T = TypeVar("T")


@strawberry.enum(description="Why an input was refused.")
class UserErrorCode(Enum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    WRONG_TYPE = "WRONG_TYPE"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    TOO_LONG = "TOO_LONG"
    UNKNOWN_FIELD = "UNKNOWN_FIELD"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    FORBIDDEN = "FORBIDDEN"
    UNSUPPORTED = "UNSUPPORTED"
    INVALID_TAX_ID = "INVALID_TAX_ID"
    INVALID_EMAIL = "INVALID_EMAIL"
    INSUFFICIENT_POINTS = "INSUFFICIENT_POINTS"
    OVERPAYMENT = "OVERPAYMENT"
    WRONG_PASSWORD = "WRONG_PASSWORD"  # noqa: S105 - an error code
    WEAK_PASSWORD = "WEAK_PASSWORD"  # noqa: S105 - an error code
    NOT_WEB_USER = "NOT_WEB_USER"
    DUPLICATE = "DUPLICATE"
    ADDRESS_REFUSED = "ADDRESS_REFUSED"


@strawberry.type(description="An input the mutation refused. Nothing was written.")
class UserError:
    field: list[str] | None = strawberry.field(
        description='Path to the input field, in GraphQL names (e.g. ["input", "code"]).'
    )
    message: str
    code: UserErrorCode


def graphql_name(domain_name: str) -> str:
    return _CAMEL.sub(lambda m: m.group(1).upper(), domain_name)


def field_path(domain_field: str, root: str = "input") -> list[str]:
    """``dynamic_attributes[0].value`` -> ``["input", "dynamicAttributes", "0", "value"]``."""
    parts: list[str] = [root] if root else []
    for piece in re.split(r"[.\[\]]+", domain_field):
        if piece:
            parts.append(graphql_name(piece))
    return parts


def _code(raw: str) -> UserErrorCode:
    try:
        return UserErrorCode(raw)
    except ValueError:
        return UserErrorCode.INVALID


def user_error(error: FieldError, root: str = "input") -> UserError:
    return UserError(
        field=field_path(error.field, root), message=error.message, code=_code(error.code)
    )


def user_errors(exc: DomainError, root: str = "input") -> list[UserError]:
    """Every expected failure as a list of user errors."""
    if isinstance(exc, InvalidInput):
        return [user_error(e, root) for e in exc.errors]
    # An error about one field (e.g. a duplicate tax id) names it.
    field = getattr(exc, "field", None)
    path = field_path(field, root) if isinstance(field, str) else None
    return [UserError(field=path, message=exc.message, code=_code(exc.code))]


async def attempt(
    action: Callable[[], Awaitable[T]],
    *,
    root: str = "input",
    rename: Callable[[str], str] | None = None,
) -> tuple[T | None, list[UserError]]:
    """Runs a mutation's work: its result and no errors, or no result and the expected
    failures as user errors (``rename`` maps the core's field names to the input's). Anything
    unexpected propagates, to be logged and masked."""
    try:
        return await action(), []
    except InvalidInput as exc:
        if rename is not None:
            exc = InvalidInput([FieldError(rename(e.field), e.message, e.code) for e in exc.errors])
        return None, user_errors(exc, root)
    except DomainError as exc:
        return None, user_errors(exc, root)
