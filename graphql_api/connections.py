"""Relay connections over lists read by position: catalogs, companies, deleted partners ...

Lists that are not paged by a keyset (the core reads them with limit/offset, or whole) are
still connections with ``totalCount``, so every list of this API pages one way. Their cursors
are positions (``[kind, index]`` in the shared codec), like graphql-relay's array
connections: stable as long as the list does not change under the reader, which is what
``limit``/``offset`` gave before. They page forward (``first``/``after``); the main lists
(clients, business partners, onboarded accounts) are keyset connections that also page
backward.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import strawberry

from core.shared.errors import InvalidInput
from graphql_api.relay import PageInfo, decode_id_cursor, encode_cursor, page_info

T = TypeVar("T")
S = TypeVar("S")


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo
    nodes: list[T] = strawberry.field(description="The page's items, without cursors.")
    total_count: int = strawberry.field(description="How many items the whole list holds.")


@dataclass(frozen=True)
class Slice:
    """Which part of a list a connection asks for."""

    kind: str
    offset: int
    limit: int


def slice_of(kind: str, first: int, after: str | None, *, maximum: int) -> Slice:
    """``first`` items after the ``after`` cursor; ``first`` from 1 to ``maximum``."""
    if not 1 <= first <= maximum:
        raise InvalidInput.single("first", f"must be between 1 and {maximum}", "OUT_OF_RANGE")
    offset = 0
    if after is not None:
        position = decode_id_cursor(after, kind)
        if position < 0:
            raise InvalidInput.single("after", "not a valid cursor", "INVALID")
        offset = position + 1
    return Slice(kind, offset, first)


def connection(
    where: Slice, items: Sequence[S], total: int, node: Callable[[S], T]
) -> Connection[T]:
    """The connection of ``items``, the list's part that starts at ``where.offset``."""
    nodes = [node(item) for item in items]
    edges = [
        Edge(cursor=encode_cursor([where.kind, where.offset + i]), node=n)
        for i, n in enumerate(nodes)
    ]
    return Connection(
        edges=edges,
        nodes=nodes,
        page_info=page_info(
            [e.cursor for e in edges],
            has_next=where.offset + len(items) < total,
            has_previous=where.offset > 0,
        ),
        total_count=total,
    )


def in_memory(where: Slice, items: Sequence[S], node: Callable[[S], T]) -> Connection[T]:
    """The connection of a list read whole (a tenant's companies and partner catalogs)."""
    part = items[where.offset : where.offset + where.limit]
    return connection(where, part, len(items), node)
