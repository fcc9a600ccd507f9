"""SQLAlchemy Core tables. One module per bounded context; all share ``metadata``.

Timestamps are Unix seconds in BIGINT columns: the legacy dialects speak epoch seconds, and
integers compare and index the same way on SQLite and PostgreSQL.
"""

from core.storage.tables import accounts as accounts
from core.storage.tables import clients as clients
from core.storage.tables import history as history
from core.storage.tables import idempotency as idempotency
from core.storage.tables import partners as partners
from core.storage.tables import resellers as resellers
from core.storage.tables import webhooks as webhooks
from core.storage.tables.base import metadata

__all__ = ["metadata"]
