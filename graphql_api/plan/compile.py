"""Compiling an operation into a plan: which root fields, which columns and relations each
selection needs, and how each response object is written from rows.

Selections are collected the way graphql-core collects them for execution (fragments, inline
fragments, ``@skip``/``@include`` with the request's variables, fields merged by response
name), so a plan writes the same keys in the same order. Any field, argument or type the
planner does not know raises ``Unplannable``: the whole operation goes to stock execution.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    FieldNode,
    GraphQLField,
    GraphQLObjectType,
    GraphQLSchema,
    OperationDefinitionNode,
)
from graphql.execution.collect_fields import (
    FieldDetailsList,
    FragmentDetails,
    GroupedFieldSet,
    collect_subfields,
)
from graphql.execution.values import VariableValues

from core.clients.model import UNPAID_COLUMNS, CatalogKind, Projection
from core.partners.model import PartnerProjection
from core.resellers.model import OnboardedProjection
from graphql_api.plan import codegen
from graphql_api.plan import values as v

# Entry kinds of an object's plan: (response key, kind, a, b).
LEAF = 0  # a: column index (from the row's offset), b: converter
CONST = 1  # a: the value (``__typename``)
CATALOG = 2  # a: Slot of the catalog's columns, b: the catalog's entries
CHILDREN = 3  # a: relation, b: the child's entries
GUARD = 4  # a: column index, b: converter; nothing written (see values.GUARDS)
OBJECT = 5  # a: column index, b: converter writing an object (or None) from the value
DERIVED = 6  # a: column indexes, b: converter taking their values (``amountOwed``)
ONE = 7  # a: slot of one row per owner (a summary), b: the entries written from that row
Entry = tuple[str, int, Any, Any]
Entries = tuple[Entry, ...]

# Entry kinds of a connection, its edges and page info.
# (A Client's entries are compiled into a writer, ``codegen``: NODES' and NODE's ``a``.)
EDGES, NODES, PAGE_INFO, TOTAL_COUNT, CURSOR, NODE = 10, 11, 12, 13, 14, 15
HAS_NEXT, HAS_PREVIOUS, START_CURSOR, END_CURSOR = 20, 21, 22, 23
_PAGE_INFO = {
    "hasNextPage": HAS_NEXT,
    "hasPreviousPage": HAS_PREVIOUS,
    "startCursor": START_CURSOR,
    "endCursor": END_CURSOR,
}
# Columns a cursor may carry (the sort fields); ``id`` is always column 0.
CURSOR_COLUMNS = ("created_at", "updated_at", "code")
CLIENTS, CLIENT, CLIENT_BY_CODE, NODE_FIELD = "clients", "client", "clientByCode", "node"
BUSINESS_PARTNERS, ONBOARDED_ACCOUNTS = "businessPartners", "onboardedAccounts"
ROOT_ARGUMENTS = {
    BUSINESS_PARTNERS: frozenset({"first", "after", "last", "before", "filter", "search"}),
    # a search of onboarded accounts (even a null one) goes to stock execution
    ONBOARDED_ACCOUNTS: frozenset({"first", "after", "last", "before", "filter"}),
    CLIENTS: frozenset({"first", "after", "last", "before", "filter", "sort"}),
    CLIENT: frozenset({"id"}),
    CLIENT_BY_CODE: frozenset({"code"}),
    NODE_FIELD: frozenset({"id"}),
}


@dataclass
class Slot:
    """Where a joined catalog's columns start in a page row (set once the projection is
    complete)."""

    start: int = 0


@dataclass
class Columns:
    """The projection of one root field, gathered while its selections compile."""

    client: list[str] = field(default_factory=lambda: ["id"])
    catalogs: dict[CatalogKind, list[str]] = field(default_factory=dict)
    slots: dict[CatalogKind, Slot] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)
    nested: list[Nested] = field(default_factory=list)

    def client_column(self, name: str) -> int:
        if name not in self.client:
            self.client.append(name)
        return self.client.index(name)

    def catalog(self, kind: CatalogKind) -> Slot:
        if kind not in self.catalogs:
            self.catalogs[kind] = ["id"]
            self.slots[kind] = Slot()
        return self.slots[kind]

    def catalog_column(self, kind: CatalogKind, name: str) -> int:
        names = self.catalogs[kind]
        if name not in names:
            names.append(name)
        return names.index(name)

    def child_column(self, relation: str, name: str) -> int:
        names = self.children.setdefault(relation, [])
        if name not in names:
            names.append(name)
        return 1 + names.index(name)  # a child row starts with its client's id

    def child_index(self, relation: str, first: Sequence[str] = ()) -> Any:
        """The column index function of ``relation``'s rows (``first``: its leading
        columns, when it is new)."""
        if relation not in self.children:
            self.children[relation] = list(first)
        return lambda name: self.child_column(relation, name)

    def slot(self, name: str, details: FieldDetailsList, definition: GraphQLField) -> str:
        """A new slot for a field taking arguments (read per request, ``Nested``)."""
        slot = f"{name}#{len(self.nested)}"
        self.nested.append(Nested(slot, name, details[0].node, definition))
        return slot

    def projection(self) -> Projection:
        start = len(self.client)
        catalogs = []
        for kind in CatalogKind:
            if kind in self.catalogs:
                self.slots[kind].start = start
                start += len(self.catalogs[kind])
                catalogs.append((kind, tuple(self.catalogs[kind])))
        return Projection(
            columns=tuple(self.client),
            catalogs=tuple(catalogs),
            children=tuple((r, tuple(c)) for r, c in self.children.items()),
        )


@dataclass(frozen=True)
class Nested:
    """A planned field under a root that takes arguments (``pointsHistory``,
    ``unpaidSummary``): read per request, its rows are written into its own ``slot``."""

    slot: str
    name: str
    node: FieldNode
    definition: GraphQLField


@dataclass(frozen=True)
class RootField:
    """One planned root field: what it is, its node and definition (arguments are read per
    request), the entries written for its value and the projection it reads."""

    key: str
    name: str
    node: FieldNode
    definition: GraphQLField | None
    entries: Entries
    projection: Projection | PartnerProjection | OnboardedProjection | None
    nested: tuple[Nested, ...] = ()


@dataclass(frozen=True)
class Plan:
    fields: tuple[RootField, ...]


@dataclass
class Compiler:
    schema: GraphQLSchema
    fragments: dict[str, FragmentDetails]
    variables: VariableValues
    operation: OperationDefinitionNode

    def plan(self, root: GraphQLObjectType, grouped: GroupedFieldSet) -> Plan:
        fields = []
        for key, details in grouped.items():
            node = details[0].node
            name = node.name.value
            if name == "__typename":
                fields.append(RootField(key, name, node, None, (), None))
                continue
            allowed = ROOT_ARGUMENTS.get(name)
            if allowed is None or any(a.name.value not in allowed for a in node.arguments or ()):
                raise v.Unplannable(f"root field {name}")
            if name == BUSINESS_PARTNERS:
                # partners.py builds on this module: imported here, not at the top
                from graphql_api.plan.partners import compile_partners

                found, partners = compile_partners(self, details)
                fields.append(RootField(key, name, node, root.fields[name], found, partners))
                continue
            if name == ONBOARDED_ACCOUNTS:
                from graphql_api.plan.onboarded import compile_onboarded  # as partners

                found, onboarded = compile_onboarded(self, details)
                fields.append(RootField(key, name, node, root.fields[name], found, onboarded))
                continue
            columns = Columns()
            if name == CLIENTS:
                client = functools.partial(self._client, columns=columns)
                entries = self.connection("Client", details, client, columns)
            else:
                entries = self._client(details, columns, root=True)
            projection = columns.projection()  # places the catalogs: writers come after
            if name == CLIENTS:
                entries = with_writers(entries)
            else:
                entries = ((key, NODE, codegen.client_writer(entries), None),)
            definition = root.fields[name]
            nested = tuple(columns.nested)
            fields.append(RootField(key, name, node, definition, entries, projection, nested))
        return Plan(tuple(fields))

    def _type(self, name: str) -> GraphQLObjectType:
        found = self.schema.get_type(name)
        assert isinstance(found, GraphQLObjectType), name
        return found

    def collect(
        self, type_name: str, details: FieldDetailsList, *, root: bool = False
    ) -> GroupedFieldSet:
        """The subfields of ``details`` on ``type_name``. ``root``: a field whose arguments
        are read per request (a root field, ``Nested``); any other field given arguments is
        one the planner does not know."""
        if not root and any(detail.node.arguments for detail in details):
            raise v.Unplannable("arguments on a nested field")
        collected = collect_subfields(
            self.schema,
            self.fragments,
            self.variables,
            self.operation,
            self._type(type_name),
            details,
        )
        return collected.grouped_field_set

    def connection(
        self,
        node_type: str,
        details: FieldDetailsList,
        node: Callable[[FieldDetailsList], Entries],
        columns: Columns | None = None,
    ) -> Entries:
        """The entries of a ``<node_type>Connection`` whose nodes' entries ``node`` compiles
        (``columns``: a Client's, whose cursors carry the sort column)."""
        entries: list[Entry] = []
        for key, sub in self.collect(f"{node_type}Connection", details, root=True).items():
            name = sub[0].node.name.value
            if name == "__typename":
                entries.append((key, CONST, f"{node_type}Connection", None))
            elif name == "totalCount":
                entries.append((key, TOTAL_COUNT, None, None))
            elif name == "nodes":
                entries.append((key, NODES, node(sub), None))
            elif name == "edges":
                entries.append((key, EDGES, self._edge(node_type, sub, node, columns), None))
            elif name == "pageInfo":
                entries.append((key, PAGE_INFO, self.page_info(sub, columns), None))
            else:
                raise v.Unplannable(f"{node_type}Connection.{name}")
        return tuple(entries)

    def _edge(
        self,
        node_type: str,
        details: FieldDetailsList,
        node: Callable[[FieldDetailsList], Entries],
        columns: Columns | None,
    ) -> Entries:
        entries: list[Entry] = []
        for key, sub in self.collect(f"{node_type}Edge", details).items():
            name = sub[0].node.name.value
            if name == "__typename":
                entries.append((key, CONST, f"{node_type}Edge", None))
            elif name == "cursor":
                if columns is not None:
                    _cursor_columns(columns)
                entries.append((key, CURSOR, None, None))
            elif name == "node":
                entries.append((key, NODE, node(sub), None))
            else:
                raise v.Unplannable(f"{node_type}Edge.{name}")
        return tuple(entries)

    def page_info(self, details: FieldDetailsList, columns: Columns | None) -> Entries:
        entries: list[Entry] = []
        for key, sub in self.collect("PageInfo", details).items():
            name = sub[0].node.name.value
            if name == "__typename":
                entries.append((key, CONST, "PageInfo", None))
                continue
            kind = _PAGE_INFO.get(name)
            if kind is None:
                raise v.Unplannable(f"PageInfo.{name}")
            if kind in (START_CURSOR, END_CURSOR) and columns is not None:
                _cursor_columns(columns)  # a Client's cursor carries its sort column
            entries.append((key, kind, None, None))
        return tuple(entries)

    def _client(
        self, details: FieldDetailsList, columns: Columns, *, root: bool = False
    ) -> Entries:
        entries = _guards(v.GUARDS["Client"], columns.client_column)
        for key, sub in self.collect("Client", details, root=root).items():
            name = sub[0].node.name.value
            if name == "__typename":
                entries.append((key, CONST, "Client", None))
            elif name in v.CLIENT:
                column, convert = v.CLIENT[name]
                entries.append((key, LEAF, columns.client_column(column), convert))
            elif name in v.CATALOGS:
                kind, type_name, leaves = v.CATALOGS[name]
                slot = columns.catalog(kind)
                inner = self.leaves(
                    sub, type_name, leaves, lambda c, k=kind: columns.catalog_column(k, c)
                )
                entries.append((key, CATALOG, slot, inner))
            elif name in v.CHILDREN:
                relation, type_name, leaves = v.CHILDREN[name]
                columns.children.setdefault(relation, [])
                inner = self.leaves(
                    sub, type_name, leaves, lambda c, r=relation: columns.child_column(r, c)
                )
                entries.append((key, CHILDREN, relation, inner))
            elif name in _LEDGER:
                entries.append(self._ledger(key, name, sub, columns))
            else:
                raise v.Unplannable(f"Client.{name}")
        return tuple(entries)

    def _ledger(self, key: str, name: str, details: FieldDetailsList, columns: Columns) -> Entry:
        """``documents``, ``pointsHistory`` or ``unpaidSummary`` of a Client."""
        if name == "documents":
            return (key, CHILDREN, "documents", self._document(details, columns, "documents"))
        slot = columns.slot(name, details, self._type("Client").fields[name])
        if name == "pointsHistory":
            index = columns.child_index("points")
            inner = self.leaves(details, "PointsEntry", v.POINTS_ENTRY, index, arguments=True)
            return (key, CHILDREN, slot, inner)
        columns.child_index("unpaid", UNPAID_COLUMNS)  # what the core splits and sums
        position = v.SUMMARY_POSITIONS.__getitem__  # a summary's row, not a stored one
        entries: list[Entry] = []
        for sub_key, sub in self.collect("UnpaidSummary", details, root=True).items():
            sub_name = sub[0].node.name.value
            if sub_name in _SUMMARY_DOCUMENTS:
                relation = f"{slot}/{_SUMMARY_DOCUMENTS[sub_name]}"
                inner = self._document(sub, columns, "unpaid")
                entries.append((sub_key, CHILDREN, relation, inner))
            else:
                entries.append(leaf(sub_key, sub_name, "UnpaidSummary", v.UNPAID_SUMMARY, position))
        return (key, ONE, slot, tuple(entries))

    def _document(self, details: FieldDetailsList, columns: Columns, relation: str) -> Entries:
        index = columns.child_index(relation)
        entries: list[Entry] = []
        for key, sub in self.collect("Document", details).items():
            name = sub[0].node.name.value
            if name in v.DOCUMENT_DERIVED:
                names, convert = v.DOCUMENT_DERIVED[name]
                entries.append((key, DERIVED, tuple(index(n) for n in names), convert))
            else:
                entries.append(leaf(key, name, "Document", v.DOCUMENT, index))
        return tuple(entries)

    def leaves(
        self,
        details: FieldDetailsList,
        type_name: str,
        leaves: v.Leaves,
        index: Any,
        *,
        arguments: bool = False,
    ) -> Entries:
        """The scalars of ``type_name`` selected by ``details`` (``arguments``: the field
        may take some, read per request)."""
        entries = _guards(v.GUARDS.get(type_name, ()), index)
        for key, sub in self.collect(type_name, details, root=arguments).items():
            entries.append(leaf(key, sub[0].node.name.value, type_name, leaves, index))
        return tuple(entries)


_LEDGER = frozenset({"documents", "pointsHistory", "unpaidSummary"})
_SUMMARY_DOCUMENTS = {"overdueDocuments": "overdue", "upcomingDocuments": "upcoming"}


def leaf(key: str, name: str, type_name: str, leaves: v.Leaves, index: Any) -> Entry:
    """The entry of a scalar field ``name`` (or ``__typename``) of ``type_name``."""
    if name == "__typename":
        return (key, CONST, type_name, None)
    if name not in leaves:
        raise v.Unplannable(f"{type_name}.{name}")
    column, convert = leaves[name]
    return (key, LEAF, index(column), convert)


def with_writers(entries: Entries) -> Entries:
    """A connection's entries with each Client's entries compiled into a writer."""
    out: list[Entry] = []
    for key, kind, a, b in entries:
        if kind == NODES:
            a = codegen.client_writer(a)
        elif kind == EDGES:
            a = tuple(
                (k, NODE, codegen.client_writer(x), None) if kd == NODE else (k, kd, x, y)
                for k, kd, x, y in a
            )
        out.append((key, kind, a, b))
    return tuple(out)


def _guards(guards: Sequence[tuple[str, v.Convert]], index: Any) -> list[Entry]:
    return [("", GUARD, index(column), convert) for column, convert in guards]


def _cursor_columns(columns: Columns) -> None:
    for name in CURSOR_COLUMNS:
        columns.client_column(name)
