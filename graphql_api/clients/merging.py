"""Merging clients through GraphQL: ``mergeClientsPreview`` and ``mergeClients`` (mutations),
``clientMerge(mergedId)`` (the record of a merged client, through which its survivor is
reached: ``client(id)`` and ``node(id)`` answer null for a merged client)."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry
from strawberry.types import Info

from core.clients import merge_plan
from core.clients import model as m
from core.shared.errors import FieldError, InvalidInput, NotFound
from graphql_api.clients import build
from graphql_api.clients.client import Client
from graphql_api.clients.inputs import Ids
from graphql_api.clients.mutations import _sub_selections
from graphql_api.context import Context
from graphql_api.errors import UserError, attempt
from graphql_api.relay import local_id, to_global_id
from graphql_api.scalars import utc_datetime

GqlInfo = Info[Context, None]


@strawberry.enum(description="Client fields a merge can take from any of the clients merged.")
class ClientMergeField(Enum):
    FIRST_NAME = "first_name"
    LAST_NAME = "last_name"
    EMAIL = "email"
    CODE = "code"
    PHONE = "phone"
    COMPANY = "company"
    NOTE = "note"
    FACEBOOK = "facebook"
    TWITTER = "twitter"
    HAS_CREDIT = "has_credit"
    MAX_CREDIT = "max_credit"
    STATE = "state"
    ACTIVITY = "activity"
    CITY = "city"
    DISTRICT = "district"
    ADDRESS = "address"
    COMPANY_OR_PERSON = "company_or_person"
    ACCUMULATE_POINTS = "accumulate_points"
    SEND_DTE = "send_dte"
    IS_FOREIGNER = "is_foreigner"
    PRESTASHOP_CLIENT_ID = "prestashop_client_id"
    PAYMENT_TYPE_ID = "payment_type_id"
    PRICE_LIST_ID = "price_list_id"
    SALE_CONDITION_ID = "sale_condition_id"


@strawberry.input(description="Take one field from one of the clients of the merge.")
class MergeFieldChoice:
    field: ClientMergeField
    client_id: strawberry.ID = strawberry.field(
        description="The survivor or one of the merged clients."
    )


@strawberry.input
class MergeClientsInput:
    survivor_id: strawberry.ID = strawberry.field(description="The client that stays.")
    merged_ids: list[strawberry.ID] = strawberry.field(
        description=f"The clients merged into it (1 to {merge_plan.MAX_MERGED}, in order of "
        "preference: a field the survivor leaves empty takes the first value among them)."
    )
    fields_from: list[MergeFieldChoice] | None = strawberry.field(
        default=None,
        description="Fields taken from a given client (others: the survivor's, blanks filled).",
    )


@strawberry.type(description="One client's value of a field in conflict.")
class MergeFieldValue:
    client_id: strawberry.ID
    value: str = strawberry.field(description="The value, as text.")


@strawberry.type(description="A field the clients hold different non-empty values of.")
class MergeFieldConflict:
    field: ClientMergeField
    values: list[MergeFieldValue] = strawberry.field(
        description="Each client's value: the survivor's first, then the merged clients'."
    )
    chosen_client_id: strawberry.ID = strawberry.field(description="Whose value is kept.")


@strawberry.type(description="What a merge moves from the merged clients to the survivor.")
class MergeCounts:
    contacts: int
    addresses: int
    attribute_values: int = strawberry.field(
        description="Values of attributes the survivor holds no value of move; others are "
        "dropped (the survivor's value is kept)."
    )
    documents: int = strawberry.field(description="Sale documents, with their payments.")
    points_entries: int


@strawberry.type(description="A field the survivor took from a merged client.")
class MergeFieldSource:
    field: ClientMergeField
    client_id: strawberry.ID


@strawberry.type(description="A client merged into another, as recorded.")
class ClientMerge:
    merged_id: strawberry.ID = strawberry.field(description="The merged client (gone).")
    merged_into_id: strawberry.ID = strawberry.field(
        description="The client it was merged into, as recorded (that one may have been "
        "merged in turn since: `survivor` is the live one)."
    )
    merged_at: datetime
    merged_by_kind: str = strawberry.field(
        description="The credential that merged it: api_token, api_user or web_session."
    )
    merged_by_id: int = strawberry.field(description="That credential's numeric id.")
    fields_from: list[MergeFieldSource]
    survivor_database_id: strawberry.Private[int]

    @classmethod
    def of(cls, record: m.MergeRecord) -> ClientMerge:
        return cls(
            merged_id=to_global_id("Client", record.merged_id),
            merged_into_id=to_global_id("Client", record.survivor_id),
            merged_at=utc_datetime(record.merged_at),
            merged_by_kind=record.principal_kind,
            merged_by_id=record.principal_id,
            fields_from=_sources(record.field_choices),
            survivor_database_id=record.survivor_id,
        )

    @strawberry.field(description="The live client the merged one now lives on in.")
    async def survivor(self, info: GqlInfo) -> Client | None:
        caller = await info.context.principal()
        svc = info.context.services.clients
        try:
            entity = await svc.get(caller, self.survivor_database_id)
        except NotFound as exc:
            survivor = getattr(exc, "survivor_id", None)
            if survivor is None:
                return None
            entity = await svc.get(caller, survivor)
        return await build.build_one(info, entity, info.selected_fields[0].selections)


def _sources(choices: dict[str, int]) -> list[MergeFieldSource]:
    return [
        MergeFieldSource(field=ClientMergeField(name), client_id=to_global_id("Client", cid))
        for name, cid in sorted(choices.items())
    ]


def _conflict(c: m.FieldConflict) -> MergeFieldConflict:
    return MergeFieldConflict(
        field=ClientMergeField(c.field),
        values=[
            MergeFieldValue(client_id=to_global_id("Client", i), value=str(v)) for i, v in c.values
        ],
        chosen_client_id=to_global_id("Client", c.chosen_client_id),
    )


def _counts(c: m.MergeCounts) -> MergeCounts:
    return MergeCounts(
        contacts=c.contacts,
        addresses=c.addresses,
        attribute_values=c.attribute_values,
        documents=c.documents,
        points_entries=c.points_entries,
    )


@strawberry.type
class MergeClientsPreviewPayload:
    result: Client | None = strawberry.field(
        description="The survivor as the merge would leave it (its own children; `moves` "
        "counts those the merged clients would bring)."
    )
    conflicts: list[MergeFieldConflict]
    fields_from: list[MergeFieldSource] = strawberry.field(
        description="Fields the survivor would take from a merged client."
    )
    moves: MergeCounts | None
    user_errors: list[UserError]


@strawberry.type
class MergeClientsPayload:
    client: Client | None = strawberry.field(description="The survivor, merged.")
    merges: list[ClientMerge] = strawberry.field(description="One record per merged client.")
    conflicts: list[MergeFieldConflict]
    moved: MergeCounts | None
    user_errors: list[UserError] = strawberry.field(
        description="Why the merge was refused; empty on success. Nothing is written when "
        "not empty."
    )


def _request(input: MergeClientsInput) -> tuple[int, list[int], dict[str, int]]:
    """Global ids to local ones, every bad one reported; lists bounded before parsing."""
    choices = input.fields_from or []
    if len(input.merged_ids) > merge_plan.MAX_MERGED:
        raise InvalidInput.single(
            "merged_ids", f"give 1 to {merge_plan.MAX_MERGED} clients to merge", "OUT_OF_RANGE"
        )
    if len(choices) > len(ClientMergeField):
        raise InvalidInput.single("fields_from", "names a field more than once", "INVALID")
    ids = Ids()
    survivor = ids.local(input.survivor_id, "Client", "survivor_id")
    merged = [ids.local(g, "Client", f"merged_ids[{i}]") for i, g in enumerate(input.merged_ids)]
    fields: dict[str, int] = {}
    for i, choice in enumerate(choices):
        if choice.field.value in fields:
            ids.errors.append(
                FieldError(f"fields_from[{i}].field", "names a field more than once", "INVALID")
            )
        fields[choice.field.value] = ids.local(
            choice.client_id, "Client", f"fields_from[{i}].client_id"
        )
    ids.check()
    return survivor, merged, fields


async def _client(info: GqlInfo, entity: m.Client, name: str) -> Client | None:
    selections = _sub_selections(info, name)
    return None if selections is None else await build.build_one(info, entity, selections)


@strawberry.type
class ClientMergeMutation:
    @strawberry.mutation(
        description="What mergeClients would do with the same input, without writing: the "
        "survivor's fields as they would be, the conflicts and what would move."
    )
    async def merge_clients_preview(
        self, info: GqlInfo, input: MergeClientsInput
    ) -> MergeClientsPreviewPayload:
        caller = await info.context.principal()
        svc = info.context.services.clients

        async def run() -> m.MergePlan:
            survivor, merged, fields = _request(input)
            return await svc.preview_merge(caller, survivor, merged, fields)

        planned, errors = await attempt(run)
        if planned is None:
            return MergeClientsPreviewPayload(
                result=None, conflicts=[], fields_from=[], moves=None, user_errors=errors
            )
        return MergeClientsPreviewPayload(
            result=await _client(info, planned.result, "result"),
            conflicts=[_conflict(c) for c in planned.conflicts],
            fields_from=_sources(planned.field_sources),
            moves=_counts(planned.counts),
            user_errors=[],
        )

    @strawberry.mutation(
        description="Merge clients into a survivor, in one transaction: their contacts, "
        "addresses, attribute values, documents (with payments) and points entries move to "
        "it, the chosen fields are applied, the points balances are added up (never below 0) "
        "and the merge is recorded. Merged clients leave every list; `clientMerge` finds them."
    )
    async def merge_clients(self, info: GqlInfo, input: MergeClientsInput) -> MergeClientsPayload:
        caller = await info.context.principal()
        svc = info.context.services.clients

        async def run() -> tuple[m.MergePlan, list[m.MergeRecord]]:
            survivor, merged, fields = _request(input)
            return await svc.merge(caller, survivor, merged, fields)

        done, errors = await attempt(run)
        if done is None:
            return MergeClientsPayload(
                client=None, merges=[], conflicts=[], moved=None, user_errors=errors
            )
        planned, records = done
        return MergeClientsPayload(
            client=await _client(info, planned.result, "client"),
            merges=[ClientMerge.of(r) for r in records],
            conflicts=[_conflict(c) for c in planned.conflicts],
            moved=_counts(planned.counts),
            user_errors=[],
        )


@strawberry.type
class ClientMergeQuery:
    @strawberry.field(
        description="How a client was merged into another (its survivor included); null when "
        "the client was not merged or is not the account's."
    )
    async def client_merge(self, info: GqlInfo, merged_id: strawberry.ID) -> ClientMerge | None:
        caller = await info.context.principal()
        client_id = local_id(merged_id, "Client", "merged_id")
        try:
            record = await info.context.services.clients.merge_record(caller, client_id)
        except NotFound:
            return None
        return ClientMerge.of(record)
