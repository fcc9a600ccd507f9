"""The BusinessPartner (B2B) dialect: ``/BusinessPartner/...`` and the queue's status URL
``/api/database/v1/message/status/{messageId}`` (see docs/business_partner.md)."""

from rest_compat.business_partner.routes import face as face

__all__ = ["face"]
