"""The Relay ``Node`` interface, shared scalars and enums, and a registry that lets each
context say how to fetch its nodes by global id."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from enum import Enum
from typing import Any, NewType

import strawberry
from strawberry.types import Info

from core.accounts.model import Account
from core.shared.errors import FieldError, InvalidInput
from graphql_api.context import Context
from graphql_api.ids import from_global_id, local_int_id

Long = NewType("Long", int)
"""A 64-bit integer; registered as a scalar through ``SCALARS`` (the schema's scalar_map)."""


def _parse_long(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError("Long must be an integer")
    number = int(value)
    if not -(2**63) <= number < 2**63:
        raise ValueError("Long must fit in 64 bits")
    return number


SCALARS: dict[object, Any] = {
    Long: strawberry.scalar(
        name="Long",
        description="A 64-bit signed integer (document numbers exceed GraphQL's 32-bit Int).",
        serialize=int,
        parse_value=_parse_long,
    )
}


@strawberry.enum(description="Whether a record is in use. Inactive records are kept, not deleted.")
class RecordState(Enum):
    ACTIVE = 0
    INACTIVE = 1


@strawberry.interface(description="An object with a global id, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID = strawberry.field(description="Global id (opaque).")


# type name -> async fetcher(info, global id) returning the object or raising NotFound.
NodeFetcher = Callable[[Info[Context, None], str], Awaitable[Any]]
NODE_FETCHERS: dict[str, NodeFetcher] = {}


def register_node(type_name: str, fetcher: NodeFetcher) -> None:
    """Let ``node(id:)`` fetch ``type_name`` objects (called once per type at import)."""
    NODE_FETCHERS[type_name] = fetcher


async def fetch_node(info: Info[Context, None], global_id: str) -> Any:
    type_name, _ = from_global_id(global_id)
    fetcher = NODE_FETCHERS.get(type_name)
    if fetcher is None:
        raise InvalidInput.single("id", f"no node type {type_name!r}", "INVALID")
    return await fetcher(info, global_id)


async def current_account(info: Info[Context, None]) -> Account:
    """The caller's account, authenticated once per request even when root fields run
    concurrently (a shared future instead of one lookup per field)."""
    ctx = info.context
    pending = ctx.loaders.get("_principal")
    if pending is None:
        pending = ctx.loaders["_principal"] = asyncio.ensure_future(ctx.principal())
    principal = await pending
    return principal.account


def local_id(global_id: str, type_name: str, field: str = "id") -> int:
    """The integer inside a ``type_name`` global id; InvalidInput naming ``field`` otherwise
    (whatever part of the decoding failed)."""
    try:
        return local_int_id(global_id, type_name, field)
    except InvalidInput as exc:
        raise InvalidInput([FieldError(field, e.message, e.code) for e in exc.errors]) from None
