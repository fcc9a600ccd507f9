"""The Bsale-compatible ``/v1`` dialect (clients, contacts, addresses, attributes, catalogs,
points, unpaid documents), mounted as its own sub-application with its own error handlers."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Mount

from httpkit.dialects import Dialect, plain_error
from httpkit.face import Face
from httpkit.services import FaceServices
from rest_compat.bsale.errors import EXCEPTION_HANDLERS
from rest_compat.bsale.openapi import openapi
from rest_compat.bsale.routes import bsale_routes


def face(services: FaceServices) -> Face:
    """``/v1`` as its own sub-application, with the dialect's error handlers."""
    app = Starlette(routes=bsale_routes(services), exception_handlers=EXCEPTION_HANDLERS)
    dialect = Dialect("bsale", ("/v1/",), plain_error)
    return Face("bsale", [Mount("/v1", app=app)], (dialect,), openapi=openapi())
