"""Relay pieces for every context: global ids, the ``Node`` interface and its registry,
one cursor codec, ``PageInfo``.

Global ids are base64 of ``Type:id`` (opaque to clients, checked on the way in). Cursors are
base64url (unpadded) of a JSON array of the keyset values a context pages by; integers in
them must fit BIGINT, so a forged cursor is the caller's error, never the database's.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
import strawberry
from strawberry.types import Info
from strawberry.types.nodes import SelectedField

from core.shared.errors import InvalidInput
from core.shared.ids import as_id

if TYPE_CHECKING:
    from graphql_api.context import Context

# -- global ids -------------------------------------------------------------------------------


def to_global_id(type_name: str, local_id: int | str) -> strawberry.ID:
    return strawberry.ID(base64.b64encode(f"{type_name}:{local_id}".encode()).decode())


def from_global_id(global_id: str) -> tuple[str, str]:
    try:
        decoded = base64.b64decode(global_id.encode(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidInput.single("id", "not a valid global id", "INVALID") from None
    type_name, sep, local = decoded.partition(":")
    if not sep or not type_name or not local:
        raise InvalidInput.single("id", "not a valid global id", "INVALID")
    return type_name, local


def local_id(global_id: str, expected_type: str, field: str = "id") -> int:
    """The integer id inside a global id of ``expected_type``; InvalidInput naming ``field``
    otherwise, whatever part of the decoding failed (ids are ASCII digits that fit BIGINT)."""
    try:
        type_name, local = from_global_id(global_id)
    except InvalidInput:
        raise InvalidInput.single(field, "not a valid global id", "INVALID") from None
    number = as_id(local) if type_name == expected_type else None
    if number is None:
        raise InvalidInput.single(field, f"not a {expected_type} id", "INVALID")
    return number


# -- Node -------------------------------------------------------------------------------------


@strawberry.interface(description="An object with a global id, fetchable with `node(id:)`.")
class Node:
    id: strawberry.ID = strawberry.field(description="Global id (opaque).")


# type name -> async fetcher(info, global id) returning the object or raising NotFound.
NodeFetcher = Callable[["Info[Context, None]", str], Awaitable[Node]]
NODE_FETCHERS: dict[str, NodeFetcher] = {}


def register_node(type_name: str, fetcher: NodeFetcher) -> None:
    """Let ``node(id:)`` fetch ``type_name`` objects (called once per type at import)."""
    NODE_FETCHERS[type_name] = fetcher


async def fetch_node(info: Info[Context, None], global_id: str) -> Node:
    type_name, _ = from_global_id(global_id)
    fetcher = NODE_FETCHERS.get(type_name)
    if fetcher is None:
        raise InvalidInput.single("id", f"no node type {type_name!r}", "INVALID")
    return await fetcher(info, global_id)


# -- cursors ----------------------------------------------------------------------------------

_BIGINT = 2**63


def encode_cursor(values: Sequence[object]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(list(values))).decode().rstrip("=")


def decode_cursor(cursor: str, length: int | None, field: str = "after") -> list[Any]:
    """The ``length`` values inside a cursor (None: any number); InvalidInput naming
    ``field`` on anything else (not base64url JSON, not an array of that length, an integer
    outside BIGINT)."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = orjson.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, orjson.JSONDecodeError):
        raise InvalidInput.single(field, "not a valid cursor", "INVALID") from None
    if not isinstance(values, list) or length not in (None, len(values)):
        raise InvalidInput.single(field, "not a valid cursor", "INVALID")
    for value in values:
        if (
            isinstance(value, int)
            and not isinstance(value, bool)
            and not -_BIGINT <= value < _BIGINT
        ):
            raise InvalidInput.single(field, "not a valid cursor", "INVALID")
    return values


def decode_id_cursor(cursor: str, kind: str, field: str = "after") -> int:
    """The id inside an ``encode_cursor([kind, id])`` cursor (contexts paged by id alone)."""
    found_kind, last_id = decode_cursor(cursor, 2, field)
    if found_kind != kind or not isinstance(last_id, int) or isinstance(last_id, bool):
        raise InvalidInput.single(field, "not a valid cursor", "INVALID")
    return last_id


RELEVANCE = "relevance"


def encode_search_cursor(kind: str, row_id: int, tier: int | None) -> str:
    """The cursor of a row of a list paged by id (``tier`` None), or by relevance while
    searching: ``[kind, id]`` or ``[kind, "relevance", tier, id]``."""
    return encode_cursor([kind, row_id] if tier is None else [kind, RELEVANCE, tier, row_id])


def decode_search_cursor(
    cursor: str, kind: str, searching: bool, field: str = "after"
) -> tuple[int, int]:
    """``(tier, id)`` of an ``encode_search_cursor`` cursor (tier 0 in id order). A cursor of
    the other order (taken with a search and given without one, or the other way round) is
    refused like a client cursor of another sort: it would skip or repeat rows."""
    values = decode_cursor(cursor, None, field)
    ranked = len(values) == 4 and values[1] == RELEVANCE
    key = values[2:] if ranked else values[1:]
    if values[:1] != [kind] or len(key) != (2 if ranked else 1) or not all(map(_is_int, key)):
        raise InvalidInput.single(field, "not a valid cursor", "INVALID")
    if ranked != searching:
        taken, wanted = ("relevance (a search)", "id") if ranked else ("id", "relevance (a search)")
        raise InvalidInput.single(
            field,
            f"the cursor was taken in {taken} order, not {wanted} order; "
            f"restart pagination without `{field}`",
            "INVALID",
        )
    return (key[0], key[1]) if ranked else (0, key[0])


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class Window:
    """Which page a connection asks for: ``size`` rows after ``cursor`` or, ``backward``
    (``last``/``before``), the ``size`` rows just before it. ``field`` names the cursor's
    argument in errors."""

    size: int
    cursor: str | None
    backward: bool

    @property
    def field(self) -> str:
        return "before" if self.backward else "after"


def window(
    info: Info[Context, None], first: int, after: str | None, last: int | None, before: str | None
) -> Window:
    """The page asked for by Relay's arguments: ``first``/``after`` forward (``first`` may
    be its default), or ``last``/``before`` backward. Giving ``first`` and ``last``, or a
    cursor of the other direction, is the caller's error."""
    if last is None:
        if before is not None:
            raise InvalidInput.single("before", "pages backward: give `last` with it", "INVALID")
        return Window(first, after, backward=False)
    if _given(info, "first"):
        raise InvalidInput.single("last", "give `first` or `last`, not both", "INVALID")
    if after is not None:
        raise InvalidInput.single("after", "pages forward: give `first` with it", "INVALID")
    return Window(last, before, backward=True)


def _given(info: Info[Context, None], name: str) -> bool:
    """Whether the field being resolved was given ``name`` (not only its default)."""
    field = info.selected_fields[0]
    return isinstance(field, SelectedField) and field.arguments.get(name) is not None


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


def page_info(cursors: Sequence[str], *, has_next: bool, has_previous: bool) -> PageInfo:
    """``PageInfo`` of a page whose edges carry ``cursors``, in order."""
    return PageInfo(
        has_next_page=has_next,
        has_previous_page=has_previous,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )
