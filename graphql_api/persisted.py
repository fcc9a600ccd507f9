"""Automatic persisted queries, as Apollo's protocol has them (Apollo Client's
``createPersistedQueryLink`` and others speak it).

A request carries ``extensions.persistedQuery = {"version": 1, "sha256Hash": H}``:

- without ``query``: a known ``H`` runs its document (already parsed, validated and planned:
  those caches are keyed by the document's text, so nothing is parsed or validated again); an
  unknown ``H`` answers ``PersistedQueryNotFound`` (``extensions.code``
  ``PERSISTED_QUERY_NOT_FOUND``, HTTP 200 as Apollo Server answers it: the client then sends
  the query with its hash);
- with ``query``: the query's SHA-256 must be ``H`` (else a 400), and it is remembered.

Documents are kept in a bounded LRU (``GraphQLConfig.persisted_queries`` of them); one that
fell out is simply asked for again. GET and POST alike (GET carries ``extensions`` as JSON in
the query string).
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict

from cross_web import HTTPException
from strawberry.http import GraphQLRequestData

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
NOT_FOUND = "PersistedQueryNotFound"


class PersistedQueryError(HTTPException):
    """Answered as ``{"errors": [{"message", "extensions": {"code"}}]}`` with ``status``."""

    def __init__(self, status: int, message: str, code: str) -> None:
        super().__init__(status, message)
        self.code = code


class PersistedQueries:
    """Documents by the SHA-256 of their text, least recently used dropped first."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._documents: OrderedDict[str, str] = OrderedDict()

    def __len__(self) -> int:
        return len(self._documents)

    def resolve(self, item: GraphQLRequestData) -> None:
        """Fills ``item.query`` from its hash, or remembers the query under it."""
        persisted = (item.extensions or {}).get("persistedQuery")
        if persisted is None:
            return
        if not isinstance(persisted, dict) or persisted.get("version") != 1:
            raise PersistedQueryError(
                400, "Unsupported persisted query version (only version 1)", "BAD_REQUEST"
            )
        digest = persisted.get("sha256Hash")
        if not isinstance(digest, str) or not _SHA256.match(digest):
            raise PersistedQueryError(
                400, "persistedQuery.sha256Hash must be a lowercase hex SHA-256", "BAD_REQUEST"
            )
        if item.query is None:
            found = self._documents.get(digest)
            if found is None:
                raise PersistedQueryError(200, NOT_FOUND, "PERSISTED_QUERY_NOT_FOUND")
            self._documents.move_to_end(digest)
            item.query = found
            return
        if hashlib.sha256(item.query.encode()).hexdigest() != digest:
            raise PersistedQueryError(400, "provided sha does not match query", "BAD_REQUEST")
        self._documents[digest] = item.query
        self._documents.move_to_end(digest)
        if len(self._documents) > self.maxsize:
            self._documents.popitem(last=False)
