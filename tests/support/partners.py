"""In-memory partners context for tests of its use cases: builders of its inputs, and
:class:`FakePartnerWorld` (accounts, the fake repositories of ``partner_repositories`` and the
partners service wired on them).

A :class:`FakePartnersUnitOfWork` works on a copy of the world's tables and keeps it only on
``commit()``, so a use case that fails half-way leaves nothing behind, as the SQL unit of work
does.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from types import TracebackType
from typing import TYPE_CHECKING, Any

from core.accounts.model import Account, NewAccount, Principal, PrincipalKind
from core.accounts.ports import AccountRepository
from core.history.model import PendingChange
from core.history.ports import ChangeRecorder
from core.history.recorder import ChangeBuffer
from core.notify.local import LocalNotificationBus
from core.partners import ports
from core.partners.inputs import (
    CompanyInput,
    ContactInput,
    ContactMethodInput,
    LocationInput,
    PartnerInput,
)
from core.partners.service import PartnerService
from core.shared.clock import FixedClock
from tests.support.fakes import FakeAccountRepository
from tests.support.partner_queue_fakes import FakeMessageRepository, FakePartnerQueue
from tests.support.partner_repositories import (
    FakeCatalogRepository,
    FakeCompanyRepository,
    FakeContactRepository,
    FakeDeletionRepository,
    FakeDocumentRepository,
    FakeLocationRepository,
    FakePartnerReadModel,
    FakePartnerRepository,
    PartnerTables,
)

if TYPE_CHECKING:
    from clientgate.container import Services

VALID_RUC = "20100070970"


# -- builders ----------------------------------------------------------------------------------


def principal(account: Account) -> Principal:
    """A caller acting for ``account`` (as an API token would)."""
    return Principal(account=account, kind=PrincipalKind.API_TOKEN, credential_id=1)


def location_input(id_remote: str, **overrides: Any) -> LocationInput:
    values: dict[str, Any] = {
        "id_remote": id_remote,
        "name": "Main",
        "address": "Av. Larco 123",
        "city": "Lima",
        "state_id": "PE-LIM",
        "postal_code": "15074",
        "shipping_address": True,
        "billing_address": True,
        "country_id": "PE",
        "is_default": True,
        "active": True,
    }
    values.update(overrides)
    return LocationInput(**values)


def partner_input(id_remote: str, **overrides: Any) -> PartnerInput:
    """A complete partner to create (the typed twin of the dialect tests' ``partner_body``);
    ``present`` is every field holding a value, plus ``agent_id`` when given."""
    values: dict[str, Any] = {
        "id_remote": id_remote,
        "role_id": "client",
        "status_id": "active",
        "company_id": "ACME",
        "contact_name": f"Contact {id_remote}",
        "comercial_name": f"Shop {id_remote}",
        "tin": VALID_RUC,
        "observation": "vip",
        "origin": "erp",
        "active": True,
        "locations": [location_input(f"L-{id_remote}")],
        "contacts": [
            ContactInput(
                id_remote=f"C-{id_remote}",
                name="Ana",
                position="buyer",
                is_default=True,
                active=True,
                contact_methods=[
                    ContactMethodInput(
                        id_remote=f"M-{id_remote}", contact_type_id="email", value="a@b.pe"
                    )
                ],
            )
        ],
    }
    values.update(overrides)
    return PartnerInput(**values).with_given_fields()


# -- unit of work ------------------------------------------------------------------------------


class FakePartnerStorage(ports.PartnerStorage):
    def __init__(self, tables: PartnerTables) -> None:
        self._catalogs = FakeCatalogRepository(tables)
        self._companies = FakeCompanyRepository(tables)
        self._partners = FakePartnerRepository(tables)
        self._locations = FakeLocationRepository(tables)
        self._contacts = FakeContactRepository(tables)
        self._documents = FakeDocumentRepository(tables)
        self._deletions = FakeDeletionRepository(tables)
        self._messages = FakeMessageRepository(tables)
        self._queue = FakePartnerQueue(tables)
        self._projections = FakePartnerReadModel(tables)

    @property
    def catalogs(self) -> ports.CatalogRepository:
        return self._catalogs

    @property
    def companies(self) -> ports.CompanyRepository:
        return self._companies

    @property
    def partners(self) -> ports.PartnerRepository:
        return self._partners

    @property
    def locations(self) -> ports.LocationRepository:
        return self._locations

    @property
    def contacts(self) -> ports.ContactRepository:
        return self._contacts

    @property
    def documents(self) -> ports.DocumentRepository:
        return self._documents

    @property
    def deletions(self) -> ports.DeletionRepository:
        return self._deletions

    @property
    def messages(self) -> ports.MessageRepository:
        return self._messages

    @property
    def queue(self) -> ports.PartnerQueue:
        return self._queue

    @property
    def projections(self) -> ports.PartnerReadModel:
        return self._projections


class FakePartnersUnitOfWork(ports.PartnersUnitOfWork):
    """Works on a copy of the world's tables; ``commit()`` makes the copy the world's."""

    def __init__(self, world: FakePartnerWorld, *, read_only: bool) -> None:
        self._world = world
        self._read_only = read_only
        self._tables = copy.deepcopy(world.tables)
        self._storage = FakePartnerStorage(self._tables)
        self._notes: list[tuple[str, str]] = []
        self._history = ChangeBuffer()

    @property
    def history(self) -> ChangeRecorder:
        return self._history

    @property
    def accounts(self) -> AccountRepository:
        return self._world.accounts

    @property
    def partners(self) -> ports.PartnerStorage:
        return self._storage

    async def __aenter__(self) -> FakePartnersUnitOfWork:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    async def notify(self, channel: str, payload: str) -> None:
        self._notes.append((channel, payload))

    async def commit(self) -> None:
        if self._read_only:
            raise RuntimeError("read-only unit of work cannot commit")
        self._world.tables = self._tables
        self._world.commits += 1
        notes, self._notes = self._notes, []
        for channel, payload in notes:
            self._world.bus.deliver(channel, payload)
        self._world.changes.extend(self._history.take())
        # Keep working on a copy: later writes need another commit.
        self._tables = copy.deepcopy(self._tables)
        self._storage = FakePartnerStorage(self._tables)

    async def rollback(self) -> None:
        self._notes = []
        self._history.discard()
        self._tables = copy.deepcopy(self._world.tables)
        self._storage = FakePartnerStorage(self._tables)


@dataclass
class FakePartnerWorld:
    """Accounts and partners in memory, with the partners service wired on them."""

    clock: FixedClock = field(default_factory=lambda: FixedClock(1_700_000_000))
    accounts: FakeAccountRepository = field(default_factory=FakeAccountRepository)
    tables: PartnerTables = field(default_factory=PartnerTables)
    commits: int = 0
    bus: LocalNotificationBus = field(default_factory=LocalNotificationBus)
    changes: list[PendingChange] = field(default_factory=list)
    """Changes recorded by committed units of work, in commit order."""

    def __call__(self, *, read_only: bool = False) -> FakePartnersUnitOfWork:
        return FakePartnersUnitOfWork(self, read_only=read_only)

    def service(self) -> PartnerService:
        return PartnerService(self, self.clock, self.bus)

    async def tenant(self, country: str = "PE", *, strict: bool = False) -> Principal:
        account = await self.accounts.add(
            name=f"Tenant {len(self.accounts.accounts) + 1}",
            country=country,
            is_reseller=False,
            strict_tax_ids=strict,
            reseller_account_id=None,
            now=self.clock.now(),
        )
        return principal(account)


# -- seeding a real database ------------------------------------------------------------------


def _contact(ref: str, methods: int) -> ContactInput:
    return ContactInput(
        id_remote=ref,
        name=f"Name {ref}",
        position=None,
        is_default=False,
        active=True,
        contact_methods=[
            ContactMethodInput(id_remote=f"{ref}-M{j}", contact_type_id="phone", value=f"9{j}")
            for j in range(methods)
        ],
    )


async def seed_partners(services: Services, acc: NewAccount, n: int) -> None:
    """An agent and ``n`` partners: every other one the agent's client, with zero to two
    locations (a state, none, another country) and contacts with zero to two methods."""
    principal = await services.accounts.authenticate_token(acc.token)
    await services.partners.companies.create(
        principal, CompanyInput(id_remote="ACME", company_name="Acme", comercial_name="Ac")
    )
    items = [partner_input("AG", role_id="agent", observation=None)]
    for i in range(n):
        locations = [
            location_input(f"L{i}-{k}", state_id=[None, "PE-LIM", "XX-1"][k], is_default=k == 0)
            for k in range(i % 3)
        ]
        if i % 4 == 1:
            locations.append(location_input(f"L{i}-cl", country_id="CL", state_id=None))
        extra: dict[str, Any] = {"agent_id": "AG"} if i % 2 else {"tin": f"1{i}"}
        items.append(
            partner_input(
                f"P{i}",
                locations=locations,
                contacts=[_contact(f"C{i}-{k}", (i + k) % 3) for k in range(i % 3)],
                origin=None if i % 3 == 0 else "erp",
                **extra,
            )
        )
    queue = services.partners.queue
    for batch in (items[:1], items[1:]):  # the agent first: its clients refer to it
        message = await queue.enqueue_create(principal, batch)
        while (claimed := await queue.claim_next(lease_seconds=30, max_attempts=5)) is not None:
            await queue.process(claimed, max_attempts=5)
        done = await queue.message(principal, message.public_id)
        assert done.status == "completed", done.error_message
