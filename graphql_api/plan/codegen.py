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

    def writer(self, entries: p.Entries, offset: int = 0) -> str:
        """The name of a generated ``(row, children) -> dict`` for ``entries``."""
        lines: list[str] = []
        items: list[str] = []
        for key, kind, a, b in entries:
            if kind == p.GUARD:
                lines.append(f"    {self.name(b, 'g')}(row[{offset + a}])")
            elif kind == p.LEAF:
                value = f"row[{offset + a}]"
                items.append(f"{key!r}: {value if b is IDENTITY else self._call(b, value)}")
            elif kind == p.CONST:
                items.append(f"{key!r}: {a!r}")
            elif kind == p.CATALOG:
                inner = self.writer(b, a.start)
                items.append(f"{key!r}: None if row[{a.start}] is None else {inner}(row, ch)")
            else:
                inner = self.writer(b)
                items.append(f"{key!r}: [{inner}(r, ch) for r in ch[{a!r}].get(row[0], ())]")
        name = f"w{len(self.functions)}"
        body = "\n".join([*lines, "    return {" + ", ".join(items) + "}"])
        self.functions.append(f"def {name}(row, ch):\n{body}\n")
        return name

    def _call(self, convert: Any, value: str) -> str:
        return f"{self.name(convert, 'c')}({value})"


def _counter(entries: p.Entries) -> str:
    """Source of ``(row, ch) -> int``: the objects one Client's answer holds (itself, its
    catalogs that are there, its children), for the cost report (``cost.actual_cost``)."""
    terms = ["1"]
    for _, kind, a, _ in entries:
        if kind == p.CATALOG:
            terms.append(f"(row[{a.start}] is not None)")
        elif kind == p.CHILDREN:
            terms.append(f"len(ch[{a!r}].get(row[0], ()))")
    return "def count(row, ch):\n    return " + " + ".join(terms) + "\n"


@dataclass(frozen=True)
class ClientWriter:
    """Writes one Client's answer from its row, and counts the objects in it."""

    write: Writer
    count: Counter


def client_writer(entries: p.Entries) -> ClientWriter:
    """The generated writer and counter of a Client's ``entries``."""
    source = _Source()
    name = source.writer(entries)
    namespace: dict[str, Any] = dict(source.names)
    code = "\n".join([*source.functions, _counter(entries)])
    exec(compile(code, "<plan>", "exec"), namespace)  # noqa: S102
    return ClientWriter(namespace[name], namespace["count"])
