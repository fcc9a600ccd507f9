"""The reseller dialect: ``POST /resellers/clients/batch`` (see docs/resellers.md), with its
own error handlers keyed by exception class (errors.py)."""

from __future__ import annotations

from httpkit.dialects import Dialect, plain_error
from httpkit.face import Face
from httpkit.services import FaceServices
from rest_compat.resellers.bodies import MAX_BODY_BYTES
from rest_compat.resellers.openapi import openapi
from rest_compat.resellers.routes import reseller_routes


def face(services: FaceServices) -> Face:
    dialect = Dialect("resellers", ("/resellers/",), plain_error)
    limits = (("/resellers/", MAX_BODY_BYTES),)
    return Face("resellers", reseller_routes(services), (dialect,), limits, openapi())


__all__ = ["face"]
