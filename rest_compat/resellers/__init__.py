"""The reseller dialect: ``POST /resellers/clients/batch`` (see docs/resellers.md)."""

from rest_compat.resellers.routes import face as face

__all__ = ["face"]
