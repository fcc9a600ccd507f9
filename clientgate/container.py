"""Wires adapters to services: the one place that knows every concrete class."""

from __future__ import annotations

from dataclasses import dataclass
from hashlib import sha256

from sqlalchemy.ext.asyncio import AsyncEngine

from clientgate.ratelimit import Limiter
from clientgate.settings import Settings
from core.accounts.service import AccountService
from core.clients.service import ClientService
from core.partners.service import PartnerService
from core.resellers.secretbox import FernetSecretBox
from core.resellers.service import ResellerService
from core.shared.clock import Clock, SystemClock
from core.shared.secrets import SecretHasher
from core.storage.engine import create_engine
from core.storage.uow import UnitOfWorkFactory


def derive_key(secret_key: str, purpose: str) -> bytes:
    """A separate key per purpose, so one use can never stand in for another."""
    return sha256(f"clientgate:{purpose}:{secret_key}".encode()).digest()


@dataclass
class Services:
    settings: Settings
    engine: AsyncEngine
    uow: UnitOfWorkFactory
    clock: Clock
    hasher: SecretHasher
    accounts: AccountService
    clients: ClientService
    resellers: ResellerService
    partners: PartnerService
    rate_limiter: Limiter | None

    async def close(self) -> None:
        if self.rate_limiter is not None:
            await self.rate_limiter.close()
        await self.uow.dispose()
        await self.engine.dispose()


def build_services(settings: Settings, clock: Clock | None = None) -> Services:
    engine = create_engine(settings.database_url, pool_size=settings.db_pool_size)
    uow = UnitOfWorkFactory(engine)
    clock = clock or SystemClock()
    hasher = SecretHasher(derive_key(settings.secret_key, "secret-hash"))
    accounts = AccountService(uow, hasher, clock, session_ttl=settings.session_ttl_seconds)
    return Services(
        settings=settings,
        engine=engine,
        uow=uow,
        clock=clock,
        hasher=hasher,
        accounts=accounts,
        clients=ClientService(uow, clock),
        partners=PartnerService(uow, clock),
        resellers=ResellerService(
            uow,
            accounts,
            FernetSecretBox(derive_key(settings.secret_key, "ose-secrets")),
            clock,
        ),
        rate_limiter=Limiter.from_settings(settings),
    )
