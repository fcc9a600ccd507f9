"""What an operation may cost, computed before it runs, and what it did cost.

The cost of an operation is the number of objects its answer can hold (scalars are free), the
way Shopify's and GitHub's calculators price a query: a list multiplies the cost of what is
selected under it by its bound. A connection's bound is its ``first``/``last`` argument (or
that argument's default); a list field with ``first``/``pageSize`` uses that; a list with no
paging argument (a client's contacts, an agent's clients) counts ``list_bound`` items. So
``businessPartners(first: 10) { edges { node { agent { clients { agent { clients ... }}}}}}``
costs 10 x 20 x 20 x ... and is refused before it reaches the database.

Each fragment is priced once (memoised), so pricing is linear in the document, like the
depth and alias limits. ``actual_cost`` counts the objects the answer really held.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    GraphQLType,
    GraphQLUnionType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
)

PAGE_ARGUMENTS = ("first", "last", "pageSize")
_CONNECTION_LISTS = ("edges", "nodes")


def _unwrap(type_: GraphQLType) -> tuple[GraphQLType, bool]:
    """The type under NonNull, and whether it is a list."""
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    is_list = isinstance(type_, GraphQLList)
    while isinstance(type_, GraphQLNonNull | GraphQLList):
        type_ = type_.of_type
    return type_, is_list


def _is_connection(type_: GraphQLNamedType) -> bool:
    return isinstance(type_, GraphQLObjectType) and "edges" in type_.fields


class CostCalculator:
    """Prices one operation of a validated document."""

    def __init__(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        variables: Mapping[str, Any] | None,
        list_bound: int,
    ) -> None:
        self._schema = schema
        self._variables = variables or {}
        self._list_bound = list_bound
        self._fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self._memo: dict[tuple[str, int], int] = {}
        self._pricing: set[str] = set()

    def operation(self, operation: OperationDefinitionNode) -> int:
        root = {
            OperationType.QUERY: self._schema.query_type,
            OperationType.MUTATION: self._schema.mutation_type,
            OperationType.SUBSCRIPTION: self._schema.subscription_type,
        }[operation.operation]
        if root is None:
            return 0
        return self._selection(operation.selection_set, root, page=1)

    def _selection(
        self, selection_set: SelectionSetNode | None, parent: GraphQLNamedType, page: int
    ) -> int:
        """Objects under ``selection_set``; ``page`` is the bound of a connection's edges."""
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self._field(selection, parent, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                inner = self._schema.get_type(condition.name.value) if condition else parent
                total += self._selection(selection.selection_set, inner or parent, page)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._fragment(selection.name.value, page)
        return total

    def _fragment(self, name: str, page: int) -> int:
        key = (name, page)
        if key in self._memo:
            return self._memo[key]
        fragment = self._fragments.get(name)
        if fragment is None or name in self._pricing:
            return 0  # validation reports unknown fragments and cycles
        condition = self._schema.get_type(fragment.type_condition.name.value)
        if condition is None:
            return 0
        self._pricing.add(name)
        cost = self._selection(fragment.selection_set, condition, page)
        self._pricing.discard(name)
        self._memo[key] = cost
        return cost

    def _field(self, node: FieldNode, parent: GraphQLNamedType, page: int) -> int:
        if node.name.value.startswith("__") or not isinstance(
            parent, GraphQLObjectType | GraphQLInterfaceType
        ):
            return 0
        field = parent.fields.get(node.name.value)
        if field is None:
            return 0
        named, is_list = _unwrap(field.type)
        if not isinstance(named, GraphQLObjectType | GraphQLInterfaceType | GraphQLUnionType):
            return 0  # scalars and enums are free
        if _is_connection(named):
            bound = self._page_argument(node, field)
            return 1 + self._selection(node.selection_set, named, page=bound)
        count = 1
        if is_list:
            if _is_connection(parent) and node.name.value in _CONNECTION_LISTS:
                count = page
            else:
                count = self._page_argument(node, field)
        return count * (1 + self._selection(node.selection_set, named, page=1))

    def _page_argument(self, node: FieldNode, field: GraphQLField) -> int:
        """The field's page size: its ``first``/``last``/``pageSize`` as given, else as
        defaulted (``last: 100`` prices 100 even where ``first`` has a default), else
        ``list_bound``."""
        given = {a.name.value: a.value for a in node.arguments or ()}
        names = [name for name in PAGE_ARGUMENTS if name in field.args]
        for name in names:
            literal = given.get(name)
            value: object = None
            if isinstance(literal, IntValueNode):
                value = int(literal.value)
            elif isinstance(literal, VariableNode):
                value = self._variables.get(literal.name.value)
            if isinstance(value, int) and not isinstance(value, bool):
                return max(0, value)
        for name in names:
            value = field.args[name].default_value
            if isinstance(value, int) and not isinstance(value, bool):
                return max(0, value)
        return self._list_bound


def requested_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    list_bound: int,
) -> int:
    """The most objects the named operation (or the only one) can answer with."""
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [
        op
        for op in operations
        if operation_name is None or (op.name is not None and op.name.value == operation_name)
    ]
    if not chosen:
        return 0
    return CostCalculator(schema, document, variables, list_bound).operation(chosen[0])


_PRICES = "_clientgate_prices"
PRICE_CACHE_SIZE = 1024


def cached_requested_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    list_bound: int,
) -> int:
    """``requested_cost``, remembered per document text, operation and the integer variables
    (the only values pricing reads: page sizes), in a bounded LRU on the schema."""
    if document.loc is None:
        return requested_cost(schema, document, operation_name, variables, list_bound)
    numbers = tuple(
        (name, value)
        for name, value in sorted((variables or {}).items())
        if isinstance(value, int) and not isinstance(value, bool)
    )
    key = (document.loc.source.body, operation_name, numbers, list_bound)
    prices: OrderedDict[Any, int] = schema.__dict__.setdefault(_PRICES, OrderedDict())
    cost = prices.get(key)
    if cost is None:
        cost = requested_cost(schema, document, operation_name, variables, list_bound)
        prices[key] = cost
        if len(prices) > PRICE_CACHE_SIZE:
            prices.popitem(last=False)
    else:
        prices.move_to_end(key)
    return cost


def actual_cost(data: object) -> int:
    """The objects an answer's ``data`` holds (the root object itself is free). Only objects
    and lists are visited: scalars, most of an answer, are skipped where they stand."""
    count = 0
    stack: list[object] = [data]
    while stack:
        value = stack.pop()
        if type(value) is dict:
            count += 1
            stack.extend(v for v in value.values() if type(v) is dict or type(v) is list)
        elif type(value) is list:
            stack.extend(v for v in value if type(v) is dict or type(v) is list)
    return max(0, count - 1) if type(data) is dict else count
