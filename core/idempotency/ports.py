"""Ports of the idempotency context: where entries are kept, and how stored bodies are sealed."""

from __future__ import annotations

from typing import Protocol

from core.idempotency.model import Answer, Claim, Entry


class Sealer(Protocol):
    """Reversible encryption of stored answers: they may hold generated passwords."""

    def seal(self, plain: bytes) -> bytes: ...

    def unseal(self, sealed: bytes) -> bytes: ...


class IdempotencyRepository(Protocol):
    """Entries by account and key. Every method is scoped by the account id: another
    account's same key is another entry."""

    async def insert_new(self, account_id: int, entry: Entry) -> bool:
        """Insert ``entry`` unless the account has one for its key; True when inserted. Racing
        requests meet on the unique (account, key): exactly one inserts."""
        ...

    async def get(self, account_id: int, key: str) -> Entry | None: ...

    async def replace(self, account_id: int, previous_owner: str, entry: Entry) -> bool:
        """Overwrite the key's entry if ``previous_owner`` still holds it (compare and swap);
        False when another request took it first."""
        ...

    async def complete(self, account_id: int, claim: Claim, answer: Answer) -> bool:
        """Store the answer (its body already sealed) if the claim still holds the key."""
        ...

    async def delete(self, account_id: int, claim: Claim) -> bool:
        """Forget the key if the claim still holds it."""
        ...

    async def prune(self, account_id: int, now: int, limit: int) -> int:
        """Delete up to ``limit`` of the account's expired entries; never waits on an entry
        another transaction holds."""
        ...


class IdempotencyUnitOfWork(Protocol):
    @property
    def idempotency(self) -> IdempotencyRepository: ...

    async def commit(self) -> None: ...
