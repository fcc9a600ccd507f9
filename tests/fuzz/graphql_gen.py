"""GraphQL operations generated from the schema (graphql-core's view of it): every root query
and mutation field, called with arguments of the right type holding bad values, arguments of
the wrong type, variables declared with the wrong type or given values of the wrong type, and
a random selection of the answer's fields (with their own arguments) a few levels deep."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLUnionType,
    get_named_type,
    is_leaf_type,
    is_required_argument,
    is_required_input_field,
)
from hypothesis import strategies as st

from tests.fuzz.values import (
    any_float,
    any_int,
    forged_cursors,
    forged_global_ids,
    int32,
    int64,
    junk_json,
    odd_string,
)
from tests.fuzz.world import World

_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]*$")
# Strings that mean something to the API (the world's references), so that some calls pass
# the first checks and reach the rules behind them.
MEANINGFUL = ["ACME", "P-1", "A-1", "P-2", "L-P-1", "client", "agent", "active", "email", "PE"]
# Well-typed, and still bad: NaN, infinities, more digits than a column holds, dates whose
# offset takes them past year 1 or 9999 in UTC.
DECIMALS = ["100.00", "0", "-1", "0.001", "-0", "1e400", "1e-400", "NaN", "Infinity", "1" * 40]
DATETIMES = [
    "2024-01-01T00:00:00Z",
    "2024-01-01T00:00:00",
    "9999-12-31T23:59:59Z",
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "1969-12-31T23:59:59Z",
]
BAD_DECIMALS = [*DECIMALS, "1,5", "", "abc"]
BAD_DATETIMES = [*DATETIMES, "2024-13-45T25:61:61Z", "1999-01-01 01:00:00", "", "2024-02-30"]


class EnumName(str):
    """An enum value: bare in a document, a string in variables."""


def root_fields(schema: GraphQLSchema) -> list[tuple[str, str]]:
    """``(kind, name)`` of every root query and mutation field."""
    found: list[tuple[str, str]] = []
    for kind, root in (("query", schema.query_type), ("mutation", schema.mutation_type)):
        if root is not None:
            found += [(kind, name) for name in sorted(root.fields)]
    return found


def literal(value: Any) -> str:
    """``value`` written as a GraphQL literal."""
    if value is None:
        return "null"
    if isinstance(value, EnumName):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    assert isinstance(value, dict)
    items = [f"{k}: {literal(v)}" for k, v in value.items() if _NAME.match(k)]
    return "{" + ", ".join(items) + "}"


@dataclass
class Operation:
    kind: str
    variables: dict[str, Any] = field(default_factory=dict)
    declarations: list[str] = field(default_factory=list)

    def variable(self, type_text: str, value: Any) -> str:
        name = f"v{len(self.declarations)}"
        self.declarations.append(f"${name}: {type_text}")
        self.variables[name] = value
        return f"${name}"

    def text(self, selection: str) -> str:
        declared = f"({', '.join(self.declarations)})" if self.declarations else ""
        return f"{self.kind} Fuzz{declared} {{ {selection} }}"


class Generator:
    """Values, arguments and selections for one operation. A ``sloppy`` operation may hold
    values of the wrong type, nulls for non-null, unknown names and mistyped variables (the
    validator's work); the others are well-typed with bad values inside (the resolvers')."""

    def __init__(self, schema: GraphQLSchema, world: World, sloppy: bool) -> None:
        self.schema = schema
        self.sloppy = sloppy
        gids = [g for ids in world.global_ids.values() for g in ids]
        locals_ = [v for values in world.path_values.values() for v in values]
        self.ids = st.one_of(
            st.sampled_from(gids),
            st.sampled_from(gids),
            forged_global_ids(sorted(world.global_ids)),
            st.sampled_from(locals_),
            odd_string,
        )
        self.strings = st.one_of(st.sampled_from(MEANINGFUL), odd_string)
        self.input_types = sorted(
            name
            for name, t in schema.type_map.items()
            if not name.startswith("__")
            and isinstance(t, GraphQLInputObjectType | GraphQLScalarType)
        )
        self.scalars: dict[str, st.SearchStrategy[Any]] = {
            "Int": any_int if sloppy else int32,
            "Float": st.one_of(any_float, any_int if sloppy else int32),
            "Boolean": st.booleans(),
            "String": self.strings,
            "ID": self.ids,
            "Long": st.one_of(any_int, st.sampled_from(["1", "9" * 30, "²"]))
            if sloppy
            else st.one_of(int64, int64.map(str)),
            "Decimal": st.one_of(st.sampled_from(BAD_DECIMALS), any_int, any_float)
            if sloppy
            else st.sampled_from(DECIMALS),
            "DateTime": st.one_of(st.sampled_from(BAD_DATETIMES), any_int)
            if sloppy
            else st.sampled_from(DATETIMES),
        }

    def slip(self, draw: st.DrawFn, one_in: int) -> bool:
        """Whether to make a mistake here (never in a well-typed operation)."""
        return self.sloppy and draw(st.integers(0, one_in - 1)) == 0

    # -- values -----------------------------------------------------------------------------

    def _scalar(self, draw: st.DrawFn, t: GraphQLScalarType, arg: str) -> Any:
        if arg in ("after", "before"):
            return draw(st.one_of(forged_cursors(), st.none()))
        return draw(self.scalars.get(t.name, self.strings))

    def value(self, draw: st.DrawFn, t: GraphQLInputType, arg: str = "", depth: int = 3) -> Any:
        """A value for ``t`` (holding bad values), or, when sloppy, sometimes of another type."""
        if self.slip(draw, 6):
            return draw(junk_json)
        if isinstance(t, GraphQLNonNull):
            return None if self.slip(draw, 10) else self.value(draw, t.of_type, arg, depth)
        if isinstance(t, GraphQLList):
            if depth <= 0 or draw(st.booleans()):
                return self.value(draw, t.of_type, arg, depth - 1)  # a single value is coerced
            n = draw(st.sampled_from([0, 1, 2, 3]))
            return [self.value(draw, t.of_type, arg, depth - 1) for _ in range(n)]
        if isinstance(t, GraphQLEnumType):
            names = [*sorted(t.values), *(["NOPE"] if self.sloppy else [])]
            return EnumName(draw(st.sampled_from(names)))
        if isinstance(t, GraphQLInputObjectType):
            return self._input_object(draw, t, depth)
        assert isinstance(t, GraphQLScalarType)
        return self._scalar(draw, t, arg)

    def _input_object(self, draw: st.DrawFn, t: GraphQLInputObjectType, depth: int) -> Any:
        out: dict[str, Any] = {}
        for name, f in sorted(t.fields.items()):
            required = is_required_input_field(f)
            optional = depth > 0 and draw(st.booleans())
            if (required and not self.slip(draw, 10)) or optional:
                out[name] = self.value(draw, f.type, name, depth - 1)
        if self.slip(draw, 6):
            out["unknownField"] = draw(junk_json)
        return out

    def argument(self, draw: st.DrawFn, op: Operation, name: str, t: GraphQLInputType) -> str:
        """The argument's text: a literal, or a variable (when sloppy, of a wrong type or
        holding a value of a wrong type)."""
        value = self.value(draw, t, name)
        if draw(st.integers(0, 2)) > 0:
            return literal(value)
        type_text = str(t)
        if self.slip(draw, 3):
            base = draw(st.sampled_from(self.input_types))
            type_text = draw(st.sampled_from([base, f"{base}!", f"[{base}!]", f"[{base}]!"]))
        if self.slip(draw, 3):
            value = draw(junk_json)
        return op.variable(type_text, value)

    def arguments(
        self, draw: st.DrawFn, op: Operation, f: GraphQLField, always: bool, root: bool = False
    ) -> str:
        parts = []
        for name, arg in sorted(f.args.items()):
            if is_required_argument(arg) or always or draw(st.booleans()):
                parts.append(f"{name}: {self.argument(draw, op, name, arg.type)}")
        if root and self.slip(draw, 5):
            parts.append("unknownArgument: 1")
        return f"({', '.join(parts)})" if parts else ""

    # -- selections -------------------------------------------------------------------------

    def selection(self, draw: st.DrawFn, op: Operation, t: GraphQLOutputType, depth: int) -> str:
        named = get_named_type(t)
        if is_leaf_type(named):
            return ""
        if isinstance(named, GraphQLUnionType):
            return "__typename " + self._fragments(draw, op, list(named.types), depth)
        assert isinstance(named, GraphQLObjectType | GraphQLInterfaceType)
        names = draw(st.lists(st.sampled_from(sorted(named.fields)), min_size=1, max_size=4))
        parts = []
        for index, name in enumerate(dict.fromkeys(names)):
            f = named.fields[name]
            if not is_leaf_type(get_named_type(f.type)) and depth <= 0:
                continue
            args = self.arguments(draw, op, f, always=False)
            inner = self.selection(draw, op, f.type, depth - 1)
            alias = f"a{index}: " if draw(st.integers(0, 9)) == 0 else ""
            parts.append(f"{alias}{name}{args}" + (f" {{ {inner} }}" if inner else ""))
        if isinstance(named, GraphQLInterfaceType):
            possible = list(self.schema.get_possible_types(named))
            parts.append(self._fragments(draw, op, possible, depth))
        return " ".join(parts) or "__typename"

    def _fragments(
        self, draw: st.DrawFn, op: Operation, types: list[GraphQLObjectType], depth: int
    ) -> str:
        if not types or depth <= 0:
            return ""
        chosen = draw(st.lists(st.sampled_from(sorted(types, key=str)), max_size=2, unique=True))
        return " ".join(
            f"... on {t.name} {{ {self.selection(draw, op, t, depth - 1)} }}" for t in chosen
        )


@st.composite
def operations(
    draw: st.DrawFn, schema: GraphQLSchema, world: World, kind: str, name: str
) -> tuple[str, dict[str, Any]]:
    """``(document, variables)`` calling root field ``name`` of ``kind``."""
    gen = Generator(schema, world, sloppy=draw(st.integers(0, 3)) == 0)
    root = schema.query_type if kind == "query" else schema.mutation_type
    assert root is not None
    f = root.fields[name]
    op = Operation(kind)
    args = gen.arguments(draw, op, f, always=draw(st.booleans()), root=True)
    inner = gen.selection(draw, op, f.type, depth=draw(st.integers(1, 3)))
    body = f"{name}{args}" + (f" {{ {inner} }}" if inner else "")
    return op.text(body), op.variables
