"""Webhooks: an account's endpoints receive each of its changes as a signed JSON message
(Standard Webhooks), through a durable delivery queue with retries (docs/history.md)."""
