"""Operations priced before they run: refused over a maximum cost, charged against the
caller's points budget, and the price reported in ``extensions.cost``:

    {"requestedQueryCost": 152, "actualQueryCost": 31,
     "throttleStatus": {"maximumAvailable": 60000, "currentlyAvailable": 59848,
                        "restoreRate": 1000.0}}

The budget is a rate limit in points per window (``CLIENTGATE_GRAPHQL_COST_LIMIT``), kept
where the request rate limits are (in memory, or Redis shared by every instance). It is
charged the requested cost before the operation runs; an operation refused for its cost or
for an empty budget runs nothing and costs nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from graphql import ExecutionResult as GraphQLExecutionResult
from graphql import GraphQLError
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from graphql_api.config import GraphQLConfig
from graphql_api.cost import actual_cost, cached_requested_cost
from httpkit.metrics import Metrics
from httpkit.ratelimit import Decision, Limiter, RefusalReason


class CostLimit(SchemaExtension):
    """Prices, refuses or charges each operation; with ``metrics``, counts it by name with its
    requested and actual cost (and counts a throttled one as a refusal)."""

    def __init__(
        self, config: GraphQLConfig, limiter: Limiter | None, metrics: Metrics | None = None
    ) -> None:
        self._config = config
        self._limiter = limiter
        self._metrics = metrics
        self._requested: int | None = None
        self._actual: int | None = None
        self._decision: Decision | None = None

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            cost = cached_requested_cost(
                context.schema._schema,
                document,
                context.operation_name,
                context.variables,
                self._config.list_bound,
            )
            self._requested = cost
            refusal = await self._refusal(cost)
            if refusal is not None and context.operation_type is OperationType.SUBSCRIPTION:
                raise refusal  # a subscription's start is refused with the same error
            if refusal is not None:
                context.result = GraphQLExecutionResult(data=None, errors=[refusal])
        yield
        if self._metrics is not None and self._requested is not None:
            self._actual = self._actual_cost()
            self._metrics.graphql_operation(
                context.operation_name,
                context.operation_type.value,
                self._requested,
                self._actual,
            )

    def _actual_cost(self) -> int:
        counted = getattr(self.execution_context.context, "answered_objects", None)
        if isinstance(counted, int):
            return counted  # the planner counted the objects it wrote (graphql_api/plan)
        result = self.execution_context.result
        data = result.data if result is not None else None
        return actual_cost(data) if data is not None else 0

    async def _refusal(self, cost: int) -> GraphQLError | None:
        maximum = self._config.max_cost
        if cost > maximum:
            return GraphQLError(
                f"This operation may cost {cost} points, more than the {maximum} allowed: "
                "ask for fewer items (first/pageSize) or fewer nested lists.",
                extensions={"code": "MAX_COST_EXCEEDED", "cost": cost, "maximumCost": maximum},
            )
        if self._limiter is None or cost == 0:
            return None
        principal = await self.execution_context.context.principal()
        key = f"cost:{principal.kind.value}:{principal.credential_id}"
        self._decision = await self._limiter.hit(key, cost)
        if self._decision is None or self._decision.allowed:
            return None
        retry = self._decision.retry_after()
        if self._metrics is not None:
            self._metrics.refused(RefusalReason.COST, "graphql")
        return GraphQLError(
            f"Throttled: this operation costs {cost} points and {self._decision.remaining} are "
            f"available; retry in {retry} s.",
            extensions={"code": "THROTTLED", "cost": cost, "retryAfter": retry},
        )

    def get_results(self) -> dict[str, Any]:
        if self._requested is None:
            return {}
        actual = self._actual if self._actual is not None else self._actual_cost()
        cost: dict[str, Any] = {"requestedQueryCost": self._requested, "actualQueryCost": actual}
        if self._limiter is not None and self._decision is not None:
            item = self._limiter.items[0]
            cost["throttleStatus"] = {
                "maximumAvailable": self._decision.limit,
                "currentlyAvailable": self._decision.remaining,
                "restoreRate": round(item.amount / item.get_expiry(), 3),
            }
        return {"cost": cost}
