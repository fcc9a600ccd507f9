"""The reseller dialect: ``POST /resellers/clients/batch`` (see docs/resellers.md), with its
own error handlers keyed by exception class (errors.py)."""

from __future__ import annotations

import orjson

from httpkit.face import Face
from httpkit.ratelimit import TOO_MANY, Refusal
from httpkit.services import FaceServices
from rest_compat.resellers.routes import reseller_routes


def _too_many(accept: str) -> tuple[bytes, str]:
    return orjson.dumps({"error": TOO_MANY}), "application/json"


def face(services: FaceServices) -> Face:
    return Face("resellers", reseller_routes(services), (Refusal(("/resellers/",), _too_many),))


__all__ = ["face"]
