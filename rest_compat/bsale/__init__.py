"""The Bsale-compatible ``/v1`` dialect (clients, contacts, addresses, attributes, catalogs,
points, unpaid documents), mounted as its own sub-application with its own error handlers."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import BaseRoute, Mount

from clientgate.container import Services
from rest_compat.bsale.errors import EXCEPTION_HANDLERS
from rest_compat.bsale.routes import bsale_routes


def bsale_face(services: Services) -> list[BaseRoute]:
    """The face factory registered in ``clientgate.app._faces``."""
    app = Starlette(routes=bsale_routes(services), exception_handlers=EXCEPTION_HANDLERS)
    return [Mount("/v1", app=app)]
