"""Client keyset cursors: ``[sort, direction, sort value, id]`` in the shared cursor codec
(``graphql_api.relay``).

The sort travels inside the cursor so a cursor taken under one order cannot silently
be applied to another (it would skip or repeat rows); such a cursor is refused.
"""

from __future__ import annotations

from core.clients.model import Client, ClientSortField
from core.clients.search import client_relevance
from core.shared.errors import InvalidInput
from core.shared.search import SearchQuery
from graphql_api.relay import decode_cursor as decode_values
from graphql_api.relay import encode_cursor as encode_values

_INT_SORTS = (
    ClientSortField.CREATED_AT,
    ClientSortField.UPDATED_AT,
    ClientSortField.ID,
    ClientSortField.RELEVANCE,
)


def sort_value(client: Client, sort: ClientSortField, search: SearchQuery | None) -> object:
    if sort is ClientSortField.ID:
        return client.id
    if sort is ClientSortField.RELEVANCE:
        # The tier is a function of the client's fields and the query: computed, not stored.
        return 0 if search is None else client_relevance(client, search)
    return getattr(client, sort.value)


def encode_cursor(
    client: Client, sort: ClientSortField, descending: bool, search: SearchQuery | None = None
) -> str:
    return encode_key(sort, descending, sort_value(client, sort, search), client.id)


def encode_key(sort: ClientSortField, descending: bool, value: object, client_id: int) -> str:
    """The cursor of the row with this sort value and id (GraphQL's planner has rows)."""
    direction = "desc" if descending else "asc"
    return encode_values([sort.value, direction, value, client_id])


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def decode_cursor(
    cursor: str, sort: ClientSortField, descending: bool, field: str = "after"
) -> tuple[object, int]:
    """``(sort value, id)`` for ``ClientService.page``; InvalidInput naming ``field`` on
    anything else."""
    cursor_sort, direction, value, last_id = decode_values(cursor, 4, field)
    if not _is_int(last_id):
        raise InvalidInput.single(field, "not a valid cursor", "INVALID")
    wanted = [sort.value, "desc" if descending else "asc"]
    if [cursor_sort, direction] != wanted:
        raise InvalidInput.single(
            field,
            f"the cursor was taken with sort {cursor_sort} {direction}, "
            f"not {wanted[0]} {wanted[1]}; restart pagination without `{field}`",
            "INVALID",
        )
    if not (_is_int(value) if sort in _INT_SORTS else isinstance(value, str)):
        raise InvalidInput.single(field, "not a valid cursor", "INVALID")
    return value, last_id
