"""SQL adapters of the partners context's ports, one module per kind of row. Every repository
method takes the account id first and filters on it; the queue's worker side
(:class:`SqlPartnerQueue`) is the one cross-tenant adapter."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from core.storage.repositories.partners.catalogs import SqlPartnerCatalogRepository
from core.storage.repositories.partners.companies import SqlPartnerCompanyRepository
from core.storage.repositories.partners.contacts import SqlPartnerContactRepository
from core.storage.repositories.partners.history import (
    SqlPartnerDeletionRepository,
    SqlPartnerDocumentRepository,
)
from core.storage.repositories.partners.locations import SqlPartnerLocationRepository
from core.storage.repositories.partners.partners import SqlPartnerRepository
from core.storage.repositories.partners.projections import SqlPartnerReadModel
from core.storage.repositories.partners.queue import SqlPartnerMessageRepository, SqlPartnerQueue


class SqlPartnerStorage:
    """The partners context's adapters on one connection (``uow.partners``)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.catalogs = SqlPartnerCatalogRepository(conn)
        self.companies = SqlPartnerCompanyRepository(conn)
        self.partners = SqlPartnerRepository(conn)
        self.locations = SqlPartnerLocationRepository(conn)
        self.contacts = SqlPartnerContactRepository(conn)
        self.projections = SqlPartnerReadModel(conn)
        self.documents = SqlPartnerDocumentRepository(conn)
        self.deletions = SqlPartnerDeletionRepository(conn)
        self.messages = SqlPartnerMessageRepository(conn)
        self.queue = SqlPartnerQueue(conn)


__all__ = [
    "SqlPartnerCatalogRepository",
    "SqlPartnerCompanyRepository",
    "SqlPartnerContactRepository",
    "SqlPartnerDeletionRepository",
    "SqlPartnerDocumentRepository",
    "SqlPartnerLocationRepository",
    "SqlPartnerMessageRepository",
    "SqlPartnerQueue",
    "SqlPartnerReadModel",
    "SqlPartnerRepository",
    "SqlPartnerStorage",
]
