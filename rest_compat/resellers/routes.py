"""``POST /resellers/clients/batch``: onboard or overwrite, by RUC, a batch of companies.

Errors are ``{"error": "<message>"}`` (plus ``errors`` per item on 422): 400 malformed body,
401 bad credentials, 403 not a reseller, 413 too many items or bytes, 422 invalid items,
409 lost every replay against concurrent batches. The route raises; the dialect's handlers,
keyed by exception class (errors.py), answer.
"""

from __future__ import annotations

from starlette.middleware import Middleware
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from core.accounts.model import FaceName
from httpkit.auth import authenticate
from httpkit.json import JSONResponse
from httpkit.services import FaceServices
from rest_compat.resellers.bodies import read_batch, read_items
from rest_compat.resellers.errors import EXCEPTION_HANDLERS
from rest_compat.resellers.serializers import batch_answer

PATH = "/resellers/clients/batch"


def reseller_routes(services: FaceServices) -> list[BaseRoute]:
    async def batch(request: Request) -> Response:
        caller = await authenticate(request, services.accounts, FaceName.RESELLERS)
        # Refused before the body is read: a non-reseller's body is never parsed.
        services.resellers.require_reseller(caller)
        items = read_items(await read_batch(request))
        return JSONResponse(batch_answer(await services.resellers.onboard(caller, items)))

    # The handlers wrap this route only (what a sub-application mounted at ``/resellers`` would
    # do, without its slash redirect turning ``POST /resellers`` from 404 into 307); paths and
    # methods the dialect does not know keep the application's answers.
    handlers = Middleware(ExceptionMiddleware, handlers=EXCEPTION_HANDLERS)
    return [Route(PATH, batch, methods=["POST"], middleware=[handlers])]
