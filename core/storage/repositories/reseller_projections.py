"""Projected reads of onboarded accounts for GraphQL's planner: only the selected columns, as
rows, through the resellers repository's own filter and keyset builder
(``onboarded_keyset``), so a filter added there applies to both paths. Columns are labelled by
position, so the same column asked twice still comes back twice."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from core.resellers.model import OnboardedFilter, OnboardedProjection
from core.storage.repositories.resellers import PUBLIC_COLUMNS, onboarded_keyset


class SqlOnboardedReadModel:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def page(
        self,
        reseller_account_id: int,
        filters: OnboardedFilter,
        after_id: int | None,
        limit: int,
        projection: OnboardedProjection,
        *,
        backward: bool = False,
    ) -> list[tuple[Any, ...]]:
        columns = [PUBLIC_COLUMNS[n].label(f"p{i}") for i, n in enumerate(projection.columns)]
        query = onboarded_keyset(columns, reseller_account_id, filters, after_id, limit, backward)
        result = await self._conn.execute(query)
        rows: list[tuple[Any, ...]] = list(result.all())  # one fetchall, not one per row
        return rows
