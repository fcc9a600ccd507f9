"""Routes of the BusinessPartner dialect. Every handler goes through ``_endpoint``, which
authenticates the caller and turns expected failures into ``{"code": N, "error": "..."}``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount, Route

from core.accounts.model import Principal
from core.partners.errors import (
    BadParameter,
    InvalidFormat,
    ItemFailed,
    MissingParameter,
    RuleViolation,
    UnknownReference,
)
from core.partners.model import PartnerFilter, RoleKind
from core.partners.parsing import parse_assignments, parse_create_body, parse_partner
from core.partners.service import MAX_PAGE_SIZE
from core.shared.errors import (
    AuthenticationFailed,
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
)
from core.shared.pagination import OffsetPage
from httpkit.auth import authenticate
from httpkit.dialects import Dialect
from httpkit.face import Face
from httpkit.json import MalformedBody, json_body
from httpkit.logging import log
from httpkit.services import FaceServices
from rest_compat.business_partner.render import error, error_body, respond
from rest_compat.business_partner.serializers import (
    contact_row_json,
    pagination,
    partner_json,
)

DEFAULT_DATE = "1999-01-01 01:00:00"
CREATED_MESSAGE = "BusinessPartner message created successfully and dispatched to the queue."
STATUS_PATH = "/api/database/v1/message/status/{message_id}"
_DATE_FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d")
_MAX_BODY = 8 * 1024 * 1024
MAX_PAGE_NUMBER = 10**9  # offsets beyond it would overflow BIGINT long before any data exists

Handler = Callable[[Request, Principal], Awaitable[Response]]


def _int_param(request: Request, name: str, default: int, maximum: int | None = None) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(name, "must be a positive integer") from None
    if value < 1 or value > MAX_PAGE_NUMBER:
        raise BadParameter(name, "must be a positive integer")
    if maximum is not None and value > maximum:
        raise BadParameter(name, f"must be between 1 and {maximum}")
    return value


def _path_param(request: Request, name: str) -> str:
    value: str = request.path_params[name]
    if "\x00" in value:  # PostgreSQL text cannot hold NUL: no row can match it
        raise BadParameter(name, "must not contain NUL characters")
    return value


def _paging(request: Request) -> tuple[int, int]:
    return (
        _int_param(request, "page", 1),
        _int_param(request, "pageSize", 10, MAX_PAGE_SIZE),
    )


def _date_param(request: Request) -> int:
    raw = (request.query_params.get("date") or DEFAULT_DATE).strip()
    if raw.endswith("Z"):
        raw = raw[:-1]
    for fmt in _DATE_FORMATS:
        try:
            return int(datetime.strptime(raw, fmt).replace(tzinfo=UTC).timestamp())
        except ValueError:
            continue
    raise BadParameter("date", f"must be a date like {DEFAULT_DATE}")


def _empty_page(page: OffsetPage[Any]) -> bool:
    return page.total == 0


def _endpoint(services: FaceServices, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint(request: Request) -> Response:
        try:
            principal = await authenticate(request, services.accounts)
        except AuthenticationFailed:
            return error(request, 401, "Unauthorized.")
        try:
            return await handler(request, principal)
        except MalformedBody as exc:
            return error(request, 400, f"Invalid business partner data format, {exc.message}")
        except (MissingParameter, BadParameter, InvalidFormat) as exc:
            return error(request, 400, exc.message)
        except InvalidInput as exc:
            return error(
                request, 400, "; ".join(f"Parameter {e.field} {e.message}" for e in exc.errors)
            )
        except NotFound as exc:
            # Another tenant's row reads exactly like a missing one.
            return error(request, 404, f"No entity found for {exc.entity} with {exc.ident}.")
        except Conflict as exc:
            return error(request, 409, exc.message)
        except (UnknownReference, RuleViolation, ItemFailed, DomainError) as exc:
            return error(request, 400, exc.message)
        except Exception:
            log.exception(
                "business partner request failed",
                path=request.url.path,
                request_id=getattr(request.state, "request_id", None),
            )
            return error(request, 500, "Internal server error.")

    return endpoint


def face(services: FaceServices) -> Face:
    partners = services.partners

    async def _partner_list(request: Request, principal: Principal, flt: PartnerFilter) -> Response:
        page, size = _paging(request)
        result, related = await partners.page(principal.account_id, flt, page, size)
        return respond(
            request,
            {
                "data": [partner_json(p, related) for p in result.items],
                "pagination": pagination(request, result),
            },
        )

    async def get_partners(request: Request, principal: Principal) -> Response:
        return await _partner_list(request, principal, PartnerFilter())

    async def updated_from(request: Request, principal: Principal) -> Response:
        since = _date_param(request)
        return await _partner_list(request, principal, PartnerFilter(updated_since=since))

    async def _by_role(request: Request, principal: Principal, kind: RoleKind) -> Response:
        page, size = _paging(request)
        result, related = await partners.page(
            principal.account_id, PartnerFilter(role_kind=kind.value), page, size
        )
        if _empty_page(result):
            return Response(status_code=204)
        return respond(
            request,
            {
                "data": [partner_json(p, related) for p in result.items],
                "pagination": pagination(request, result),
            },
        )

    async def get_clients(request: Request, principal: Principal) -> Response:
        return await _by_role(request, principal, RoleKind.CLIENT)

    async def get_agents(request: Request, principal: Principal) -> Response:
        return await _by_role(request, principal, RoleKind.AGENT)

    async def clients_of_agents(request: Request, principal: Principal) -> Response:
        page, size = _paging(request)
        result = await partners.agents_with_clients(principal.account_id, page, size)
        if _empty_page(result):
            return Response(status_code=204)
        return respond(
            request,
            {
                "data": [
                    {
                        "companyId": str(entry.agent.company_id),
                        "agentId": str(entry.agent.id),
                        "clients": [{"id": str(c)} for c in entry.client_ids],
                    }
                    for entry in result.items
                ],
                "pagination": pagination(request, result),
            },
        )

    def _catalog_page(request: Request, rows: list[dict[str, Any]]) -> Response:
        page, size = _paging(request)
        offset = (page - 1) * size
        result = OffsetPage(
            items=rows[offset : offset + size], total=len(rows), limit=size, offset=offset
        )
        return respond(
            request, {"data": list(result.items), "pagination": pagination(request, result)}
        )

    async def statuses(request: Request, principal: Principal) -> Response:
        catalogs = await partners.catalogs(principal.account_id)
        rows = [
            {"id": str(s.id), "idRemote": s.id_remote, "description": s.description}
            for s in catalogs.statuses
        ]
        return _catalog_page(request, rows)

    async def contact_types(request: Request, principal: Principal) -> Response:
        catalogs = await partners.catalogs(principal.account_id)
        rows = [{"id": str(t.id), "value": t.value} for t in catalogs.contact_types]
        return _catalog_page(request, rows)

    async def contacts(request: Request, principal: Principal) -> Response:
        page, size = _paging(request)
        result, owners, methods, catalogs = await partners.contacts_page(
            principal.account_id, page, size
        )
        return respond(
            request,
            {
                "data": [
                    contact_row_json(c, owners.get(c.partner_id), methods.get(c.id, []), catalogs)
                    for c in result.items
                ],
                "pagination": pagination(request, result),
            },
        )

    async def create(request: Request, principal: Principal) -> Response:
        items = parse_create_body(await json_body(request, _MAX_BODY))
        message = await partners.enqueue_create(principal.account_id, items)
        base = str(request.base_url).rstrip("/")
        return respond(
            request,
            {
                "code": 201,
                "message": CREATED_MESSAGE,
                "statusUrl": base + STATUS_PATH.format(message_id=message.public_id),
            },
            201,
        )

    async def message_status(request: Request, principal: Principal) -> Response:
        message = await partners.message(principal.account_id, _path_param(request, "message_id"))
        return respond(
            request,
            {
                "data": [{"status": message.status, "errorMessage": message.error_message}],
                "pagination": {
                    "totalItems": 1,
                    "itemsPerPage": 10,
                    "currentPage": 1,
                    "totalPages": 1,
                    "nextPageUrl": None,
                },
            },
        )

    async def assign(request: Request, principal: Principal) -> Response:
        assignments = parse_assignments(await json_body(request, _MAX_BODY))
        count = await partners.assign_clients(principal.account_id, assignments)
        return respond(
            request,
            {"code": 200, "message": f"{count} client(s) assigned to the agent successfully."},
        )

    async def update(request: Request, principal: Principal) -> Response:
        item = parse_partner(await json_body(request, _MAX_BODY), full=False)
        view = await partners.update(principal.account, _path_param(request, "ref"), item)
        return respond(
            request,
            {
                "code": 200,
                "message": "BusinessPartner updated successfully.",
                "data": [partner_json(view.partner, view.related)],
            },
        )

    async def delete(request: Request, principal: Principal) -> Response:
        await partners.delete(principal.account_id, _path_param(request, "ref"))
        return respond(request, {"code": 200, "message": "BusinessPartner deleted successfully."})

    def route(path: str, handler: Handler, method: str = "GET") -> Route:
        return Route(path, _endpoint(services, handler), methods=[method])

    # The dialect's paths live in a sub-application so that unknown paths and wrong methods
    # under /BusinessPartner also answer in the dialect's error body.
    dialect = Starlette(
        routes=[
            route("/getBPartner", get_partners),
            route("/updatedFrom", updated_from),
            route("/getBPartnerStatus", statuses),
            route("/getClients", get_clients),
            route("/getAgents", get_agents),
            route("/getClientsAssignedToAgent", clients_of_agents),
            route("/getContacts", contacts),
            route("/getContactTypes", contact_types),
            route("/create", create, "POST"),
            route("/assignClientsToAgent", assign, "POST"),
            route("/update/{ref:path}", update, "PUT"),
            route("/delete/{ref:path}", delete, "DELETE"),
        ],
        exception_handlers={HTTPException: _http_error},
    )
    routes: list[BaseRoute] = [
        Mount("/BusinessPartner", app=dialect),
        route(STATUS_PATH, message_status),
    ]
    errors = Dialect("business_partner", ("/BusinessPartner/", "/api/database/"), error_body)
    return Face("business_partner", routes, (errors,))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = {404: "Not Found.", 405: "Method Not Allowed."}.get(exc.status_code, exc.detail)
    response = error(request, exc.status_code, message)
    if exc.headers:
        response.headers.update(exc.headers)
    return response
