"""Pure rules of a merge: what a request may ask, and the survivor it produces.

A field keeps the survivor's value unless ``fields_from`` names another of the clients for it;
a field the survivor leaves empty (null or "") takes the first non-empty value among the merged
clients, in the order given. Fields the clients hold different non-empty values of are listed
as conflicts, with the value kept. The points balance is the sum of the clients' balances,
never below zero.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from core.clients.model import MERGE_FIELDS, Client, FieldConflict, MergeCounts, MergePlan
from core.shared.errors import FieldError, InvalidInput

MAX_MERGED = 10
"""Most clients merged into a survivor at once."""


def check_request(
    survivor_id: int, merged_ids: Sequence[int], fields_from: Mapping[str, int]
) -> None:
    """Bounds and shape: 1 to MAX_MERGED distinct merged ids, none the survivor; known field
    names, each taken from one of the clients named. Every problem reported at once."""
    errors: list[FieldError] = []
    if not 1 <= len(merged_ids) <= MAX_MERGED:
        errors.append(
            FieldError("merged_ids", f"give 1 to {MAX_MERGED} clients to merge", "OUT_OF_RANGE")
        )
    if len(set(merged_ids)) != len(merged_ids):
        errors.append(FieldError("merged_ids", "names a client twice", "INVALID"))
    if survivor_id in merged_ids:
        errors.append(FieldError("merged_ids", "a client cannot be merged into itself", "INVALID"))
    named = {survivor_id, *merged_ids}
    for index, (name, client_id) in enumerate(fields_from.items()):
        if name not in MERGE_FIELDS:
            errors.append(
                FieldError(f"fields_from[{index}].field", "is not a mergeable field", "INVALID")
            )
        if client_id not in named:
            errors.append(
                FieldError(
                    f"fields_from[{index}].client_id",
                    "must be the survivor or one of the merged clients",
                    "INVALID",
                )
            )
    if errors:
        raise InvalidInput(errors)


def _empty(value: object) -> bool:
    return value is None or value == ""


def _source(field: str, clients: Sequence[Client], fields_from: Mapping[str, int]) -> Client:
    chosen = fields_from.get(field)
    if chosen is not None:
        return next(c for c in clients if c.id == chosen)
    survivor = clients[0]
    if not _empty(getattr(survivor, field)):
        return survivor
    return next((c for c in clients[1:] if not _empty(getattr(c, field))), survivor)


def _conflict(field: str, clients: Sequence[Client], source: Client) -> FieldConflict | None:
    values = tuple((c.id, getattr(c, field)) for c in clients if not _empty(getattr(c, field)))
    if len({v for _, v in values}) < 2:
        return None
    return FieldConflict(field, values, source.id)


def plan(
    survivor: Client,
    merged: Sequence[Client],
    fields_from: Mapping[str, int],
    counts: MergeCounts,
) -> MergePlan:
    clients = [survivor, *merged]
    changed: dict[str, object] = {}
    sources: dict[str, int] = {}
    conflicts: list[FieldConflict] = []
    for field in MERGE_FIELDS:
        source = _source(field, clients, fields_from)
        conflict = _conflict(field, clients, source)
        if conflict is not None:
            conflicts.append(conflict)
        if source.id != survivor.id:
            sources[field] = source.id
            changed[field] = getattr(source, field)
            if field == "code":
                changed["code_valid"] = source.code_valid
    changed["points"] = max(0.0, sum(c.points for c in clients))
    return MergePlan(
        result=replace(survivor, **changed),  # type: ignore[arg-type]
        merged=list(merged),
        field_sources=sources,
        conflicts=conflicts,
        counts=counts,
    )


def survivor_values(result: Client, survivor: Client) -> dict[str, object]:
    """The columns a merge writes on the survivor: what differs from the row as it is."""
    names = (*MERGE_FIELDS, "code_valid", "points")
    return {n: getattr(result, n) for n in names if getattr(result, n) != getattr(survivor, n)}
