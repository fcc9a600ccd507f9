"""The partners context's use cases, grouped by role. Faces reach them as
``services.partners.<role>.<use case>(caller, ...)``; each use case is one transaction."""

from __future__ import annotations

from core.notify.ports import NotificationBus
from core.partners.catalogs import CatalogService
from core.partners.companies import CompanyService
from core.partners.ports import UowFactory
from core.partners.queue import CreationQueue
from core.partners.reads import PartnerReads
from core.partners.writes import PartnerWrites
from core.shared.clock import Clock


class PartnerService:
    def __init__(
        self, uow: UowFactory, clock: Clock, bus: NotificationBus, *, resync_seconds: float = 5.0
    ) -> None:
        self.catalogs = CatalogService(uow)
        """Roles, statuses, contact types (defaults seeded on first use)."""
        self.companies = CompanyService(uow, clock)
        self.reads = PartnerReads(uow, self.catalogs)
        """Pages, lookups and the relations of partners."""
        self.writes = PartnerWrites(uow, clock, self.catalogs)
        """Update, delete, documents, agents."""
        self.queue = CreationQueue(uow, clock, self.catalogs, bus, resync_seconds)
        """Queued creation: enqueue and follow (callers), claim and process (workers)."""
