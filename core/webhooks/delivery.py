"""The worker's side of webhooks (no caller: what it claims carries its account).

Two steps, each its own short transaction:

- :meth:`WebhookDelivery.fan_out_once`: an endpoint whose account's change feed moved past
  the endpoint's position is locked (others skip it); the changes after that position are
  read in commit order, the ones it wants are queued as deliveries and its position moves
  on, in one transaction. The feed never skips a committed change and the queue refuses a
  change twice per endpoint, so every change is queued exactly once per endpoint.
- :meth:`WebhookDelivery.deliver_once`: the next due delivery is claimed (with a lease),
  signed and POSTed; the attempt is logged and the delivery is settled: delivered on 2xx,
  else retried after an exponential, jittered delay until ``max_attempts``, then failed.
"""

from __future__ import annotations

import random
import uuid

from core.history.model import ChangeEvent
from core.shared.clock import Clock
from core.webhooks import payload, rules, signing
from core.webhooks.model import Delivery, DeliveryStatus, Endpoint, Policy, SendResult
from core.webhooks.ports import SecretBox, Sender, UowFactory

FAN_OUT_BATCH = 200
"""Changes read per endpoint and transaction."""


class WebhookDelivery:
    def __init__(
        self,
        uow: UowFactory,
        clock: Clock,
        box: SecretBox,
        sender: Sender,
        policy: Policy,
        rng: random.Random | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._box = box
        self._sender = sender
        self._policy = policy
        self._rng = rng or random.Random()

    async def fan_out_once(self) -> Endpoint | None:
        """Queue the new changes of one endpoint that is behind; None when none is."""
        # Woken by every committed change: a look first, so that an account without webhooks
        # (or with every endpoint up to date) costs a read, not a write transaction (on SQLite
        # one more turn of the single writer per write).
        async with self._uow(read_only=True) as uow:
            if not await uow.webhooks.queue.anything_behind():
                return None
        async with self._uow() as uow:
            behind = await uow.webhooks.queue.endpoint_behind(self._clock.now())
            if behind is None:
                return None
            endpoint, head = behind
            events = await uow.history_reads.changes_after(
                endpoint.account_id, endpoint.position, FAN_OUT_BATCH
            )
            rows = [_row(e) for e in events if endpoint.wants(e.subject_type)]
            # Without events (pruned meanwhile) the endpoint catches up with the head.
            position = events[-1].position if events else head
            await uow.webhooks.queue.fan_out(endpoint, rows, position, self._clock.now())
            await uow.commit()
        return endpoint

    async def deliver_once(self) -> Delivery | None:
        """Claim one due delivery and attempt it; the settled delivery, or None when nothing
        was due (or the claim was lost meanwhile)."""
        now = self._clock.now()
        async with self._uow(read_only=True) as uow:  # a look first, as in fan_out_once
            if not await uow.webhooks.queue.anything_due(now):
                return None
        async with self._uow() as uow:
            claimed = await uow.webhooks.queue.claim(
                now, self._policy.lease_seconds, uuid.uuid4().hex
            )
            target = None
            if claimed is not None:
                target = await uow.webhooks.queue.secret_of(claimed.endpoint_id)
            await uow.commit()
        if claimed is None:
            return None
        if target is None:
            # Disabled since it was queued: not tried (redeliverWebhook once enabled again).
            result = SendResult(None, "endpoint disabled", 0)
            return await self._settle(claimed, result, final=True)
        return await self._settle(claimed, await self._send(claimed, *target))

    async def _send(self, delivery: Delivery, url: str, sealed: str) -> SendResult:
        body = delivery.payload.encode()
        stamp = self._clock.now()
        headers = signing.headers(self._box.decrypt(sealed), delivery.message_id, stamp, body)
        return await self._sender.post(url, headers, body, self._policy.timeout_seconds)

    async def _settle(
        self, delivery: Delivery, result: SendResult, *, final: bool = False
    ) -> Delivery:
        """The delivery as settled (as claimed, when another worker took it over)."""
        now = self._clock.now()
        attempts = delivery.attempts
        next_at: int | None = None
        if result.ok:
            status = DeliveryStatus.DELIVERED
        elif final or attempts >= self._policy.max_attempts:
            status = DeliveryStatus.FAILED
        else:
            status = DeliveryStatus.PENDING
            next_at = now + rules.next_attempt_delay(
                attempts,
                self._policy.backoff_seconds,
                self._policy.max_backoff_seconds,
                self._rng,
            )
        async with self._uow() as uow:
            if not await uow.webhooks.queue.settle(delivery, status, result, next_at, now):
                return delivery
            settled = await uow.webhooks.deliveries.get(delivery.account_id, delivery.id)
            await uow.commit()
        return settled or delivery


def _row(event: ChangeEvent) -> dict[str, object]:
    return {
        "message_id": payload.message_id(event),
        "event_type": payload.event_type(event),
        "change_position": event.position,
        "payload": payload.body(event),
    }
