"""Use cases of idempotency keys: ``begin`` a request (replay, refuse, or hold the key),
then ``finish`` it with its answer or ``release`` the key.

Race safety comes from the database, not from this process: racing requests meet on the
unique (account, key) of the entries (an insert that does nothing on conflict), and a key is
taken over (expired entry, or a holder whose lease ran out) by a compare-and-swap on the
holder's token. So it holds across instances that share the database.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from core.accounts.model import Principal
from core.idempotency import rules
from core.idempotency.errors import RequestInFlight
from core.idempotency.model import Answer, Claim, Entry, EntryState
from core.idempotency.ports import IdempotencyUnitOfWork, Sealer
from core.shared.clock import Clock

UowFactory = Callable[..., AbstractAsyncContextManager[IdempotencyUnitOfWork]]

DEFAULT_TTL_SECONDS = 24 * 3600
DEFAULT_LEASE_SECONDS = 60
# An entry can vanish between a failed insert and the read that follows (its holder released
# it): the request then tries again. Losing three times in a row means heavy contention on one
# key: answered as in flight.
_ATTEMPTS = 3
# Expired entries of the account deleted each time it opens a new key.
PRUNE_BATCH = 100


class IdempotencyService:
    def __init__(
        self,
        uow: UowFactory,
        clock: Clock,
        sealer: Sealer,
        fingerprint_key: bytes,
        *,
        ttl_seconds: int = DEFAULT_TTL_SECONDS,
        lease_seconds: int = DEFAULT_LEASE_SECONDS,
    ) -> None:
        if ttl_seconds <= 0 or lease_seconds <= 0:
            raise ValueError("the idempotency TTL and lease must be positive")
        self._uow = uow
        self._clock = clock
        self._sealer = sealer
        self._fingerprint_key = fingerprint_key
        self.ttl_seconds = ttl_seconds
        self.lease_seconds = lease_seconds
        self.max_answer_bytes = rules.MAX_ANSWER_BYTES

    def fingerprint(self, method: str, target: str, body: bytes) -> str:
        return rules.fingerprint(self._fingerprint_key, method, target, body)

    def _fresh(self, key: str, fingerprint: str, now: int) -> Entry:
        return Entry(
            key=key,
            fingerprint=fingerprint,
            state=EntryState.IN_FLIGHT,
            owner=uuid.uuid4().hex,
            created_at=now,
            expires_at=now + self.ttl_seconds,
            lease_until=now + self.lease_seconds,
        )

    async def begin(self, caller: Principal, key: str, fingerprint: str) -> Claim | Answer:
        """The stored answer to replay, or a claim on the key: the caller answers the request
        and then calls ``finish`` or ``release``. Raises ``KeyReused`` (another request used
        the key) or ``RequestInFlight`` (the key's request is still being answered)."""
        rules.check_key(key)
        account_id = caller.account_id
        for _ in range(_ATTEMPTS):
            now = self._clock.now()
            fresh = self._fresh(key, fingerprint, now)
            async with self._uow() as uow:
                repo = uow.idempotency
                if await repo.insert_new(account_id, fresh):
                    await repo.prune(account_id, now, PRUNE_BATCH)
                    await uow.commit()
                    return Claim(key, fresh.owner)
                entry = await repo.get(account_id, key)
                if entry is None:
                    continue  # released meanwhile
                if rules.judge(entry, fingerprint, now) is rules.Verdict.REPLAY:
                    return self._answer(entry)
                if await repo.replace(account_id, entry.owner, fresh):
                    await uow.commit()
                    return Claim(key, fresh.owner)
        raise RequestInFlight()

    def _answer(self, entry: Entry) -> Answer:
        assert entry.status is not None and entry.content_type is not None
        assert entry.sealed_body is not None
        body = self._sealer.unseal(entry.sealed_body)
        return Answer(entry.status, entry.content_type, body)

    async def finish(self, caller: Principal, claim: Claim, answer: Answer) -> bool:
        """Keep ``answer`` for replays (its body sealed). An answer that cannot be kept (too
        large) releases the key instead. False when nothing was stored: too large, or the
        claim was lost (the lease ran out and another request took the key over)."""
        if not rules.storable(answer):
            await self.release(caller, claim)
            return False
        sealed = Answer(answer.status, answer.content_type, self._sealer.seal(answer.body))
        async with self._uow() as uow:
            stored = await uow.idempotency.complete(caller.account_id, claim, sealed)
            await uow.commit()
        return stored

    async def release(self, caller: Principal, claim: Claim) -> None:
        """Forget the key (the request failed or was refused): a retry runs anew."""
        async with self._uow() as uow:
            await uow.idempotency.delete(caller.account_id, claim)
            await uow.commit()
