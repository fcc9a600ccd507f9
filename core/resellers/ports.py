"""Ports of the resellers context: storage and the secret box for OSE passwords."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from core.accounts.ports import AccountRepository
from core.history.ports import ChangeRecorder
from core.resellers.model import (
    OnboardedAccount,
    OnboardedFilter,
    OnboardedProjection,
    SettingsRow,
)


class SecretBox(Protocol):
    """Reversible encryption for secrets the server must read back (not passwords of ours)."""

    def encrypt(self, plain: str) -> str: ...

    def decrypt(self, token: str) -> str: ...


class ResellerRepository(Protocol):
    """Onboarded accounts and their e-invoicing settings, scoped by the reseller's account id."""

    async def own_by_ruc(
        self, reseller_account_id: int, rucs: Sequence[str]
    ) -> dict[str, OnboardedAccount]:
        """The reseller's onboarded accounts among ``rucs``, by RUC (one query)."""
        ...

    async def rucs_held_elsewhere(self, reseller_account_id: int, rucs: Sequence[str]) -> set[str]:
        """Which of ``rucs`` are onboarded by someone else: only the RUCs, nothing of the
        other tenant (one query)."""
        ...

    async def add_accounts(
        self, reseller_account_id: int, names: Sequence[str], strict_tax_ids: bool, now: int
    ) -> list[int]:
        """New PE accounts onboarded by this reseller, ids in the order of ``names``."""
        ...

    async def add_settings(
        self,
        reseller_account_id: int,
        rows: Sequence[tuple[int, SettingsRow]],
        now: int,
    ) -> None:
        """Settings of new accounts. Raises RucTaken when a RUC was onboarded meanwhile."""
        ...

    async def replace_settings(
        self,
        reseller_account_id: int,
        rows: Sequence[tuple[int, SettingsRow]],
        now: int,
    ) -> None:
        """Overwrite the settings of the reseller's accounts (and their names)."""
        ...

    async def get(self, reseller_account_id: int, account_id: int) -> OnboardedAccount | None: ...

    async def page(
        self,
        reseller_account_id: int,
        filters: OnboardedFilter,
        after_id: int | None,
        limit: int,
        *,
        backward: bool = False,
        after_tier: int = 0,
    ) -> list[OnboardedAccount]:
        """Up to ``limit`` accounts with id > ``after_id``, in id order; ``backward``: with
        id < ``after_id``, in descending id order. With a search (``filters.search``), by
        relevance (``core/shared/search.py``): tier by tier, each in id order, after the
        cursor's ``(after_tier, after_id)``."""
        ...

    async def count(self, reseller_account_id: int, filters: OnboardedFilter) -> int: ...

    async def update(
        self, reseller_account_id: int, account_id: int, values: Mapping[str, object], now: int
    ) -> OnboardedAccount | None: ...

    async def secret_of(self, account_id: int) -> tuple[str | None, str | None] | None:
        """(OSE username, encrypted OSE password) of this account's own settings."""
        ...


class OnboardedReadModel(Protocol):
    """Projected reads for GraphQL's planner: only the columns a query selects, as rows, with
    the same filters, order and keyset as ``ResellerRepository.page``."""

    async def page(
        self,
        reseller_account_id: int,
        filters: OnboardedFilter,
        after_id: int | None,
        limit: int,
        projection: OnboardedProjection,
        *,
        backward: bool = False,
    ) -> list[tuple[Any, ...]]:
        """``ResellerRepository.page`` as rows of ``projection``'s columns."""
        ...


class ResellersUnitOfWork(Protocol):
    @property
    def history(self) -> ChangeRecorder:
        """Where every write of the context records its change (same transaction)."""
        ...

    @property
    def accounts(self) -> AccountRepository: ...

    @property
    def resellers(self) -> ResellerRepository: ...

    @property
    def onboarded_rows(self) -> OnboardedReadModel: ...

    async def commit(self) -> None: ...
