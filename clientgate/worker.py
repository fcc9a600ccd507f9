"""The workers: the BusinessPartner queue's (claims messages from the database and applies
them) and the webhooks' (:class:`WebhookWorker`: fans changes out to endpoints and delivers
them).

It runs inside ``clientgate serve`` (a lifespan task, unless CLIENTGATE_WORKER_IN_SERVE=false)
and as ``clientgate worker`` for more throughput. The queue's guarantees come from the
database (``core.partners.queue`` and its ``PartnerQueue`` port, in SQL in
``core/storage/repositories/partners/queue.py``): a claim carries a lease; a message whose
lease expired is claimed again; applying it is one transaction that upserts on company +
idRemote, so a retry never duplicates a partner.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Protocol

from clientgate.container import Services
from core.notify import channels
from core.partners.model import MessageStatus, QueueMessage
from httpkit.logging import log
from httpkit.metrics import JobOutcome

BeforeProcess = Callable[[QueueMessage], Awaitable[None]]
"""Runs between a claim and its processing (tests use it to hold a message in hand)."""


# What process() answered; None (or anything else): the claim was lost.
_OUTCOMES: dict[MessageStatus | None, JobOutcome] = {
    MessageStatus.COMPLETED: JobOutcome.COMPLETED,
    MessageStatus.FAILED: JobOutcome.FAILED,
}


@dataclass
class WorkerStats:
    completed: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    lost: int = 0
    errors: int = 0


class PollLoop:
    """What both workers share: ``run_once`` until ``stop()``, woken early by ``_wake``,
    backing off (up to ``max_idle``) while idle or failing."""

    def __init__(self, name: str, poll_seconds: float, max_idle_seconds: float) -> None:
        self.name = name
        self.poll_seconds = poll_seconds
        self.max_idle_seconds = max(max_idle_seconds, poll_seconds)
        self._stopping = False
        # Set by stop() and by the worker's own wake-ups: ends an idle wait early.
        self._wake = asyncio.Event()

    def stop(self) -> None:
        """Finish the work in hand, then leave the loop."""
        self._stopping = True
        self._wake.set()

    async def run_once(self) -> bool:
        raise NotImplementedError

    async def _loop(self, failure: str) -> None:
        idle = self.poll_seconds
        while not self._stopping:
            self._wake.clear()
            try:
                worked = await self.run_once()
            except Exception as exc:
                # The database is unreachable or busy: back off and keep going.
                log.warning(failure, worker=self.name, error=type(exc).__name__)
                worked = False
            if worked:
                idle = self.poll_seconds
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=idle)
            idle = min(idle * 2, self.max_idle_seconds)


class Worker(PollLoop):
    """A poll loop: claim, process, repeat; back off (up to ``max_idle``) while idle."""

    def __init__(
        self,
        services: Services,
        *,
        lease_seconds: int | None = None,
        max_attempts: int | None = None,
        poll_seconds: float | None = None,
        max_idle_seconds: float = 2.0,
        before_process: BeforeProcess | None = None,
        name: str = "worker",
    ) -> None:
        settings = services.settings
        super().__init__(name, poll_seconds or settings.queue_poll_seconds, max_idle_seconds)
        self.services = services
        self.lease_seconds = lease_seconds or settings.queue_lease_seconds
        self.max_attempts = max_attempts or settings.queue_max_attempts
        self.before_process = before_process
        self.stats = WorkerStats()

    async def run_once(self) -> bool:
        """Claim and process one message; False when none was claimable."""
        queue = self.services.partners.queue
        message = await queue.claim_next(
            lease_seconds=self.lease_seconds, max_attempts=self.max_attempts
        )
        if message is None:
            return False
        if self.before_process is not None:
            await self.before_process(message)
        started = time.perf_counter()
        try:
            status = await queue.process(message, max_attempts=self.max_attempts)
        except Exception as exc:
            # Logged by type only: database errors quote the payload's values (personal
            # data). The message went back to pending (or failed after max attempts).
            self._measure(JobOutcome.ERROR, started)
            self.stats.errors += 1
            log.error(
                "queue message raised",
                worker=self.name,
                message=message.public_id,
                error=type(exc).__name__,
            )
            return True
        self._measure(_OUTCOMES.get(status, JobOutcome.LOST), started)
        if status is MessageStatus.COMPLETED:
            self.stats.completed.append(message.public_id)
        elif status is MessageStatus.FAILED:
            self.stats.failed.append(message.public_id)
        elif status is None:
            self.stats.lost += 1
        log.info(
            "queue message",
            worker=self.name,
            message=message.public_id,
            status=status.value if status else "claim lost",
            attempt=message.attempts,
        )
        return True

    def _measure(self, outcome: JobOutcome, started: float) -> None:
        self.services.metrics.job(outcome, time.perf_counter() - started)

    async def drain(self) -> None:
        """Process until nothing is claimable (tests, one-shot runs)."""
        while await self.run_once():
            pass

    async def run(self) -> None:
        """Until ``stop()``: claim and process; sleep with backoff while idle or failing."""
        unsubscribe = self.services.partners.queue.on_enqueue(self._wake.set)
        log.info("worker started", worker=self.name)
        try:
            await self._loop("worker poll failed")
        finally:
            unsubscribe()
        log.info("worker stopped", worker=self.name)


class WebhookWorker(PollLoop):
    """A loop of the two webhook steps (``core.webhooks.delivery``): fan the changes out to
    endpoints that are behind, deliver what is due. Woken at once by a change or a redelivery
    (the notification bus: from any instance on PostgreSQL), else polls with backoff up to
    ``max_idle`` (retries fall due by time)."""

    def __init__(
        self, services: Services, *, max_idle_seconds: float = 2.0, name: str = "webhooks"
    ):
        super().__init__(name, services.settings.queue_poll_seconds, max_idle_seconds)
        self.services = services
        self.delivered = 0

    async def run_once(self) -> bool:
        """One fan-out and one delivery; False when there was nothing to do."""
        delivery = self.services.webhooks.delivery
        fanned = await delivery.fan_out_once()
        sent = await delivery.deliver_once()
        if sent is not None:
            self.delivered += 1
            log.info(
                "webhook delivery",
                worker=self.name,
                delivery=sent.id,
                status=sent.status.value,
                code=sent.last_status_code,
                attempt=sent.attempts,
            )
        return fanned is not None or sent is not None

    async def drain(self) -> None:
        """Until nothing is left to fan out or due (tests, one-shot runs)."""
        while await self.run_once():
            pass

    async def _relay(self, channel: str) -> None:
        async with self.services.bus.subscribe(channel) as sub:
            while True:
                await sub.wait()
                self._wake.set()

    async def run(self) -> None:
        relays = [
            asyncio.create_task(self._relay(c)) for c in (channels.CHANGES, channels.WEBHOOKS)
        ]
        log.info("worker started", worker=self.name)
        try:
            await self._loop("webhook step failed")
        finally:
            for relay in relays:
                relay.cancel()
            await asyncio.gather(*relays, return_exceptions=True)
        log.info("worker stopped", worker=self.name)


class Stoppable(Protocol):
    def stop(self) -> None: ...

    async def run(self) -> None: ...


async def run_workers(
    services: Services, count: int = 1, *, before_process: BeforeProcess | None = None
) -> None:
    """``clientgate worker``: run ``count`` queue workers and as many webhook workers until
    SIGINT/SIGTERM, then stop gracefully."""
    workers: list[Stoppable] = [
        Worker(services, name=f"worker-{i}", before_process=before_process) for i in range(count)
    ]
    workers += [WebhookWorker(services, name=f"webhooks-{i}") for i in range(count)]
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, _stop_all, workers)
    await asyncio.gather(*(w.run() for w in workers))


def _stop_all(workers: list[Stoppable]) -> None:
    for worker in workers:
        worker.stop()
