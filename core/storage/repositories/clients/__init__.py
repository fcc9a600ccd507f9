"""SQL repositories of the clients context, one module per repository family. Every statement
filters on ``account_id``."""

from __future__ import annotations

from core.storage.repositories.clients.addresses import SqlAddressRepository
from core.storage.repositories.clients.attributes import SqlAttributeRepository
from core.storage.repositories.clients.catalogs import SqlCatalogRepository
from core.storage.repositories.clients.clients import SqlClientRepository
from core.storage.repositories.clients.contacts import SqlContactRepository
from core.storage.repositories.clients.documents import SqlDocumentRepository
from core.storage.repositories.clients.duplicates import SqlDuplicateRepository
from core.storage.repositories.clients.merges import SqlMergeRepository
from core.storage.repositories.clients.points import SqlPointsRepository
from core.storage.repositories.clients.projections import SqlClientReadModel
from core.storage.repositories.clients.rows import CLIENT_COLUMNS

__all__ = [
    "CLIENT_COLUMNS",
    "SqlAddressRepository",
    "SqlAttributeRepository",
    "SqlCatalogRepository",
    "SqlClientReadModel",
    "SqlClientRepository",
    "SqlContactRepository",
    "SqlDocumentRepository",
    "SqlDuplicateRepository",
    "SqlMergeRepository",
    "SqlPointsRepository",
]
