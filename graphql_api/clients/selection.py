"""Reading GraphQL selection sets: which fields (and relations of a Client) a query selects,
looking through fragments and honouring ``@skip`` / ``@include``.

The connection resolver reads its selection once and asks ``ClientService.page`` for exactly
the relations selected (catalogs joined into the page query, other children one statement
each); nothing here depends on how the result is executed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

# GraphQL field of Client -> relation name understood by ClientService.
RELATION_FIELDS = {
    "contacts": "contacts",
    "addresses": "addresses",
    "attributes": "attributes",
    "paymentType": "payment_type",
    "priceList": "price_list",
    "saleCondition": "sale_condition",
}
CLIENT_TYPES = frozenset({"Client", "Node"})


def _skipped(selection: SelectedField | InlineFragment | FragmentSpread) -> bool:
    directives = selection.directives or {}
    skip = directives.get("skip")
    include = directives.get("include")
    return bool(skip and skip.get("if") is True) or bool(include and include.get("if") is False)


def fields(selections: Iterable[Selection], types: frozenset[str]) -> Iterator[SelectedField]:
    """The fields of a selection set, looking through fragments that apply to ``types``."""
    for selection in selections:
        if _skipped(selection):
            continue
        if isinstance(selection, SelectedField):
            yield selection
        elif selection.type_condition is None or selection.type_condition in types:
            yield from fields(selection.selections, types)


def client_relations(selections: Iterable[Selection]) -> set[str]:
    """Relations selected on a Client (directly or through fragments)."""
    return {
        RELATION_FIELDS[f.name]
        for f in fields(selections, CLIENT_TYPES)
        if f.name in RELATION_FIELDS
    }


def connection_relations(connection: SelectedField) -> set[str]:
    """Relations selected under ``edges { node { ... } }`` and ``nodes { ... }``."""
    found: set[str] = set()
    for f in fields(connection.selections, frozenset({"ClientConnection"})):
        if f.name == "edges":
            for edge_field in fields(f.selections, frozenset({"ClientEdge"})):
                if edge_field.name == "node":
                    found |= client_relations(edge_field.selections)
        elif f.name == "nodes":
            found |= client_relations(f.selections)
    return found


def selects(connection: SelectedField, name: str) -> bool:
    return any(
        f.name == name for f in fields(connection.selections, frozenset({"ClientConnection"}))
    )
