"""``POST /resellers/clients/batch``: onboard or overwrite, by RUC, a batch of companies.

Errors are ``{"error": "<message>"}`` (plus ``errors`` per item on 422): 400 malformed body,
401 bad credentials, 403 not a reseller, 413 too many items or bytes, 422 invalid items.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from core.resellers.errors import BatchInvalid, BatchTooLarge, EmptyBatch
from core.resellers.model import BatchResult
from core.shared.errors import AuthenticationFailed, Conflict, PermissionDenied
from httpkit.auth import authenticate
from httpkit.dialects import Dialect, plain_error
from httpkit.face import Face
from httpkit.json import JSONResponse, MalformedBody, decode_json
from httpkit.services import FaceServices

# 1,000 items with every field at its maximum length take about 1.1 MB of JSON; the margin
# covers escapes and non-ASCII names while refusing absurd bodies before parsing them.
MAX_BODY_BYTES = 4 * 1024 * 1024


def _error(message: str, status: int, **extra: Any) -> Response:
    return JSONResponse({"error": message, **extra}, status_code=status)


def serialize(result: BatchResult) -> dict[str, Any]:
    """The seed's answer: credentials only for created clients, shown this once."""
    return {
        "created_clients": [
            {
                "ruc": c.ruc,
                "company_name": c.company_name,
                "access_api": {
                    "username": c.access_api.username,
                    "password": c.access_api.password,
                },
                "access_web": {
                    "username": c.access_web.username,
                    "password": c.access_web.password,
                },
            }
            for c in result.created
        ],
        "updated_clients": [{"ruc": u.ruc, "company_name": u.company_name} for u in result.updated],
    }


def face(services: FaceServices) -> Face:
    async def batch(request: Request) -> Response:
        try:
            principal = await authenticate(request, services.accounts)
        except AuthenticationFailed as exc:
            return _error(exc.message, 401)
        if not principal.account.is_reseller:
            return _error("only reseller accounts may use this endpoint", 403)
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_BODY_BYTES:
            return _error(f"the body is larger than {MAX_BODY_BYTES} bytes", 413)
        raw = await request.body()
        if len(raw) > MAX_BODY_BYTES:
            return _error(f"the body is larger than {MAX_BODY_BYTES} bytes", 413)
        if not raw.strip():
            return _error("a JSON array of clients is required", 400)
        try:
            body = decode_json(raw)
        except MalformedBody as exc:
            return _error(exc.message, 400)
        if not isinstance(body, list):
            return _error("the body must be a JSON array of clients", 400)
        try:
            result = await services.resellers.onboard(principal, body)
        except PermissionDenied as exc:
            return _error(exc.message, 403)
        except BatchTooLarge as exc:
            return _error(exc.message, 413)
        except EmptyBatch as exc:
            return _error(exc.message, 422, errors=[])
        except BatchInvalid as exc:
            return _error(
                exc.message,
                422,
                errors=[
                    {"index": e.index, "ruc": e.ruc, "field": e.field, "message": e.message}
                    for e in exc.errors
                ],
            )
        except Conflict as exc:
            return _error(exc.message, 409)
        return JSONResponse(serialize(result))

    routes: list[BaseRoute] = [Route("/resellers/clients/batch", batch, methods=["POST"])]
    return Face("resellers", routes, (Dialect("resellers", ("/resellers/",), plain_error),))
