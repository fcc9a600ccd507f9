"""GraphQL face of the change history: ``auditEvents``, the ``changes`` feed, and the
``history`` connection of clients, business partners and onboarded accounts
(``loaders.history``)."""

from __future__ import annotations

from graphql_api.history.queries import HistoryQuery
from graphql_api.history.subscriptions import HistorySubscription

QUERIES = (HistoryQuery,)
SUBSCRIPTIONS = (HistorySubscription,)

__all__ = ["QUERIES", "SUBSCRIPTIONS", "HistoryQuery", "HistorySubscription"]
