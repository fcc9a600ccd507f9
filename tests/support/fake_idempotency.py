"""In-memory fakes of the idempotency ports, declared against the Protocols (mypy checks them).

The fake repository keeps the SQL adapter's contract: one entry per (account, key), inserts
that do nothing on conflict, compare-and-swap on the holder's token."""

from __future__ import annotations

from dataclasses import replace
from types import TracebackType

from core.idempotency.model import Answer, Claim, Entry, EntryState
from core.idempotency.ports import IdempotencyRepository, IdempotencyUnitOfWork, Sealer


class ReversingSealer(Sealer):
    """Not encryption: enough to see that bodies are sealed before they are stored."""

    def seal(self, plain: bytes) -> bytes:
        return b"sealed:" + plain[::-1]

    def unseal(self, sealed: bytes) -> bytes:
        assert sealed.startswith(b"sealed:")
        return sealed.removeprefix(b"sealed:")[::-1]


class FakeIdempotencyRepository(IdempotencyRepository):
    def __init__(self) -> None:
        self.entries: dict[tuple[int, str], Entry] = {}

    async def insert_new(self, account_id: int, entry: Entry) -> bool:
        if (account_id, entry.key) in self.entries:
            return False
        self.entries[account_id, entry.key] = entry
        return True

    async def get(self, account_id: int, key: str) -> Entry | None:
        return self.entries.get((account_id, key))

    def _held(self, account_id: int, key: str, owner: str) -> Entry | None:
        entry = self.entries.get((account_id, key))
        return entry if entry is not None and entry.owner == owner else None

    async def replace(self, account_id: int, previous_owner: str, entry: Entry) -> bool:
        if self._held(account_id, entry.key, previous_owner) is None:
            return False
        self.entries[account_id, entry.key] = entry
        return True

    async def complete(self, account_id: int, claim: Claim, answer: Answer) -> bool:
        entry = self._held(account_id, claim.key, claim.owner)
        if entry is None or entry.state is not EntryState.IN_FLIGHT:
            return False
        self.entries[account_id, claim.key] = replace(
            entry,
            state=EntryState.DONE,
            status=answer.status,
            content_type=answer.content_type,
            sealed_body=answer.body,
        )
        return True

    async def delete(self, account_id: int, claim: Claim) -> bool:
        if self._held(account_id, claim.key, claim.owner) is None:
            return False
        del self.entries[account_id, claim.key]
        return True

    async def prune(self, account_id: int, now: int, limit: int) -> int:
        expired = [
            key
            for (account, key), entry in self.entries.items()
            if account == account_id and entry.expires_at <= now
        ][:limit]
        for key in expired:
            del self.entries[account_id, key]
        return len(expired)


class FakeIdempotencyUnitOfWork(IdempotencyUnitOfWork):
    """Its own factory (``uow()``); commits are counted, nothing is rolled back."""

    def __init__(self) -> None:
        self._repo = FakeIdempotencyRepository()
        self.commits = 0

    @property
    def idempotency(self) -> FakeIdempotencyRepository:
        return self._repo

    def __call__(self, *, read_only: bool = False) -> FakeIdempotencyUnitOfWork:
        return self

    async def __aenter__(self) -> FakeIdempotencyUnitOfWork:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        return None

    async def commit(self) -> None:
        self.commits += 1
