"""Where plans run: graphql-core's executor with one step replaced. Everything before
execution (authentication, parsing, validation, query limits, cost) and after it (the error
policy, the cost report, encoding) is shared by both paths.

A query's root fields are planned once per document, operation and values of its Boolean
variables (the only values that change which fields are selected: ``@skip``/``@include``),
in a bounded LRU per schema. A planned operation runs without resolvers; an operation the
planner does not support, or one whose run hands back (``Unplannable``, a domain error),
is executed the stock way, whole.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from graphql import (
    GraphQLBoolean,
    GraphQLObjectType,
    NamedTypeNode,
    NonNullTypeNode,
    OperationType,
)
from graphql.execution.collect_fields import DeferUsage, GroupedFieldSet
from graphql.pyutils import AwaitableOrValue

from graphql_api.execution import FastLeafExecutionContext
from graphql_api.plan.compile import Compiler, Plan
from graphql_api.plan.run import Runner
from graphql_api.plan.values import Unplannable

PLAN_CACHE_SIZE = 512
_CACHE = "_clientgate_plans"
PlanKey = tuple[str, str | None, tuple[object, ...]]


class PlanCache:
    """Plans (or ``None``: not plannable) by key, least recently used dropped first."""

    def __init__(self, maxsize: int = PLAN_CACHE_SIZE) -> None:
        self.maxsize = maxsize
        self._plans: OrderedDict[PlanKey, Plan | None] = OrderedDict()

    def get(self, key: PlanKey) -> tuple[bool, Plan | None]:
        if key not in self._plans:
            return False, None
        self._plans.move_to_end(key)
        return True, self._plans[key]

    def put(self, key: PlanKey, plan: Plan | None) -> None:
        self._plans[key] = plan
        if len(self._plans) > self.maxsize:
            self._plans.popitem(last=False)

    def __len__(self) -> int:
        return len(self._plans)


def plan_cache(schema: Any) -> PlanCache:
    cache: PlanCache = schema.__dict__.setdefault(_CACHE, PlanCache())
    return cache


def _is_boolean(type_node: Any) -> bool:
    if isinstance(type_node, NonNullTypeNode):
        type_node = type_node.type
    return isinstance(type_node, NamedTypeNode) and type_node.name.value == GraphQLBoolean.name


class PlannedExecutionContext(FastLeafExecutionContext):
    """Stock execution (with the leaf shortcut) unless the operation has a plan."""

    def execute_collected_root_fields(
        self,
        root_type: GraphQLObjectType,
        root_value: Any,
        grouped_field_set: GroupedFieldSet,
        serially: bool,
        new_defer_usages: Sequence[DeferUsage],
    ) -> AwaitableOrValue[dict[str, Any]]:
        plan = None
        if self.operation.operation is OperationType.QUERY and not serially:
            plan = self._plan(root_type, grouped_field_set)
        if plan is None:
            return super().execute_collected_root_fields(
                root_type, root_value, grouped_field_set, serially, new_defer_usages
            )
        stock = super().execute_collected_root_fields
        return self._run(
            plan,
            lambda: stock(root_type, root_value, grouped_field_set, serially, new_defer_usages),
        )

    async def _run(self, plan: Plan, stock: Any) -> dict[str, Any]:
        try:
            data, objects = await Runner(self.context_value, self.variable_values).run(plan)
        except Exception:  # stock execution answers it, located
            result = stock()
            if self.is_awaitable(result):
                result = await result
            stock_data: dict[str, Any] = result
            return stock_data
        self.context_value.answered_objects = objects
        return data

    def _key(self) -> PlanKey | None:
        operation = self.operation
        if operation.loc is None:
            return None
        coerced = self.variable_values.coerced
        flags = tuple(
            coerced.get(d.variable.name.value)
            for d in operation.variable_definitions or ()
            if _is_boolean(d.type)
        )
        name = operation.name.value if operation.name else None
        return operation.loc.source.body, name, flags

    def _plan(self, root_type: GraphQLObjectType, grouped: GroupedFieldSet) -> Plan | None:
        key = self._key()
        cache = plan_cache(self.schema)
        if key is not None:
            known, plan = cache.get(key)
            if known:
                return plan
        compiler = Compiler(self.schema, self.fragments, self.variable_values, self.operation)
        try:
            plan = compiler.plan(root_type, grouped)
        except Unplannable:
            plan = None
        if key is not None:
            cache.put(key, plan)
        return plan


__all__ = ["PlanCache", "PlannedExecutionContext", "plan_cache"]
