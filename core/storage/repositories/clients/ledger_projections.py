"""Projected reads of clients' documents and points for GraphQL's planner: the selected
columns of the ``documents``, ``unpaid`` and ``points`` relations, as ``(client id, *columns)``
rows, through the documents' and points' own statement builders (``of_clients``,
``latest_of_clients``): one scope, one order, one limit for both paths."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select

from core.storage.repositories.clients.documents import of_clients
from core.storage.repositories.clients.points import latest_of_clients
from core.storage.tables.clients import documents

LEDGER = frozenset({"documents", "unpaid", "points"})


def _labelled(columns: Any, names: tuple[str, ...]) -> list[Any]:
    """The owner (client id) first, then ``names``, labelled by position."""
    return [
        columns.client_id.label("p0"),
        *(columns[name].label(f"p{i + 1}") for i, name in enumerate(names)),
    ]


def ledger_query(relation: str, names: tuple[str, ...]) -> Select[Any]:
    """The statement of one of ``LEDGER``'s relations (bound: ``account_id``, ``ids``, and
    ``limit`` for ``points``)."""
    if relation == "points":
        return latest_of_clients(lambda ranked: _labelled(ranked.c, names))
    return of_clients(_labelled(documents.c, names), unpaid=relation == "unpaid")
