"""Queued creation of partners: a caller enqueues checked items as one message; a worker
claims it (with a lease) and applies it in one transaction.

The message stores its items through ``queue_codec`` (versioned, in the core's own names).
Claims and settlements go through the cross-tenant ``PartnerQueue`` port; everything done for a
claimed message after the claim is scoped to the message's account.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Callable, Sequence

from core.accounts.model import FaceName, Principal, PrincipalKind
from core.history.model import Actor, Author
from core.history.recorder import ChangeLog
from core.notify import channels
from core.notify.ports import NotificationBus
from core.partners import queue_codec, rules
from core.partners.apply import apply
from core.partners.catalogs import CatalogService
from core.partners.errors import EntityNotFound
from core.partners.inputs import PartnerInput
from core.partners.model import MessageKind, MessageStatus, QueueMessage
from core.partners.ports import UowFactory
from core.partners.upsert import plan
from core.shared.clock import Clock
from core.shared.errors import DomainError

_SETTLED = (MessageStatus.COMPLETED, MessageStatus.FAILED)


class CreationQueue:
    def __init__(
        self,
        uow: UowFactory,
        clock: Clock,
        catalogs: CatalogService,
        bus: NotificationBus,
        resync_seconds: float = 5.0,
    ) -> None:
        """``resync_seconds``: a follower re-reads at least this often without a notification
        (a worker in another process on the same SQLite file cannot notify this one)."""
        self._resync = resync_seconds
        self._uow = uow
        self._clock = clock
        self._catalogs = catalogs
        self._bus = bus
        self._enqueue_listeners: list[Callable[[], None]] = []

    def on_enqueue(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call ``listener`` after each committed enqueue (wakes in-process workers at once;
        workers in other processes find the message at their next poll). Returns a function
        that removes it."""
        self._enqueue_listeners.append(listener)
        return lambda: self._enqueue_listeners.remove(listener)

    # -- the caller's side ------------------------------------------------------------------

    async def enqueue_create(
        self, caller: Principal, items: Sequence[PartnerInput]
    ) -> QueueMessage:
        """Check the items and store them as one message; a worker applies it later."""
        payload = queue_codec.encode(rules.checked_batch(items))
        async with self._uow() as uow:
            message = await uow.partners.messages.add(
                caller.account_id, uuid.uuid4().hex, MessageKind.CREATE, payload, self._clock.now()
            )
            await uow.commit()
        for listener in list(self._enqueue_listeners):
            listener()
        return message

    async def find_message(self, caller: Principal, public_id: str) -> QueueMessage | None:
        """The caller's message, or None (another tenant's reads as missing)."""
        async with self._uow(read_only=True) as uow:
            return await uow.partners.messages.get(caller.account_id, public_id)

    async def message(self, caller: Principal, public_id: str) -> QueueMessage:
        found = await self.find_message(caller, public_id)
        if found is None:
            raise EntityNotFound("message", public_id)
        return found

    async def follow(self, caller: Principal, public_id: str) -> AsyncIterator[QueueMessage]:
        """The caller's message now, then again on each change of its status, until it is
        completed or failed. Listens before the first read, so no change is missed; re-reads
        on each notification (from any instance), and every ``resync_seconds`` regardless."""
        async with self._bus.subscribe(channels.PARTNER_JOBS, public_id) as changed:
            last: tuple[MessageStatus, str | None] | None = None
            while True:
                message = await self.message(caller, public_id)
                state = (message.status, message.error_message)
                if state != last:
                    last = state
                    yield message
                if message.status in _SETTLED:
                    return
                await changed.wait(self._resync)

    # -- the worker's and the operator's side (no caller: each message carries its account) --

    async def depth(self) -> dict[MessageStatus, int]:
        """Messages pending and processing over every tenant (metrics; never a caller's)."""
        async with self._uow(read_only=True) as uow:
            counts = await uow.partners.queue.depth()
        waiting = (MessageStatus.PENDING, MessageStatus.PROCESSING)
        return {status: counts.get(status, 0) for status in waiting}

    async def claim_next(self, *, lease_seconds: int, max_attempts: int) -> QueueMessage | None:
        """Claim the next message for this worker (its own short transaction)."""
        now = self._clock.now()
        async with self._uow() as uow:
            queue = uow.partners.queue
            message = await queue.claim(now, lease_seconds, uuid.uuid4().hex, max_attempts)
            if message is None:
                # Nothing claimable: fail the messages whose last attempt died with its worker.
                for public_id in await queue.give_up_exhausted(now, max_attempts):
                    await uow.notify(channels.PARTNER_JOBS, public_id)
            else:
                await uow.notify(channels.PARTNER_JOBS, message.public_id)
            await uow.commit()
        return message

    async def process(
        self, message: QueueMessage, *, max_attempts: int, retry_after: int = 1
    ) -> MessageStatus | None:
        """Apply a claimed message in one transaction. Returns its new status, or None when
        the claim was lost (another worker owns it now). Unexpected errors put it back to
        pending until ``max_attempts``, then fail it; they are re-raised for the log."""
        try:
            return await self._apply(message)
        except DomainError as exc:
            return await self._settle(message, MessageStatus.FAILED, exc.message)
        except Exception as exc:
            if message.attempts >= max_attempts:
                reason = f"gave up after {message.attempts} attempts: {type(exc).__name__}"
                await self._settle(message, MessageStatus.FAILED, reason)
            else:
                retry_at = self._clock.now() + retry_after
                await self._settle(message, MessageStatus.PENDING, None, retry_at)
            raise

    async def _apply(self, message: QueueMessage) -> MessageStatus | None:
        token = message.claim_token or ""
        await self._catalogs.ensure(message.account_id)
        async with self._uow() as uow:
            store = uow.partners
            if await store.queue.lock_claimed(message.id, token) is None:
                return None
            account = await uow.accounts.get(message.account_id)
            if account is None:
                raise EntityNotFound("account", message.account_id)
            items = rules.checked_batch(queue_codec.decode(message.payload))
            catalogs = await store.catalogs.catalogs(account.id)
            planned = await plan(store, account, catalogs, items, None)
            log = ChangeLog(uow.history, account.id, worker_author(message), self._clock.now())
            await apply(store, account.id, planned, self._clock.now(), log)
            await store.queue.finish(
                message.id, token, MessageStatus.COMPLETED, None, self._clock.now()
            )
            await uow.notify(channels.PARTNER_JOBS, message.public_id)
            await uow.commit()
        return MessageStatus.COMPLETED

    async def _settle(
        self,
        message: QueueMessage,
        status: MessageStatus,
        error: str | None,
        available_at: int | None = None,
    ) -> MessageStatus | None:
        async with self._uow() as uow:
            ok = await uow.partners.queue.finish(
                message.id,
                message.claim_token or "",
                status,
                error,
                self._clock.now(),
                available_at,
            )
            if ok:
                await uow.notify(channels.PARTNER_JOBS, message.public_id)
            await uow.commit()
        return status if ok else None


def worker_author(message: QueueMessage) -> Author:
    """Who the worker's writes are recorded as: the worker, naming the message it applies
    (whose id the caller got in its ``statusUrl``)."""
    actor = Actor(PrincipalKind.WORKER, label=f"BusinessPartner message {message.public_id}")
    return Author(actor, FaceName.WORKER, message.public_id)
