"""Plans turned into Python: each planned object becomes one generated function that builds
its response dict in a single literal from a row (the way graphql-jit compiles queries to
JavaScript), so writing a page costs one call per object instead of one per field.

The generated source only ever holds response keys (``repr``-quoted), integer column
positions and names of the converters it is given; it is compiled once per plan.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql_api.plan import compile as p
from graphql_api.plan.values import IDENTITY

Children = dict[str, dict[int, list[tuple[Any, ...]]]]
Writer = Callable[[tuple[Any, ...], Children], dict[str, Any]]
Counter = Callable[[tuple[Any, ...], Children], int]


class _Source:
    def __init__(self) -> None:
        self.names: dict[str, Any] = {}
        self.functions: list[str] = []

    def name(self, value: Any, prefix: str) -> str:
        name = f"{prefix}{len(self.names)}"
        self.names[name] = value
        return name

    def writer(self, entries: p.Entries, offset: int = 0, key: int = 0) -> str:
        """The name of a generated ``(row, children) -> dict`` for ``entries``; the row's
        children are found by its value at ``offset + key`` (its id)."""
        lines: list[str] = []
        items: list[str] = []
        for name, kind, a, b in entries:
            if kind == p.GUARD:
                lines.append(f"    {self.name(b, 'g')}(row[{offset + a}])")
            elif kind == p.LEAF or kind == p.OBJECT:
                value = f"row[{offset + a}]"
                items.append(f"{name!r}: {value if b is IDENTITY else self._call(b, value)}")
            elif kind == p.CONST:
                items.append(f"{name!r}: {a!r}")
            elif kind == p.CATALOG:
                inner = self.writer(b, a.start)
                items.append(f"{name!r}: None if row[{a.start}] is None else {inner}(row, ch)")
            elif kind == p.DERIVED:
                values = ", ".join(f"row[{offset + i}]" for i in a)
                items.append(f"{name!r}: {self.name(b, 'c')}({values})")
            elif kind == p.ONE:
                inner = self.writer(b)  # its own row, the one under its owner: (owner id, ...)
                items.append(f"{name!r}: {inner}(ch[{a!r}][row[{offset + key}]][0], ch)")
            else:
                inner = self.writer(b, key=1)  # a child row: (owner id, id, ...)
                rows = f"ch[{a!r}].get(row[{offset + key}], ())"
                items.append(f"{name!r}: [{inner}(r, ch) for r in {rows}]")
        function = f"w{len(self.functions)}"
        body = "\n".join([*lines, "    return {" + ", ".join(items) + "}"])
        self.functions.append(f"def {function}(row, ch):\n{body}\n")
        return function

    def counter(self, entries: p.Entries, offset: int = 0, key: int = 0) -> str:
        """The name of a generated ``(row, ch) -> int``: the objects one object's answer
        holds (itself, its objects that are there, its children and theirs), for the cost
        report (``cost.actual_cost``)."""
        terms = ["1"]
        for _, kind, a, b in entries:
            if kind == p.OBJECT:
                terms.append(f"({self._call(b, f'row[{offset + a}]')} is not None)")
            elif kind == p.CATALOG:
                inner = self.counter(b, a.start)
                terms.append(f"(0 if row[{a.start}] is None else {inner}(row, ch))")
            elif kind == p.ONE:
                inner = self.counter(b)
                terms.append(f"{inner}(ch[{a!r}][row[{offset + key}]][0], ch)")
            elif kind == p.CHILDREN:
                rows = f"ch[{a!r}].get(row[{offset + key}], ())"
                if any(k in (p.OBJECT, p.CATALOG, p.CHILDREN, p.ONE) for _, k, _, _ in b):
                    terms.append(f"sum({self.counter(b, key=1)}(r, ch) for r in {rows})")
                else:
                    terms.append(f"len({rows})")
        function = f"n{len(self.functions)}"
        self.functions.append(f"def {function}(row, ch):\n    return {' + '.join(terms)}\n")
        return function

    def _call(self, convert: Any, value: str) -> str:
        return f"{self.name(convert, 'c')}({value})"


@dataclass(frozen=True)
class ClientWriter:
    """Writes one object's answer (a Client, a BusinessPartner) from its row, and counts the
    objects in it."""

    write: Writer
    count: Counter


def client_writer(entries: p.Entries) -> ClientWriter:
    """The generated writer and counter of an object's ``entries``."""
    source = _Source()
    write, count = source.writer(entries), source.counter(entries)
    namespace: dict[str, Any] = dict(source.names)
    exec(compile("\n".join(source.functions), "<plan>", "exec"), namespace)  # noqa: S102
    return ClientWriter(namespace[write], namespace[count])
