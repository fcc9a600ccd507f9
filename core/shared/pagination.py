"""Offset pages (the legacy dialects) and keyset pages (GraphQL connections)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from core.shared.errors import FieldError, InvalidInput

T = TypeVar("T")


@dataclass(frozen=True)
class OffsetPage(Generic[T]):
    items: Sequence[T]
    total: int
    limit: int
    offset: int

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.items) < self.total


@dataclass(frozen=True)
class KeysetPage(Generic[T]):
    """A slice in a stable order. ``has_next`` is known without counting the table."""

    items: Sequence[T]
    has_next: bool
    has_previous: bool


def keyset_page(
    items: Sequence[T], *, more: bool, bounded: bool, backward: bool = False
) -> KeysetPage[T]:
    """A keyset page read with one extra row: ``more`` says the extra row came back,
    ``bounded`` that a cursor was given. Forward, more rows means a next page and a cursor a
    previous one; backward (Relay's ``last``/``before``), the other way round."""
    if backward:
        return KeysetPage(items=items, has_next=bounded, has_previous=more)
    return KeysetPage(items=items, has_next=more, has_previous=bounded)


def check_limit_offset(limit: int, offset: int, *, max_limit: int) -> None:
    errors: list[FieldError] = []
    if limit < 1:
        errors.append(FieldError("limit", "must be a positive integer", "OUT_OF_RANGE"))
    elif limit > max_limit:
        errors.append(FieldError("limit", f"must not exceed {max_limit}", "OUT_OF_RANGE"))
    if offset < 0:
        errors.append(FieldError("offset", "must be zero or a positive integer", "OUT_OF_RANGE"))
    if errors:
        raise InvalidInput(errors)


def check_first(first: int, *, maximum: int, field: str = "first") -> None:
    """A keyset page's (or a capped list's) size: 0 to ``maximum``."""
    if first < 0 or first > maximum:
        raise InvalidInput.single(field, f"must be between 0 and {maximum}", "OUT_OF_RANGE")
