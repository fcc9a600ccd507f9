"""A change as a webhook message: ``{"type", "timestamp", "data"}`` (Standard Webhooks'
recommended envelope). ``type`` is ``<entity type>.<action>`` (``client.update``,
``client_contact.create``, ``business_partner.delete`` ...); ``data`` is the change event as
the change feed shows it, ids as numbers."""

from __future__ import annotations

from datetime import UTC, datetime

import orjson

from core.history.model import ChangeEvent


def event_type(event: ChangeEvent) -> str:
    return f"{event.entity_type.value}.{event.action.value}"


def message_id(event: ChangeEvent) -> str:
    """One per change (the same across attempts and redeliveries: receivers dedupe on it)."""
    return f"msg_{event.id}"


def body(event: ChangeEvent) -> str:
    actor = event.actor
    return orjson.dumps(
        {
            "type": event_type(event),
            "timestamp": datetime.fromtimestamp(event.at, UTC).isoformat().replace("+00:00", "Z"),
            "data": {
                "id": event.id,
                "position": event.position,
                "entityType": event.entity_type.value,
                "entityId": event.entity_id,
                "subjectType": event.subject_type.value,
                "subjectId": event.subject_id,
                "action": event.action.value,
                "actor": {
                    "kind": actor.kind.value,
                    "credentialId": actor.credential_id,
                    "userId": actor.user_id,
                    "label": actor.label,
                },
                "face": None if event.face is None else event.face.value,
                "requestId": event.request_id,
                "at": event.at,
                "fields": [
                    {"field": f.field, "old": f.old, "new": f.new, "secret": f.secret}
                    for f in event.fields
                ],
            },
        }
    ).decode()
