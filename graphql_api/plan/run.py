"""Running a plan: root arguments read as stock execution reads them, one projected read per
root field (one statement per relation level), and the response written from the rows.

Anything stock execution would answer with an error (a bad id, cursor or page size, a
domain error from the service) raises; the executor then answers the whole operation the
stock way, which reports it. Queries only read, so starting over is safe.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from graphql.execution.values import VariableValues, get_argument_values

from core.clients.model import ClientSortField, ProjectedRows, Projection
from core.partners.model import ProjectedPartners
from core.resellers.model import ProjectedOnboarded
from graphql_api.clients.cursors import decode_cursor, encode_key
from graphql_api.clients.queries import ClientFilterInput, to_filter
from graphql_api.context import Context
from graphql_api.plan import compile as p
from graphql_api.plan import ledger
from graphql_api.plan.codegen import ClientWriter
from graphql_api.plan.onboarded import run_onboarded
from graphql_api.plan.partners import run_partners
from graphql_api.plan.values import Unplannable, given_fields
from graphql_api.relay import from_global_id, local_id

Row = tuple[Any, ...]
Children = dict[str, dict[int, list[Row]]]
_FILTER_FIELDS = {
    "code": "code",
    "firstName": "first_name",
    "lastName": "last_name",
    "email": "email",
    "paymentTypeId": "payment_type_id",
    "saleConditionId": "sale_condition_id",
    "state": "state",
}
_SORT_INDEX = {
    ClientSortField.ID: 0,
    **{ClientSortField(name): None for name in p.CURSOR_COLUMNS},
}


def _grouped(found: ProjectedRows | ProjectedPartners) -> Children:
    children: Children = {}
    for relation, rows in found.children.items():
        by_client: dict[int, list[Row]] = {}
        for row in rows:
            by_client.setdefault(row[0], []).append(row)
        children[relation] = by_client
    return children


def _client_filter(value: dict[str, Any] | None) -> Any:
    if value is None:
        return to_filter(None)
    return to_filter(ClientFilterInput(**given_fields(value, _FILTER_FIELDS)))


def window(root: p.RootField, args: dict[str, Any]) -> tuple[int, str | None, bool]:
    """(size, cursor, backward) of a connection's Relay arguments; anything stock execution
    answers with an error is ``Unplannable``."""
    first, after, last, before = args["first"], args["after"], args["last"], args["before"]
    if last is None:
        if before is not None:
            raise Unplannable("before without last")
        return first, after, False
    if after is not None or any(a.name.value == "first" for a in root.node.arguments or ()):
        raise Unplannable("first and last")
    return last, before, True


class Runner:
    """Runs one plan for one request."""

    def __init__(self, context: Context, variables: VariableValues) -> None:
        self.context = context
        self.variables = variables

    async def run(self, plan: p.Plan) -> tuple[dict[str, Any], int]:
        """The answer's data, and how many objects it holds (the cost report's count)."""
        data: dict[str, Any] = {}
        objects = 0
        for root in plan.fields:
            if root.definition is None:
                data[root.key] = "Query"
                continue
            args = get_argument_values(root.definition, root.node, self.variables)
            if root.name == p.CLIENTS:
                data[root.key], count = await self._clients(root, args)
            elif root.name == p.BUSINESS_PARTNERS:
                data[root.key], count = await run_partners(
                    self.context, root, args, window(root, args), Page
                )
            elif root.name == p.ONBOARDED_ACCOUNTS:
                data[root.key], count = await run_onboarded(
                    self.context, root, args, window(root, args), Page
                )
            else:
                data[root.key], count = await self._one(root, args)
            objects += count
        return data, objects

    async def _one(
        self, root: p.RootField, args: dict[str, Any]
    ) -> tuple[dict[str, Any] | None, int]:
        services = self.context.services.clients
        caller = await self.context.principal()
        assert isinstance(root.projection, Projection)
        argued = ledger.arguments(root, self.variables)
        limits = ledger.limits(argued)
        if root.name == p.CLIENT_BY_CODE:
            found = await services.projected_by_code(caller, args["code"], root.projection, limits)
        else:
            if root.name == p.NODE_FIELD and from_global_id(args["id"])[0] != "Client":
                raise Unplannable("node of another type")
            client_id = local_id(args["id"], "Client")
            found = await services.projected_by_ids(caller, [client_id], root.projection, limits)
        if not found.rows:
            return None, 0
        client: ClientWriter = root.entries[0][2]
        row, children = found.rows[0], ledger.fill(_grouped(found), argued, found, services)
        return client.write(row, children), client.count(row, children)

    async def _clients(self, root: p.RootField, args: dict[str, Any]) -> tuple[dict[str, Any], int]:
        size, cursor, backward = window(root, args)
        sort_input = args["sort"] or {}
        sort = ClientSortField(getattr(sort_input.get("field"), "value", "id"))
        if sort is ClientSortField.RELEVANCE:  # a search's order: the stock way
            raise Unplannable("relevance order")
        descending = getattr(sort_input.get("direction"), "value", "asc") == "desc"
        flt = _client_filter(args["filter"])
        key = None
        if cursor is not None:
            key = decode_cursor(cursor, sort, descending, "before" if backward else "after")
        caller = await self.context.principal()
        assert isinstance(root.projection, Projection)
        argued = ledger.arguments(root, self.variables)
        services = self.context.services.clients
        found = await services.projected_page(
            caller,
            flt,
            sort,
            descending,
            key,
            size,
            root.projection,
            backward=backward,
            limits=ledger.limits(argued),
        )
        at = _SORT_INDEX[sort]
        sort_at = root.projection.columns.index(sort.value) if at is None else at

        def write_cursor(row: Row) -> str:
            return encode_key(sort, descending, row[sort_at], row[0])

        page = Page(found, write_cursor, ledger.fill(_grouped(found), argued, found, services))
        out: dict[str, Any] = {}
        for entry_key, kind, a, _ in root.entries:
            if kind == p.TOTAL_COUNT:
                out[entry_key] = await self.context.services.clients.count(caller, flt)
            else:
                out[entry_key] = page.value(kind, a)
        return out, page.objects(root.entries)


class Page:
    """A connection's page (of clients or partners), written entry by entry; ``cursor``
    writes a row's cursor."""

    def __init__(
        self,
        found: ProjectedRows | ProjectedPartners | ProjectedOnboarded,
        cursor: Callable[[Row], str],
        children: Children | None = None,
    ) -> None:
        self.rows = found.rows
        self.found = found
        if children is None:
            assert not isinstance(found, ProjectedOnboarded)  # accounts have no children
            children = _grouped(found)
        self.children = children
        self.cursor = cursor

    def objects(self, entries: p.Entries) -> int:
        """The objects of the connection's answer: itself, its page infos, edges, nodes."""
        rows, children = self.rows, self.children
        count = 1
        for _, kind, a, _ in entries:
            if kind == p.PAGE_INFO:
                count += 1
            elif kind == p.NODES:
                count += sum(a.count(row, children) for row in rows)
            elif kind == p.EDGES:
                count += len(rows)
                for _, inner, node, _ in a:
                    if inner == p.NODE:
                        count += sum(node.count(row, children) for row in rows)
        return count

    def value(self, kind: int, a: Any) -> Any:
        rows, children = self.rows, self.children
        if kind == p.CONST:
            return a
        if kind == p.NODES:
            return [a.write(row, children) for row in rows]
        if kind == p.EDGES:
            return [self._edge(a, row) for row in rows]
        return {key: self._page_info(k, value) for key, k, value, _ in a}

    def _edge(self, entries: p.Entries, row: Row) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, kind, a, _ in entries:
            if kind == p.CURSOR:
                out[key] = self.cursor(row)
            elif kind == p.NODE:
                out[key] = a.write(row, self.children)
            else:
                out[key] = a
        return out

    def _page_info(self, kind: int, value: Any) -> Any:
        rows = self.rows
        if kind == p.HAS_NEXT:
            return self.found.has_next
        if kind == p.HAS_PREVIOUS:
            return self.found.has_previous
        if kind == p.START_CURSOR:
            return self.cursor(rows[0]) if rows else None
        if kind == p.END_CURSOR:
            return self.cursor(rows[-1]) if rows else None
        return value
