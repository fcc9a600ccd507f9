"""Repository ports of the partners context. Every method takes the tenant's account id,
except the queue's claim and settle methods, which serve every tenant by design."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any, Protocol

from core.accounts.ports import AccountRepository
from core.partners.model import (
    Catalogs,
    Company,
    ContactMethod,
    DeletedPartner,
    Location,
    MessageStatus,
    Partner,
    PartnerContact,
    PartnerFilter,
    PartnerRelated,
    QueueMessage,
)


class PartnerRepository(Protocol):
    async def catalogs(self, account_id: int) -> Catalogs: ...

    async def seed_catalog(
        self, kind: str, account_id: int, rows: Sequence[Mapping[str, object]]
    ) -> None:
        """Insert default rows; ones another transaction added meanwhile are left alone."""
        ...

    async def add_catalog(
        self, kind: str, account_id: int, values: Mapping[str, object]
    ) -> Any: ...

    async def update_catalog(
        self, kind: str, account_id: int, item_id: int, values: Mapping[str, object]
    ) -> Any: ...

    async def add_company(
        self, account_id: int, values: Mapping[str, object], now: int
    ) -> Company: ...

    async def update_company(
        self, account_id: int, company_id: int, values: Mapping[str, object], now: int
    ) -> Company | None: ...

    async def companies(
        self, account_id: int, refs: Collection[str] | None = None
    ) -> list[Company]:
        """All companies, or those whose id or idRemote is in ``refs``."""
        ...

    async def companies_by_id(
        self, account_id: int, ids: Collection[int]
    ) -> dict[int, Company]: ...

    async def find_partners(self, account_id: int, ref: str) -> list[Partner]:
        """Partners whose idRemote is ``ref`` (one per company at most), else the one whose
        local id is ``ref``."""
        ...

    async def partners_by_ids(self, account_id: int, ids: Collection[int]) -> list[Partner]: ...

    async def partners_by_remote(
        self, account_id: int, company_id: int, remote_ids: Collection[str]
    ) -> dict[str, Partner]: ...

    async def insert_partners(
        self, account_id: int, rows: Sequence[Mapping[str, object]]
    ) -> list[int]:
        """Bulk insert; the new ids in the order of ``rows``."""
        ...

    async def update_partners(self, account_id: int, rows: Sequence[Mapping[str, object]]) -> None:
        """Bulk update of whole rows; each row carries its ``id``."""
        ...

    async def update_partner(
        self, account_id: int, partner_id: int, values: Mapping[str, object]
    ) -> Partner | None: ...

    async def set_agent(
        self, account_id: int, client_ids: Collection[int], agent_id: int | None, now: int
    ) -> None: ...

    async def page(
        self, account_id: int, flt: PartnerFilter, limit: int, offset: int
    ) -> tuple[list[Partner], int]: ...

    async def keyset(
        self,
        account_id: int,
        flt: PartnerFilter,
        after_id: int | None,
        before_id: int | None,
        limit: int,
        backwards: bool,
    ) -> list[Partner]:
        """Up to ``limit`` partners in id order after/before a cursor (``limit`` includes the
        one extra row the caller asks for to know whether more exist)."""
        ...

    async def count(self, account_id: int, flt: PartnerFilter) -> int: ...

    async def related(
        self, account_id: int, partners: Sequence[Partner], catalogs: Catalogs
    ) -> PartnerRelated:
        """Companies, locations, contacts and contact methods of ``partners``: four queries
        whatever their number."""
        ...

    async def locations_of(
        self, account_id: int, partner_ids: Sequence[int]
    ) -> dict[int, list[Location]]: ...

    async def contacts_of(
        self, account_id: int, partner_ids: Sequence[int]
    ) -> dict[int, list[PartnerContact]]: ...

    async def methods_of(
        self, account_id: int, contact_ids: Sequence[int]
    ) -> dict[int, list[ContactMethod]]: ...

    async def locations_by_refs(
        self, account_id: int, remote_ids: Collection[str], ids: Collection[int]
    ) -> list[Location]: ...

    async def insert_locations(
        self, account_id: int, rows: Sequence[Mapping[str, object]]
    ) -> list[int]: ...

    async def update_locations(
        self, account_id: int, rows: Sequence[Mapping[str, object]]
    ) -> None: ...

    async def replace_location_links(
        self, account_id: int, partner_ids: Collection[int], links: Sequence[tuple[int, int, int]]
    ) -> None:
        """Remove the links of ``partner_ids``, then add ``links`` (partner, location, pos)."""
        ...

    async def delete_contacts_of(self, account_id: int, partner_ids: Collection[int]) -> None: ...

    async def insert_contacts(
        self, account_id: int, rows: Sequence[Mapping[str, object]]
    ) -> list[int]: ...

    async def insert_methods(
        self, account_id: int, rows: Sequence[Mapping[str, object]]
    ) -> None: ...

    async def contacts_page(
        self, account_id: int, limit: int, offset: int
    ) -> tuple[list[PartnerContact], int, dict[int, Partner], dict[int, list[ContactMethod]]]: ...

    async def agents_with_clients(
        self, account_id: int, limit: int, offset: int, agent_ids: Collection[int] | None = None
    ) -> tuple[list[Partner], dict[int, list[int]], int]:
        """Agents that have at least one client, their clients' ids, and how many such agents."""
        ...

    async def clients_of(
        self, account_id: int, agent_ids: Sequence[int]
    ) -> dict[int, list[Partner]]:
        """The clients assigned to each of ``agent_ids`` (one query)."""
        ...

    async def add_document(
        self, account_id: int, partner_id: int, kind: str, number: str, now: int
    ) -> int: ...

    async def document_kinds(self, account_id: int, partner_id: int) -> list[str]: ...

    async def delete_partner(self, account_id: int, partner_id: int) -> None:
        """The partner, its contacts, and the locations no other partner uses."""
        ...

    async def add_deletion(
        self, account_id: int, partner: Partner, snapshot: str, now: int
    ) -> DeletedPartner: ...

    async def deletions(
        self, account_id: int, limit: int, offset: int
    ) -> tuple[list[DeletedPartner], int]: ...

    async def enqueue(
        self, account_id: int, public_id: str, kind: str, payload: str, now: int
    ) -> QueueMessage: ...

    async def message(self, account_id: int, public_id: str) -> QueueMessage | None: ...

    async def claim(
        self, now: int, lease_seconds: int, token: str, max_attempts: int
    ) -> QueueMessage | None:
        """Take the oldest claimable message: pending and due, or processing with an expired
        lease. PostgreSQL: FOR UPDATE SKIP LOCKED lets many workers claim side by side.
        SQLite: the writer lock (BEGIN IMMEDIATE) serialises claims; the UPDATE re-checks
        the status (compare-and-set)."""
        ...

    async def give_up_exhausted(self, now: int, max_attempts: int) -> int:
        """Messages whose last allowed attempt died with its worker (lease expired) fail."""
        ...

    async def lock_claimed(self, message_id: int, token: str) -> QueueMessage | None:
        """The message if this claim still holds it; locked until the transaction ends."""
        ...

    async def finish(
        self,
        message_id: int,
        token: str,
        status: MessageStatus,
        error_message: str | None,
        now: int,
        available_at: int | None = None,
    ) -> bool:
        """Move a claimed message on; False when the claim was lost (lease expired)."""
        ...


class PartnersUnitOfWork(Protocol):
    @property
    def accounts(self) -> AccountRepository: ...

    @property
    def partners(self) -> PartnerRepository: ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...
