"""The bus's channels (PostgreSQL channel names: lower-case identifiers)."""

from __future__ import annotations

PARTNER_JOBS = "clientgate_partner_jobs"
"""A creation job changed state; payload: its public id."""

CHANGES = "clientgate_changes"
"""An account's change feed grew; payload: the account id."""

WEBHOOKS = "clientgate_webhooks"
"""Webhook deliveries were queued; payload: the account id (workers listen to every one)."""
