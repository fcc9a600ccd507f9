from __future__ import annotations

from sqlalchemy import BigInteger, Integer, MetaData

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
metadata = MetaData(naming_convention=NAMING)

# BIGINT on PostgreSQL; INTEGER on SQLite so the column is the rowid and autoincrements.
Id = BigInteger().with_variant(Integer(), "sqlite")

COMMIT_STAGING_TABLES = frozenset({"client_counts_deltas", "change_event_staging"})
"""PostgreSQL's unlogged side tables whose rows never outlive their transaction: writes stage
rows there and deferred triggers fold them while the transaction commits (migrations
0009_counts_at_commit, 0009_feed_at_commit). Created by raw DDL, not described by ``metadata``."""
