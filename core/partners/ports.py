"""Ports of the partners context: one repository per kind of row, every method tenant-scoped
(the account id first), and the creation queue's cross-tenant side behind its own port
(:class:`PartnerQueue`: claim, lease, settle). Services commit; repositories never do."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

from core.accounts.ports import AccountRepository
from core.history.ports import ChangeRecorder
from core.partners.model import (
    CatalogItem,
    CatalogKind,
    Catalogs,
    Company,
    ContactMethod,
    DeletedPartner,
    DocumentKind,
    Location,
    MessageKind,
    MessageStatus,
    Partner,
    PartnerContact,
    PartnerFilter,
    PartnerProjection,
    QueueMessage,
)

Row = Mapping[str, object]


class CatalogRepository(Protocol):
    async def catalogs(self, account_id: int) -> Catalogs: ...

    async def seed(self, account_id: int, kind: CatalogKind, rows: Sequence[Row]) -> None:
        """Insert default rows; ones another transaction added meanwhile are left alone."""
        ...

    async def add(self, account_id: int, kind: CatalogKind, values: Row) -> CatalogItem:
        """DuplicateEntry when the idRemote is taken."""
        ...

    async def update(
        self, account_id: int, kind: CatalogKind, item_id: int, values: Row
    ) -> CatalogItem | None:
        """``values`` is never empty; None when the item is not this tenant's."""
        ...


class CompanyRepository(Protocol):
    async def add(self, account_id: int, values: Row, now: int) -> Company: ...

    async def update(
        self, account_id: int, company_id: int, values: Row, now: int
    ) -> Company | None: ...

    async def all(self, account_id: int) -> list[Company]: ...

    async def by_refs(
        self, account_id: int, remote_ids: Collection[str], ids: Collection[int]
    ) -> list[Company]:
        """Companies whose idRemote is in ``remote_ids`` or whose id is in ``ids``."""
        ...

    async def by_ids(self, account_id: int, ids: Collection[int]) -> dict[int, Company]: ...


class PartnerRepository(Protocol):
    async def with_remote_id(self, account_id: int, remote_id: str) -> list[Partner]:
        """Partners whose idRemote is ``remote_id`` (one per company at most), in id order."""
        ...

    async def by_ids(self, account_id: int, ids: Collection[int]) -> list[Partner]: ...

    async def by_remote(
        self, account_id: int, company_id: int, remote_ids: Collection[str]
    ) -> dict[str, Partner]:
        """The company's partners whose idRemote is in ``remote_ids``, by idRemote."""
        ...

    async def insert(self, account_id: int, rows: Sequence[Row]) -> list[int]:
        """Bulk insert; the new ids in the order of ``rows``."""
        ...

    async def update(self, account_id: int, rows: Sequence[Row]) -> None:
        """Bulk update of whole rows (the same keys on each); each row carries its ``id``."""
        ...

    async def set_agent(
        self, account_id: int, client_ids: Collection[int], agent_id: int | None, now: int
    ) -> None: ...

    async def clear_agent(self, account_id: int, agent_id: int) -> None:
        """The clients of ``agent_id`` have no agent any more."""
        ...

    async def delete(self, account_id: int, partner_id: int) -> None: ...

    async def page(
        self, account_id: int, flt: PartnerFilter, limit: int, offset: int
    ) -> tuple[list[Partner], int]:
        """A page in id order and the number of partners matching ``flt``."""
        ...

    async def keyset(
        self,
        account_id: int,
        flt: PartnerFilter,
        after_id: int | None,
        limit: int,
        *,
        backward: bool = False,
        after_tier: int = 0,
    ) -> list[Partner]:
        """Up to ``limit`` partners in id order after a cursor (``limit`` includes the one
        extra row the caller asks for to know whether more exist); ``backward``: in
        descending id order before the cursor. With a search (``flt.search``), by relevance
        (``core/shared/search.py``): tier by tier, each in id order, after the cursor's
        ``(after_tier, after_id)``."""
        ...

    async def count(self, account_id: int, flt: PartnerFilter) -> int: ...

    async def agents_with_clients(
        self, account_id: int, limit: int, offset: int
    ) -> tuple[list[Partner], dict[int, list[int]], int]:
        """Agents that have at least one client (a page, in id order), their clients' ids,
        and how many such agents there are."""
        ...

    async def clients_of(
        self, account_id: int, agent_ids: Sequence[int]
    ) -> dict[int, list[Partner]]:
        """The clients assigned to each of ``agent_ids`` (one query)."""
        ...


class LocationRepository(Protocol):
    async def of_partners(
        self, account_id: int, partner_ids: Sequence[int]
    ) -> dict[int, list[Location]]:
        """Each partner's locations, in the order they were given."""
        ...

    async def by_refs(
        self, account_id: int, remote_ids: Collection[str], ids: Collection[int]
    ) -> list[Location]: ...

    async def insert(self, account_id: int, rows: Sequence[Row]) -> list[int]:
        """Bulk insert; the new ids in the order of ``rows``."""
        ...

    async def update(self, account_id: int, rows: Sequence[Row]) -> None:
        """Bulk update (the same keys on each row); each row carries its ``id``."""
        ...

    async def replace_links(
        self, account_id: int, partner_ids: Collection[int], links: Sequence[tuple[int, int, int]]
    ) -> None:
        """Remove the links of ``partner_ids``, then add ``links`` (partner, location, pos)."""
        ...

    async def release(self, account_id: int, partner_id: int) -> None:
        """Unlink the partner's locations; delete the ones no other partner uses."""
        ...


