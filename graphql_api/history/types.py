"""GraphQL types of the change history: a change, its fields and its author, and the
connection every history list answers with (no ``totalCount``: counting a history is not
worth its cost)."""

from __future__ import annotations

from datetime import datetime

import orjson
import strawberry

from core.accounts.model import FaceName, PrincipalKind
from core.history import model as m
from graphql_api.relay import Node, PageInfo, encode_cursor, page_info, to_global_id
from graphql_api.scalars import utc_datetime

TYPE_NAME = "ChangeEvent"

ChangeEntityType = strawberry.enum(
    m.EntityType,
    name="ChangeEntityType",
    description="What changed. CLIENT, BUSINESS_PARTNER, ONBOARDED_ACCOUNT, COMPANY, LOCATION "
    "and API_TOKEN are subjects (what a history hangs on, what `changes(types:)` filters on); "
    "the others are parts of a subject.",
)
ChangeAction = strawberry.enum(m.Action, name="ChangeAction")
ChangeFace = strawberry.enum(
    FaceName, name="ChangeFace", description="Through which face a change came in."
)
ActorKind = strawberry.enum(
    PrincipalKind,
    name="ActorKind",
    description="The kind of credential behind a change (OPERATOR: the CLI on the server; "
    "WORKER: a background worker applying queued work).",
)

# Subjects that are nodes of this schema: their global ids.
_NODE_TYPES = {
    m.EntityType.CLIENT: "Client",
    m.EntityType.BUSINESS_PARTNER: "BusinessPartner",
    m.EntityType.ONBOARDED_ACCOUNT: "OnboardedAccount",
    m.EntityType.API_TOKEN: "ApiToken",
}


@strawberry.type(description="One field's change. A secret shows only `changed: true`.")
class FieldChange:
    field: str
    old_value: str | None = strawberry.field(
        description="The value before, as JSON text (null: none, or a secret)."
    )
    new_value: str | None = strawberry.field(
        description="The value after, as JSON text (null: none, or a secret)."
    )
    secret: bool = strawberry.field(
        description="A secret (password, token): its values are never recorded."
    )

    @classmethod
    def from_entity(cls, c: m.FieldChange) -> FieldChange:
        def text(value: m.JsonValue) -> str | None:
            return None if value is None or c.secret else orjson.dumps(value).decode()

        return cls(field=c.field, old_value=text(c.old), new_value=text(c.new), secret=c.secret)


@strawberry.type(description="Who made a change (never a secret).")
class ChangeActor:
    kind: ActorKind  # type: ignore[valid-type]
    credential_id: int | None = strawberry.field(
        description="The API token's, session's or user's id."
    )
    user_id: int | None
    label: str = strawberry.field(description="The token's label or the user's name.")


@strawberry.type(description="A recorded change: who, through which face, when, what.")
class ChangeEvent(Node):
    position: strawberry.Private[int]
    entity_type: ChangeEntityType  # type: ignore[valid-type]
    entity_database_id: int = strawberry.field(description="The changed record's numeric id.")
    subject_type: ChangeEntityType  # type: ignore[valid-type]
    subject_database_id: int
    subject_id: strawberry.ID | None = strawberry.field(
        description="The subject's global id, when it is a node of this schema."
    )
    action: ChangeAction  # type: ignore[valid-type]
    actor: ChangeActor
    face: ChangeFace | None  # type: ignore[valid-type]
    request_id: str | None = strawberry.field(
        description="The request's id (X-Request-ID); for the queue worker, the message id."
    )
    at: datetime
    fields: list[FieldChange]

    @classmethod
    def from_entity(cls, e: m.ChangeEvent) -> ChangeEvent:
        node_type = _NODE_TYPES.get(e.subject_type)
        return cls(
            id=to_global_id(TYPE_NAME, e.id),
            position=e.position,
            entity_type=e.entity_type,
            entity_database_id=e.entity_id,
            subject_type=e.subject_type,
            subject_database_id=e.subject_id,
            subject_id=None if node_type is None else to_global_id(node_type, e.subject_id),
            action=e.action,
            actor=ChangeActor(
                kind=e.actor.kind,
                credential_id=e.actor.credential_id,
                user_id=e.actor.user_id,
                label=e.actor.label,
            ),
            face=e.face,
            request_id=e.request_id,
            at=utc_datetime(e.at),
            fields=[FieldChange.from_entity(c) for c in e.fields],
        )


@strawberry.type
class ChangeEventEdge:
    cursor: str
    node: ChangeEvent


@strawberry.type(description="A page of changes.")
class ChangeEventConnection:
    edges: list[ChangeEventEdge]
    nodes: list[ChangeEvent]
    page_info: PageInfo


def event_connection(
    kind: str, events: list[m.ChangeEvent], *, has_next: bool, has_previous: bool
) -> ChangeEventConnection:
    """The connection of ``events`` (in the page's order); cursors ``[kind, position]``."""
    nodes = [ChangeEvent.from_entity(e) for e in events]
    edges = [ChangeEventEdge(cursor=encode_cursor([kind, n.position]), node=n) for n in nodes]
    return ChangeEventConnection(
        edges=edges,
        nodes=nodes,
        page_info=page_info(
            [e.cursor for e in edges], has_next=has_next, has_previous=has_previous
        ),
    )
