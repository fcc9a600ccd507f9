"""The BusinessPartner (B2B) dialect: ``/BusinessPartner/...`` and the queue's status URL
``/api/database/v1/message/status/{messageId}`` (see docs/business_partner.md)."""

from dataclasses import replace

from httpkit.face import Face
from httpkit.services import FaceServices
from rest_compat.business_partner import routes
from rest_compat.business_partner.openapi import openapi


def face(services: FaceServices) -> Face:
    """The dialect's routes, with its OpenAPI document."""
    return replace(routes.face(services), openapi=openapi())


__all__ = ["face"]