class ContactRepository(Protocol):
    async def of_partners(
        self, account_id: int, partner_ids: Sequence[int]
    ) -> dict[int, list[PartnerContact]]: ...

    async def methods_of(
        self, account_id: int, contact_ids: Sequence[int]
    ) -> dict[int, list[ContactMethod]]: ...

    async def page(
        self, account_id: int, limit: int, offset: int
    ) -> tuple[list[PartnerContact], int]: ...

    async def delete_of(self, account_id: int, partner_ids: Collection[int]) -> None:
        """The contacts of ``partner_ids`` and their methods."""
        ...

    async def insert(self, account_id: int, rows: Sequence[Row]) -> list[int]:
        """Bulk insert; the new ids in the order of ``rows``."""
        ...

    async def insert_methods(self, account_id: int, rows: Sequence[Row]) -> None: ...


class DocumentRepository(Protocol):
    """Invoices, delivery notes and orders referencing partners."""

    async def add(
        self, account_id: int, partner_id: int, kind: DocumentKind, number: str, now: int
    ) -> int: ...

    async def kinds(self, account_id: int, partner_id: int) -> list[DocumentKind]:
        """The kinds of documents that reference the partner, sorted."""
        ...


class DeletionRepository(Protocol):
    async def add(
        self, account_id: int, partner: Partner, snapshot: str, now: int
    ) -> DeletedPartner: ...

    async def page(
        self, account_id: int, limit: int, offset: int
    ) -> tuple[list[DeletedPartner], int]:
        """Most recent first."""
        ...


class MessageRepository(Protocol):
    """The creation queue as its tenants see it: messages they queued."""

    async def add(
        self, account_id: int, public_id: str, kind: MessageKind, payload: str, now: int
    ) -> QueueMessage: ...

    async def get(self, account_id: int, public_id: str) -> QueueMessage | None: ...


class PartnerQueue(Protocol):
    """The creation queue as its workers see it: every tenant's messages. The claimed message
    carries its account id, and everything done for it after the claim is scoped to it."""

    async def claim(
        self, now: int, lease_seconds: int, token: str, max_attempts: int
    ) -> QueueMessage | None:
        """Take the oldest claimable message (pending and due, or processing with an expired
        lease): ``processing``, this claim's token, ``claimed_until = now + lease``,
        ``attempts + 1``."""
        ...

    async def give_up_exhausted(self, now: int, max_attempts: int) -> list[str]:
        """Messages whose last allowed attempt died with its worker (lease expired) fail;
        their public ids."""
        ...

    async def depth(self) -> dict[MessageStatus, int]:
        """How many messages are pending and processing, over every tenant (read only; the
        operator's view, never a tenant's). Statuses without messages may be left out."""
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


class PartnerReadModel(Protocol):
    """Projected reads for GraphQL's planner: only the named columns, as rows, through the
    partners repository's own filter and keyset builder."""

    async def page(
        self,
        account_id: int,
        flt: PartnerFilter,
        after_id: int | None,
        limit: int,
        projection: PartnerProjection,
        *,
        backward: bool = False,
        after_tier: int = 0,
    ) -> list[tuple[int, tuple[Any, ...]]]:
        """Like ``PartnerRepository.keyset``: page rows (see ``PartnerProjection``), each
        with its relevance tier (0 without a search: the cursor's tier)."""
        ...

    async def children(
        self, account_id: int, relation: str, owner_ids: Sequence[int], columns: tuple[str, ...]
    ) -> list[tuple[Any, ...]]:
        """Rows of ``relation`` (``locations``, ``contacts``, ``methods``) of these owners,
        each ``(owner id, *columns)``, in the order the entity reads use."""
        ...


class PartnerStorage(Protocol):
    """Every port of the context, bound to one unit of work."""

    @property
    def catalogs(self) -> CatalogRepository: ...

    @property
    def companies(self) -> CompanyRepository: ...

    @property
    def partners(self) -> PartnerRepository: ...

    @property
    def locations(self) -> LocationRepository: ...

    @property
    def contacts(self) -> ContactRepository: ...

    @property
    def projections(self) -> PartnerReadModel: ...

    @property
    def documents(self) -> DocumentRepository: ...

    @property
    def deletions(self) -> DeletionRepository: ...

    @property
    def messages(self) -> MessageRepository: ...

    @property
    def queue(self) -> PartnerQueue: ...


class PartnersUnitOfWork(Protocol):
    @property
    def history(self) -> ChangeRecorder:
        """Where every write of the context records its change (same transaction)."""
        ...

    @property
    def accounts(self) -> AccountRepository: ...

    @property
    def partners(self) -> PartnerStorage: ...

    async def notify(self, channel: str, payload: str) -> None:
        """The ``core.notify.ports.Notifier`` port: announced on commit."""
        ...

    async def commit(self) -> None: ...

    async def rollback(self) -> None: ...


UowFactory = Callable[..., AbstractAsyncContextManager[PartnersUnitOfWork]]
"""``uow()`` for a write transaction, ``uow(read_only=True)`` for reads."""
