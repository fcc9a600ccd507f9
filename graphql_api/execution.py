"""A faster execution path for plain leaf fields.

The clients face builds objects whose scalar fields are plain attributes
(``clients/build.py``). graphql-core still executes each of them like any field: a
resolve-info object, a path, argument coercion, Strawberry's resolver wrapper and a generic
completion step, for every scalar of every row. For a page of 50 clients that is thousands
of calls that only end in ``getattr``.

``FastLeafExecutionContext`` takes a shortcut for exactly those fields: an attribute-backed
field (Strawberry's default resolver, no arguments) whose type is a scalar or an enum is read
with ``getattr`` and serialised directly. Everything else (objects, lists, resolvers,
``__typename``, any value that is null where it must not be, or that fails to serialise) takes
graphql-core's normal path, which produces the same result or the same located error. The
shortcut is off whenever field middleware is installed, since middleware must see every field.
"""

from __future__ import annotations

from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
)
from graphql.execution.collect_fields import GroupedFieldSet
from graphql.pyutils import Path, Undefined, gather_with_cancel
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.base import StrawberryObjectDefinition

# field name -> (python attribute, leaf type, non-null)
LeafPlan = dict[str, tuple[str, GraphQLScalarType | GraphQLEnumType, bool]]
_PLANS = "_clientgate_leaf_plans"


def _leaf_plan(schema: Any, parent_type: GraphQLObjectType) -> LeafPlan:
    """The fields of ``parent_type`` that can be read directly, computed once per schema."""
    plans: dict[str, LeafPlan] = schema.__dict__.setdefault(_PLANS, {})
    plan = plans.get(parent_type.name)
    if plan is not None:
        return plan
    plan = {}
    strawberry_schema = getattr(schema, "_strawberry_schema", None)
    definition = strawberry_schema.get_type_by_name(parent_type.name) if strawberry_schema else None
    if strawberry_schema is not None and isinstance(definition, StrawberryObjectDefinition):
        converter = strawberry_schema.config.name_converter
        python_names = {
            converter.get_graphql_name(f): f.python_name
            for f in definition.fields
            if f.base_resolver is None
        }
        for name, field_def in parent_type.fields.items():
            python_name = python_names.get(name)
            basic = getattr(field_def.resolve, "_is_default", False)
            if python_name is None or not basic or field_def.args:
                continue
            field_type = field_def.type
            non_null = isinstance(field_type, GraphQLNonNull)
            leaf = field_type.of_type if non_null else field_type
            if isinstance(leaf, GraphQLScalarType | GraphQLEnumType):
                plan[name] = (python_name, leaf, non_null)
    plans[parent_type.name] = plan
    return plan


class FastLeafExecutionContext(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's execution context with the leaf-field shortcut described above."""

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        manager = self.middleware_manager
        plan = None
        if manager is None or not manager._middleware_resolvers:
            plan = _leaf_plan(self.schema, parent_type)
        if not plan:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        results: dict[str, Any] = {}
        awaitable_fields: list[str] = []
        try:
            self._execute_planned(
                plan,
                parent_type,
                source_value,
                path,
                grouped_field_set,
                position_context,
                results,
                awaitable_fields,
            )
        except Exception:  # the normal path reports it
            if awaitable_fields:
                self.settle_in_background([results[f] for f in awaitable_fields])
            raise
        if not awaitable_fields:
            return results
        return _gathered(results, awaitable_fields)

    def _execute_planned(
        self,
        plan: LeafPlan,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
        results: dict[str, Any],
        awaitable_fields: list[str],
    ) -> None:
        """Fills ``results``: planned leaves read directly, every other field (and every
        leaf that cannot be read directly) through graphql-core's ``execute_field``."""
        is_awaitable = self.is_awaitable
        for response_name, field_details_list in grouped_field_set.items():
            leaf = plan.get(field_details_list[0].node.name.value)
            if leaf is not None:
                value = getattr(source_value, leaf[0], None)
                if value is None:
                    if not leaf[2]:
                        results[response_name] = None
                        continue
                else:
                    try:
                        serialized = leaf[1].serialize(value)
                    except Exception:  # the normal path reports it
                        serialized = None
                    if serialized is not None and serialized is not Undefined:
                        results[response_name] = serialized
                        continue
            # The normal path: objects, lists, resolvers, and every error case.
            result = self.execute_field(
                parent_type,
                source_value,
                field_details_list,
                Path(path, response_name, parent_type.name),
                position_context,
            )
            if result is not Undefined:
                results[response_name] = result
                if is_awaitable(result):
                    awaitable_fields.append(response_name)


async def _gathered(results: dict[str, Any], awaitable_fields: list[str]) -> dict[str, Any]:
    awaited = await gather_with_cancel(*(results[f] for f in awaitable_fields))
    results.update(zip(awaitable_fields, awaited, strict=True))
    return results
