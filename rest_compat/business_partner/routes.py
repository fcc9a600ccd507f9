"""Routes of the BusinessPartner dialect. Each handler gets the authenticated caller (the
credentials are checked before anything else of the request) and raises what it cannot answer:
``errors.EXCEPTION_HANDLERS`` turns each exception class into the dialect's error body."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route, request_response

from core.accounts.model import FaceName, Principal
from core.partners.model import PartnerFilter, RoleKind
from core.partners.service import PartnerService
from core.shared.pagination import OffsetPage
from httpkit.auth import authenticate
from httpkit.base_url import base_url
from httpkit.dialects import Dialect
from httpkit.face import Face
from httpkit.json import json_body
from httpkit.services import FaceServices
from rest_compat.business_partner.bodies import (
    parse_assignments,
    parse_create_body,
    parse_partner,
)
from rest_compat.business_partner.errors import EXCEPTION_HANDLERS, handled, last_resort
from rest_compat.business_partner.params import date_param, paging, path_param
from rest_compat.business_partner.render import error_body, respond
from rest_compat.business_partner.serializers import (
    contact_row_json,
    pagination,
    partner_json,
)

CREATED_MESSAGE = "BusinessPartner message created successfully and dispatched to the queue."
STATUS_PATH = "/api/database/v1/message/status/{message_id}"
_MAX_BODY = 8 * 1024 * 1024

Handler = Callable[[Request, Principal], Awaitable[Response]]


class _Routes:
    """The dialect's handlers over the partners context's services."""

    def __init__(self, partners: PartnerService) -> None:
        self.partners = partners

    async def _partner_list(
        self, request: Request, caller: Principal, flt: PartnerFilter, *, empty_is_204: bool
    ) -> Response:
        page, size = paging(request)
        result, related = await self.partners.reads.page(caller, flt, page, size)
        if empty_is_204 and result.total == 0:
            return Response(status_code=204)
        return respond(
            request,
            {
                "data": [partner_json(p, related) for p in result.items],
                "pagination": pagination(request, result),
            },
        )

    async def get_partners(self, request: Request, caller: Principal) -> Response:
        return await self._partner_list(request, caller, PartnerFilter(), empty_is_204=False)

    async def updated_from(self, request: Request, caller: Principal) -> Response:
        flt = PartnerFilter(updated_since=date_param(request))
        return await self._partner_list(request, caller, flt, empty_is_204=False)

    async def get_clients(self, request: Request, caller: Principal) -> Response:
        flt = PartnerFilter(role_kind=RoleKind.CLIENT)
        return await self._partner_list(request, caller, flt, empty_is_204=True)

    async def get_agents(self, request: Request, caller: Principal) -> Response:
        flt = PartnerFilter(role_kind=RoleKind.AGENT)
        return await self._partner_list(request, caller, flt, empty_is_204=True)

    async def clients_of_agents(self, request: Request, caller: Principal) -> Response:
        page, size = paging(request)
        result = await self.partners.reads.agents_with_clients(caller, page, size)
        if result.total == 0:
            return Response(status_code=204)
        data = [
            {
                "companyId": str(entry.agent.company_id),
                "agentId": str(entry.agent.id),
                "clients": [{"id": str(c)} for c in entry.client_ids],
            }
            for entry in result.items
        ]
        return respond(request, {"data": data, "pagination": pagination(request, result)})

    @staticmethod
    def _catalog_page(request: Request, rows: list[dict[str, Any]]) -> Response:
        page, size = paging(request)
        offset = (page - 1) * size
        result = OffsetPage(
            items=rows[offset : offset + size], total=len(rows), limit=size, offset=offset
        )
        return respond(
            request, {"data": list(result.items), "pagination": pagination(request, result)}
        )

    async def statuses(self, request: Request, caller: Principal) -> Response:
        catalogs = await self.partners.catalogs.get(caller)
        rows = [
            {"id": str(s.id), "idRemote": s.id_remote, "description": s.description}
            for s in catalogs.statuses
        ]
        return self._catalog_page(request, rows)

    async def contact_types(self, request: Request, caller: Principal) -> Response:
        catalogs = await self.partners.catalogs.get(caller)
        rows = [{"id": str(t.id), "value": t.value} for t in catalogs.contact_types]
        return self._catalog_page(request, rows)

    async def contacts(self, request: Request, caller: Principal) -> Response:
        page, size = paging(request)
        found = await self.partners.reads.contacts_page(caller, page, size)
        data = [
            contact_row_json(
                c, found.partners.get(c.partner_id), found.methods.get(c.id, []), found.catalogs
            )
            for c in found.page.items
        ]
        return respond(request, {"data": data, "pagination": pagination(request, found.page)})

    async def create(self, request: Request, caller: Principal) -> Response:
        items = parse_create_body(await json_body(request, _MAX_BODY))
        message = await self.partners.queue.enqueue_create(caller, items)
        base = base_url(request)
        body = {
            "code": 201,
            "message": CREATED_MESSAGE,
            "statusUrl": base + STATUS_PATH.format(message_id=message.public_id),
        }
        return respond(request, body, 201)

    async def message_status(self, request: Request, caller: Principal) -> Response:
        message = await self.partners.queue.message(caller, path_param(request, "message_id"))
        return respond(
            request,
            {
                "data": [{"status": message.status.value, "errorMessage": message.error_message}],
                "pagination": {
                    "totalItems": 1,
                    "itemsPerPage": 10,
                    "currentPage": 1,
                    "totalPages": 1,
                    "nextPageUrl": None,
                },
            },
        )

    async def assign(self, request: Request, caller: Principal) -> Response:
        assignments = parse_assignments(await json_body(request, _MAX_BODY))
        count = await self.partners.writes.assign_clients(caller, assignments)
        return respond(
            request,
            {"code": 200, "message": f"{count} client(s) assigned to the agent successfully."},
        )

    async def update(self, request: Request, caller: Principal) -> Response:
        item = parse_partner(await json_body(request, _MAX_BODY), full=False)
        view = await self.partners.writes.update(caller, path_param(request, "ref"), item)
        return respond(
            request,
            {
                "code": 200,
                "message": "BusinessPartner updated successfully.",
                "data": [partner_json(view.partner, view.related)],
            },
        )

    async def delete(self, request: Request, caller: Principal) -> Response:
        await self.partners.writes.delete(caller, path_param(request, "ref"))
        return respond(request, {"code": 200, "message": "BusinessPartner deleted successfully."})


def _authenticated(
    services: FaceServices, handler: Handler
) -> Callable[[Request], Awaitable[Response]]:
    """The handler with its caller: credentials are checked before the request is read."""

    async def endpoint(request: Request) -> Response:
        return await handler(
            request, await authenticate(request, services.accounts, FaceName.BUSINESS_PARTNER)
        )

    return endpoint


def face(services: FaceServices) -> Face:
    r = _Routes(services.partners)

    def route(path: str, handler: Handler, method: str = "GET") -> Route:
        return Route(path, _authenticated(services, handler), methods=[method])

    # The dialect's paths live in a sub-application, so that unknown paths and wrong methods
    # under /BusinessPartner also answer in the dialect's error body.
    dialect = Starlette(
        routes=[
            route("/getBPartner", r.get_partners),
            route("/updatedFrom", r.updated_from),
            route("/getBPartnerStatus", r.statuses),
            route("/getClients", r.get_clients),
            route("/getAgents", r.get_agents),
            route("/getClientsAssignedToAgent", r.clients_of_agents),
            route("/getContacts", r.contacts),
            route("/getContactTypes", r.contact_types),
            route("/create", r.create, "POST"),
            route("/assignClientsToAgent", r.assign, "POST"),
            route("/update/{ref:path}", r.update, "PUT"),
            route("/delete/{ref:path}", r.delete, "DELETE"),
        ],
        exception_handlers=dict(EXCEPTION_HANDLERS),
        middleware=[last_resort()],
    )
    # The status URL is a route of the main application (its path is outside the dialect's
    # prefix); its answers, errors included, are the dialect's all the same.
    status = handled(request_response(_authenticated(services, r.message_status)))
    routes: list[BaseRoute] = [
        Mount("/BusinessPartner", app=dialect),
        Route(STATUS_PATH, status, methods=["GET"]),
    ]
    errors = Dialect("business_partner", ("/BusinessPartner/", "/api/database/"), error_body)
    return Face("business_partner", routes, (errors,))
