"""Endpoints of the Bsale ``/v1`` dialect. Each one authenticates, parses, calls
``services.clients`` once and serialises; errors are the sub-application's handlers' job."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from core.accounts.model import FaceName, Principal
from core.clients.model import AddressFilter, CatalogKind, ClientFilter
from core.clients.rules import merge_district
from core.shared.errors import InvalidInput
from core.shared.pagination import OffsetPage
from httpkit.auth import authenticate
from httpkit.base_url import base_url
from httpkit.json import JSONResponse, json_body
from httpkit.services import FaceServices
from rest_compat.bsale import bodies
from rest_compat.bsale.errors import FlavouredInvalidInput
from rest_compat.bsale.params import Query, allowed, bad, path_id
from rest_compat.bsale.serializers import CLIENT_FIELDS, Flavour, Out, envelope

Endpoint = Callable[[Request], Awaitable[Response]]
Handler = Callable[[Request, "Call"], Awaitable[Response]]

_PAGING = ("limit", "offset")
_CLIENT_FILTERS = (
    "code",
    "firstname",
    "lastname",
    "email",
    "paymenttypeid",
    "salesconditionid",
    "state",
)
_LIST_CLIENTS = allowed(_PAGING, _CLIENT_FILTERS, ("fields", "expand"))
_GET_CLIENT = allowed(("fields", "expand"))
_COUNT = allowed(_CLIENT_FILTERS)
_UNPAID = allowed(("clientid", "code", "comparisondate"))
_ADDRESS_FILTERS = allowed(_PAGING, ("address", "city", "district", "municipality", "state"))
_PAGED = allowed(_PAGING)
_NONE: frozenset[str] = frozenset()

EXPAND_NAMES = {
    n: n
    for n in ("contacts", "attributes", "addresses", "payment_type", "price_list", "sale_condition")
}
_CATALOG_ROUTES = {
    "payment_types": CatalogKind.PAYMENT_TYPE,
    "price_lists": CatalogKind.PRICE_LIST,
    "sale_conditions": CatalogKind.SALE_CONDITION,
}


def _field_names(flavour: Flavour) -> dict[str, str]:
    """Lower-cased accepted names → output keys. Peru answers both district keys, so each
    name keeps its own; elsewhere either name means ``municipality``."""
    names = {f.lower(): f for f in CLIENT_FIELDS}
    names["municipality"] = flavour.alias
    names["district"] = flavour.value
    return names


_FIELD_NAMES = {flavour: _field_names(flavour) for flavour in Flavour}


def _kept(fields: list[str], expand: list[str]) -> list[str]:
    """The keys ``fields=[..]`` keeps: ``href`` and ``id`` always, and what was expanded."""
    return ["href", "id", *(f for f in fields if f not in ("href", "id", *expand)), *expand]


@dataclass(frozen=True)
class Call:
    """Who is calling and how their answers are written (the flavour, absolute hrefs)."""

    caller: Principal
    out: Out

    @classmethod
    def of(cls, request: Request, caller: Principal) -> Call:
        v1 = base_url(request) + "/v1"
        return cls(caller, Out(v1, Flavour.of(caller.account.country)))


class BsaleApi:
    """The handlers, closed over the shared services."""

    def __init__(self, services: FaceServices) -> None:
        self.services = services
        self.clients = services.clients

    # -- clients ------------------------------------------------------------------------------

    async def list_clients(self, request: Request, call: Call) -> Response:
        caller, out = call.caller, call.out
        q = Query(request, _LIST_CLIENTS)
        limit, offset = q.paging()
        fields = q.name_list("fields", _FIELD_NAMES[out.flavour])
        expand = q.name_list("expand", EXPAND_NAMES) or []
        flt = self._client_filter(q)
        page, related = await self.clients.list_clients(caller, flt, limit, offset, expand)
        client = out.client
        items = [client(c, related, expand) for c in page.items]
        if fields is not None:
            keep = _kept(fields, expand)
            items = [{k: d[k] for k in keep if k in d} for d in items]
        nxt = q.next_url(request, limit, offset) if page.has_next else None
        return JSONResponse(envelope(f"{out.v1}/clients.json", page, items, nxt))

    @staticmethod
    def _client_filter(q: Query) -> ClientFilter:
        return ClientFilter(
            code=q.text("code"),
            first_name=q.text("firstname"),
            last_name=q.text("lastname"),
            email=q.text("email"),
            payment_type_id=q.ident("paymenttypeid"),
            sale_condition_id=q.ident("salesconditionid"),
            state=q.flag("state"),
        )

    async def count_clients(self, request: Request, call: Call) -> Response:
        caller = call.caller
        flt = self._client_filter(Query(request, _COUNT))
        return JSONResponse({"count": await self.clients.count(caller, flt)})

    async def create_client(self, request: Request, call: Call) -> Response:
        caller, out = call.caller, call.out
        Query(request, _NONE)
        changes = bodies.client_changes(await json_body(request))
        client = await self.clients.create(caller, changes)
        return JSONResponse(out.client(client), status_code=201)

    async def get_client(self, request: Request, call: Call) -> Response:
        caller, out = call.caller, call.out
        client_id = path_id(request.path_params["client_id"], "client", "client_id")
        q = Query(request, _GET_CLIENT)
        fields = q.name_list("fields", _FIELD_NAMES[out.flavour])
        expand = q.name_list("expand", EXPAND_NAMES) or []
        # Through the page query so catalogs ride on the same statement; a limit of 2 lets
        # the service see the last page and skip the count.
        page, related = await self.clients.list_clients(
            caller, ClientFilter(ids=(client_id,)), 2, 0, expand
        )
        if not page.items:
            raise await self.clients.not_found(caller, client_id)  # names a merge's survivor
        d = out.client(page.items[0], related, expand)
        if fields is not None:
            d = {k: d[k] for k in _kept(fields, expand) if k in d}
        return JSONResponse(d)

    async def update_client(self, request: Request, call: Call) -> Response:
        caller, out = call.caller, call.out
        client_id = path_id(request.path_params["client_id"], "client", "client_id")
        Query(request, _NONE)
        changes = bodies.client_changes(await json_body(request), client_id)
        client = await self.clients.update(caller, client_id, changes)
        return JSONResponse(out.client(client))

    async def delete_client(self, request: Request, call: Call) -> Response:
        caller, out = call.caller, call.out
        client_id = path_id(request.path_params["client_id"], "client", "client_id")
        Query(request, _NONE)
        return JSONResponse(out.client(await self.clients.deactivate(caller, client_id)))

    async def unpaid_documents(self, request: Request, call: Call) -> Response:
        caller, out = call.caller, call.out
        q = Query(request, _UNPAID)
        summary = await self.clients.unpaid_summary(
            caller,
            client_id=q.ident("clientid"),
            code=q.text("code"),
            comparison_date=q.epoch("comparisondate"),
        )
        return JSONResponse(out.unpaid(summary))

    async def points(self, request: Request, call: Call) -> Response:
        caller = call.caller
        Query(request, _NONE)
        op, client_id, points, description, order_id = bodies.points_change(
            await json_body(request)
        )
        entry = await self.clients.change_points(
            caller, client_id, op, points, description, order_id
        )
        return JSONResponse(
            {
                "type": int(op),
                "clientId": client_id,
                "description": description,
                "points": points,
                "orderId": order_id,
                "balance": entry.balance,
                "pointsUpdated": entry.created_at,
            }
        )

    # -- contacts -----------------------------------------------------------------------------

    async def list_contacts(self, request: Request, call: Call) -> Response:
        caller, out = call.caller, call.out
        client_id = path_id(request.path_params["client_id"], "client", "client_id")
        q = Query(request, _PAGED)
        limit, offset = q.paging()
        page = await self.clients.list_contacts(caller, client_id, limit, offset)
        base = f"{out.clients}{client_id}"
        items = [out.contact(x, base) for x in page.items]
        nxt = q.next_url(request, limit, offset) if page.has_next else None
        return JSONResponse(envelope(f"{base}/contacts.json", page, items, nxt))

    async def add_contact(self, request: Request, call: Call) -> Response:
        caller, out = call.caller, call.out
        client_id = path_id(request.path_params["client_id"], "client", "client_id")
        Query(request, _NONE)
        values = bodies.contact_values(await json_body(request))
        contact = await self.clients.add_contact(caller, client_id, values)
        return JSONResponse(out.contact(contact), status_code=201)

    def _contact_ids(self, request: Request) -> tuple[int, int]:
        client_id = path_id(request.path_params["client_id"], "client", "client_id")
        return client_id, path_id(request.path_params["contact_id"], "contact", "contact_id")

    async def get_contact(self, request: Request, call: Call) -> Response:
        caller, out = call.caller, call.out
        client_id, contact_id = self._contact_ids(request)
        Query(request, _NONE)
        return JSONResponse(
            out.contact(await self.clients.get_contact(caller, client_id, contact_id))
        )

    async def update_contact(self, request: Request, call: Call) -> Response:
        caller, out = call.caller, call.out
        client_id, contact_id = self._contact_ids(request)
        Query(request, _NONE)
        values = bodies.contact_values(await json_body(request))
        contact = await self.clients.update_contact(caller, client_id, contact_id, values)
        return JSONResponse(out.contact(contact))

    async def delete_contact(self, request: Request, call: Call) -> Response:
        caller = call.caller
        client_id, contact_id = self._contact_ids(request)
        Query(request, _NONE)
        await self.clients.delete_contact(caller, client_id, contact_id)
        return Response(status_code=204)

    # -- addresses ----------------------------------------------------------------------------

    async def list_addresses(self, request: Request, call: Call) -> Response:
        caller, out = call.caller, call.out
        client_id = path_id(request.path_params["client_id"], "client", "client_id")
        q = Query(request, _ADDRESS_FILTERS)
        limit, offset = q.paging()
        districts: dict[str, object] = {
            n: v for n in ("district", "municipality") if (v := q.text(n))
        }
        if merge_district(districts) is not None:
            raise bad("municipality", "district and municipality name the same filter; they differ")
        flt = AddressFilter(
            address=q.text("address"),
            city=q.text("city"),
            district=str(districts["district"]) if "district" in districts else None,
            state=q.flag("state"),
        )
        page = await self.clients.list_addresses(caller, client_id, flt, limit, offset)
        base = f"{out.clients}{client_id}"
        items = [out.address(x, base) for x in page.items]
        nxt = q.next_url(request, limit, offset) if page.has_next else None
        return JSONResponse(envelope(f"{base}/addresses.json", page, items, nxt))

    async def add_address(self, request: Request, call: Call) -> Response:
        caller, out = call.caller, call.out
        client_id = path_id(request.path_params["client_id"], "client", "client_id")
        Query(request, _NONE)
        values = bodies.address_values(await json_body(request), allow_state=False)
        address = await self.clients.add_address(caller, client_id, values)
        return JSONResponse(out.address(address), status_code=201)

    def _address_ids(self, request: Request) -> tuple[int, int]:
        client_id = path_id(request.path_params["client_id"], "client", "client_id")
        return client_id, path_id(request.path_params["address_id"], "address", "address_id")

    async def get_address(self, request: Request, call: Call) -> Response:
        caller, out = call.caller, call.out
        client_id, address_id = self._address_ids(request)
        Query(request, _NONE)
        return JSONResponse(
            out.address(await self.clients.get_address(caller, client_id, address_id))
        )

    async def update_address(self, request: Request, call: Call) -> Response:
        caller, out = call.caller, call.out
        client_id, address_id = self._address_ids(request)
        Query(request, _NONE)
        values = bodies.address_values(await json_body(request), allow_state=True)
        address = await self.clients.update_address(caller, client_id, address_id, values)
        return JSONResponse(out.address(address))

    async def delete_address(self, request: Request, call: Call) -> Response:
        caller, out = call.caller, call.out
        client_id, address_id = self._address_ids(request)
        Query(request, _NONE)
        address = await self.clients.deactivate_address(caller, client_id, address_id)
        return JSONResponse(out.address(address))

    # -- attributes, catalogs, documents ------------------------------------------------------

    async def client_attributes(self, request: Request, call: Call) -> Response:
        caller, out = call.caller, call.out
        client_id = path_id(request.path_params["client_id"], "client", "client_id")
        q = Query(request, _PAGED)
        limit, offset = q.paging()
        values = await self.clients.client_attributes(caller, client_id)
        # A client has a handful of attributes: one query for all of them, sliced here.
        page = OffsetPage(
            items=values[offset : offset + limit], total=len(values), limit=limit, offset=offset
        )
        items = [out.attribute_value(x) for x in page.items]
        nxt = q.next_url(request, limit, offset) if page.has_next else None
        href = f"{out.clients}{client_id}/attributes.json"
        return JSONResponse(envelope(href, page, items, nxt))

    async def list_dynamic_attributes(self, request: Request, call: Call) -> Response:
        caller, out = call.caller, call.out
        q = Query(request, _PAGED)
        limit, offset = q.paging()
        page = await self.clients.list_attribute_definitions(caller, limit, offset)
        items = [out.dynamic_attribute(x) for x in page.items]
        nxt = q.next_url(request, limit, offset) if page.has_next else None
        return JSONResponse(envelope(f"{out.v1}/dynamic_attributes.json", page, items, nxt))

    async def get_dynamic_attribute(self, request: Request, call: Call) -> Response:
        caller, out = call.caller, call.out
        attr_id = path_id(request.path_params["item_id"], "dynamic attribute")
        Query(request, _NONE)
        attr = await self.clients.get_attribute_definition(caller, attr_id)
        return JSONResponse(out.dynamic_attribute(attr))

    def catalog_handlers(self, path: str, kind: CatalogKind) -> tuple[Handler, Handler]:
        entity = kind.value.replace("_", " ")

        async def list_items(request: Request, call: Call) -> Response:
            caller, out = call.caller, call.out
            q = Query(request, _PAGED)
            limit, offset = q.paging()
            page = await self.clients.list_catalog(caller, kind, limit, offset)
            items = [out.catalog(x, path) for x in page.items]
            nxt = q.next_url(request, limit, offset) if page.has_next else None
            return JSONResponse(envelope(f"{out.v1}/{path}.json", page, items, nxt))

        async def get_item(request: Request, call: Call) -> Response:
            caller, out = call.caller, call.out
            item_id = path_id(request.path_params["item_id"], entity)
            Query(request, _NONE)
            item = await self.clients.get_catalog_item(caller, kind, item_id)
            return JSONResponse(out.catalog(item, path))

        return list_items, get_item

    async def get_document(self, request: Request, call: Call) -> Response:
        caller, out = call.caller, call.out
        doc_id = path_id(request.path_params["item_id"], "document")
        Query(request, _NONE)
        return JSONResponse(out.document_full(await self.clients.get_document(caller, doc_id)))


def _dispatch(services: FaceServices, handlers: dict[str, Handler]) -> Endpoint:
    """One route per path, so a wrong method answers 405 with the path's full ``Allow``.
    The caller is authenticated first; input errors raised while serving it carry its
    flavour, which words their field names (``district`` or ``municipality``)."""
    if "GET" in handlers:
        handlers = {**handlers, "HEAD": handlers["GET"]}

    async def handle(request: Request) -> Response:
        call = Call.of(request, await authenticate(request, services.accounts, FaceName.BSALE))
        try:
            return await handlers[request.method](request, call)
        except InvalidInput as exc:
            raise FlavouredInvalidInput(exc.errors, call.out.flavour) from exc

    return handle


def bsale_routes(services: FaceServices) -> list[BaseRoute]:
    """Every path of the dialect, relative to ``/v1``, the busiest first (routes are tried in
    order; an ``{id}`` is digits, so no fixed name such as ``count`` can match it)."""
    api = BsaleApi(services)
    client = "/clients/{client_id:digits}"
    table: list[tuple[str, dict[str, Handler]]] = [
        (
            client + ".json",
            {"GET": api.get_client, "PUT": api.update_client, "DELETE": api.delete_client},
        ),
        ("/clients.json", {"GET": api.list_clients, "POST": api.create_client}),
        ("/clients/count.json", {"GET": api.count_clients}),
        ("/clients/unpaid_documents.json", {"GET": api.unpaid_documents}),
        ("/clients/points.json", {"PUT": api.points}),
        (client + "/contacts.json", {"GET": api.list_contacts, "POST": api.add_contact}),
        (
            client + "/contacts/{contact_id:digits}.json",
            {"GET": api.get_contact, "PUT": api.update_contact, "DELETE": api.delete_contact},
        ),
        (client + "/addresses.json", {"GET": api.list_addresses, "POST": api.add_address}),
        (
            client + "/addresses/{address_id:digits}.json",
            {"GET": api.get_address, "PUT": api.update_address, "DELETE": api.delete_address},
        ),
        (client + "/attributes.json", {"GET": api.client_attributes}),
        ("/dynamic_attributes.json", {"GET": api.list_dynamic_attributes}),
        ("/dynamic_attributes/{item_id:digits}.json", {"GET": api.get_dynamic_attribute}),
        ("/documents/{item_id:digits}.json", {"GET": api.get_document}),
    ]
    for path, kind in _CATALOG_ROUTES.items():
        list_items, get_item = api.catalog_handlers(path, kind)
        table.append((f"/{path}.json", {"GET": list_items}))
        table.append((f"/{path}/{{item_id:digits}}.json", {"GET": get_item}))
    return [Route(path, _dispatch(services, h), methods=list(h)) for path, h in table]
