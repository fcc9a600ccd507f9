"""history: PostgreSQL numbers an account's changes while the write commits

Revision ID: 0009_feed_at_commit
Revises: 0005_webhooks
Create Date: 2026-12-01 22:20:00

A writer bumped its account's ``account_feeds`` row right before its ``COMMIT``, one round trip
earlier, and held the row's lock until the commit ended: under load the next statement,
``COMMIT``, waited for a busy application to send it, and every writer of the account queued
behind. The unit of work now stages its changes in ``change_event_staging`` (unlogged; its rows
never outlive their transaction) and a deferred trigger, run inside ``COMMIT``, bumps the feed
rows (accounts in id order), writes the changes numbered from them, notifies the feed's channel
and empties the staging rows: the lock is held for the commit alone, still in commit order
(docs/history.md). SQLite is unchanged (one writer at a time).
"""

from __future__ import annotations

from alembic import op

revision = "0009_feed_at_commit"
down_revision = "0005_webhooks"
branch_labels = None
depends_on = None

# ``rows``: the changes as a JSON array of arrays (core/storage/repositories/history.py, _row).
_UPGRADE = [
    "CREATE UNLOGGED TABLE change_event_staging ("
    "account_id BIGINT NOT NULL, n BIGINT NOT NULL, rows JSONB NOT NULL, channel TEXT NOT NULL)",
    """
CREATE FUNCTION change_event_staging_commit() RETURNS trigger LANGUAGE plpgsql AS $body$
DECLARE
  s record;
  last bigint;
BEGIN
  -- The first call of a transaction writes all its staged changes; the later ones find none.
  FOR s IN SELECT account_id, n, rows, channel FROM change_event_staging ORDER BY account_id LOOP
    INSERT INTO account_feeds AS f (account_id, position) VALUES (s.account_id, s.n)
    ON CONFLICT (account_id) DO UPDATE SET position = f.position + EXCLUDED.position
    RETURNING position INTO last;
    INSERT INTO change_events (
      account_id, position, entity_type, entity_id, subject_type, subject_id, action, fields,
      actor_kind, actor_credential_id, actor_user_id, actor_label, face, request_id, at
    )
    SELECT s.account_id, last - s.n + r.n, r.v->>0, (r.v->>1)::bigint, r.v->>2,
           (r.v->>3)::bigint, r.v->>4, r.v->>5, r.v->>6, (r.v->>7)::bigint, (r.v->>8)::bigint,
           r.v->>9, r.v->>10, r.v->>11, (r.v->>12)::bigint
    FROM jsonb_array_elements(s.rows) WITH ORDINALITY AS r(v, n);
    PERFORM pg_notify(s.channel, s.account_id::text);
  END LOOP;
  DELETE FROM change_event_staging;
  RETURN NULL;
END
$body$
""",
    "CREATE CONSTRAINT TRIGGER trg_change_event_staging_commit AFTER INSERT ON "
    "change_event_staging DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
    "EXECUTE FUNCTION change_event_staging_commit()",
]


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for statement in _UPGRADE:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.execute("DROP TABLE IF EXISTS change_event_staging")  # its trigger goes with it
    op.execute("DROP FUNCTION IF EXISTS change_event_staging_commit()")
