"""The reseller dialect: ``POST /resellers/clients/batch`` (see docs/resellers.md)."""

from rest_compat.resellers.routes import routes as routes

__all__ = ["routes"]
