"""Webhooks end to end below the faces: changes fanned out to endpoints, signed, POSTed to a
real local receiver, retried with backoff, logged, redelivered. The worker's steps are driven
one at a time and the clock is moved by hand, so nothing depends on timing."""

from __future__ import annotations

import json

from clientgate.worker import WebhookWorker
from core.accounts.model import Principal
from core.clients.model import ClientChanges
from core.history.model import EntityType
from core.webhooks.model import Delivery, DeliveryStatus, EndpointInput
from tests.conftest import counting_statements
from tests.support.receiver import receiver, verify
from tests.webhooks.conftest import Hooks


async def test_a_change_is_delivered_signed_and_logged(hooks: Hooks) -> None:
    services = hooks.services
    caller = await hooks.caller()
    with receiver() as rx:
        made = await services.webhooks.endpoints.create(
            caller, EndpointInput(url=rx.url, event_types=frozenset({EntityType.CLIENT}))
        )
        assert made.secret.startswith("whsec_")
        client = await services.clients.create(caller, ClientChanges({"first_name": "Ana"}))
        await WebhookWorker(services).drain()

        assert len(rx.received) == 1
        got = rx.received[0]
        assert verify(made.secret, got.headers, got.body)
        assert not verify("whsec_" + "A" * 44, got.headers, got.body)
        assert got.headers["webhook-timestamp"] == str(hooks.clock.now())
        assert got.headers["content-type"] == "application/json"
        body = json.loads(got.body)
        assert body["type"] == "client.create"
        assert body["data"]["entityId"] == client.id and body["data"]["subjectType"] == "client"
        assert {"field": "first_name", "old": None, "new": "Ana", "secret": False} in body["data"][
            "fields"
        ]

    page = await services.webhooks.endpoints.deliveries(
        caller, endpoint_id=made.endpoint.id, first=10, after_id=None
    )
    [delivery] = page.items
    assert delivery.status is DeliveryStatus.DELIVERED
    assert delivery.message_id == got.headers["webhook-id"]
    assert (delivery.attempts, delivery.last_status_code) == (1, 200)
    [log] = await services.webhooks.endpoints.attempts(caller, [delivery.id])
    assert [a.status_code for a in log] == [200]


async def test_a_failing_receiver_is_retried_with_backoff_until_it_recovers(
    hooks: Hooks,
) -> None:
    services, clock = hooks.services, hooks.clock
    caller = await hooks.caller()
    worker = WebhookWorker(services)
    with receiver(500, 503) as rx:
        made = await services.webhooks.endpoints.create(caller, EndpointInput(url=rx.url))
        await services.clients.create(caller, ClientChanges({"first_name": "Retry"}))
        await worker.drain()
        [pending] = (
            await services.webhooks.endpoints.deliveries(
                caller, endpoint_id=None, first=10, after_id=None
            )
        ).items
        # First retry: backoff 4 s with equal jitter, rounded up: 2 to 4 s later.
        assert pending.status is DeliveryStatus.PENDING and pending.last_status_code == 500
        assert pending.next_attempt_at is not None
        assert 2 <= pending.next_attempt_at - clock.now() <= 4
        assert len(rx.received) == 1
        await worker.drain()  # not due yet: nothing is sent
        assert len(rx.received) == 1

        clock.advance(pending.next_attempt_at - clock.now())
        await worker.drain()
        second = await _only_delivery(hooks, caller)
        assert second.status is DeliveryStatus.PENDING and second.last_status_code == 503
        assert second.next_attempt_at is not None
        assert 4 <= second.next_attempt_at - clock.now() <= 8  # doubled

        clock.advance(second.next_attempt_at - clock.now())
        await worker.drain()
        done = await _only_delivery(hooks, caller)
        assert done.status is DeliveryStatus.DELIVERED and done.attempts == 3
        assert done.delivered_at == clock.now()
        ids = {r.headers["webhook-id"] for r in rx.received}
        assert len(ids) == 1  # the same message each time: receivers dedupe on it
        assert all(verify(made.secret, r.headers, r.body) for r in rx.received)

    [log] = await services.webhooks.endpoints.attempts(caller, [done.id])
    assert [a.status_code for a in log] == [500, 503, 200]


async def test_attempts_run_out_then_redeliver_sends_it_again(hooks: Hooks) -> None:
    services, clock = hooks.services, hooks.clock
    caller = await hooks.caller()
    worker = WebhookWorker(services)
    with receiver(500, 500, 500) as rx:
        await services.webhooks.endpoints.create(caller, EndpointInput(url=rx.url))
        await services.clients.create(caller, ClientChanges({"first_name": "Gone"}))
        for _ in range(3):
            await worker.drain()
            clock.advance(3600)
        failed = await _only_delivery(hooks, caller)
        assert failed.status is DeliveryStatus.FAILED and failed.next_attempt_at is None
        assert failed.attempts == 3 and len(rx.received) == 3

        again = await services.webhooks.endpoints.redeliver(caller, failed.id)
        assert again.status is DeliveryStatus.PENDING and again.attempts == 0
        await worker.drain()
        done = await _only_delivery(hooks, caller)
        assert done.status is DeliveryStatus.DELIVERED and len(rx.received) == 4
    [log] = await services.webhooks.endpoints.attempts(caller, [done.id])
    assert [a.status_code for a in log] == [500, 500, 500, 200]


async def test_each_change_reaches_each_endpoint_once_in_commit_order(hooks: Hooks) -> None:
    services = hooks.services
    caller = await hooks.caller()
    other = await hooks.caller()
    worker = WebhookWorker(services)
    with receiver() as first, receiver() as second, receiver() as others:
        await services.webhooks.endpoints.create(caller, EndpointInput(url=first.url))
        await services.webhooks.endpoints.create(
            caller,
            EndpointInput(url=second.url, event_types=frozenset({EntityType.BUSINESS_PARTNER})),
        )
        await services.webhooks.endpoints.create(other, EndpointInput(url=others.url))
        for i in range(5):
            await services.clients.create(caller, ClientChanges({"first_name": f"C{i}"}))
            await worker.drain()
        await worker.drain()
        positions = [json.loads(r.body)["data"]["position"] for r in first.received]
        assert positions == sorted(positions) and len(set(positions)) == 5
        assert second.received == []  # wants partners only
        assert others.received == []  # another tenant's changes never reach it


async def _only_delivery(hooks: Hooks, caller: Principal) -> Delivery:
    page = await hooks.services.webhooks.endpoints.deliveries(
        caller, endpoint_id=None, first=10, after_id=None
    )
    [delivery] = page.items
    return delivery


async def test_workers_woken_without_webhook_work_only_read(hooks: Hooks) -> None:
    """Every committed change wakes the webhook workers; with no endpoint behind and nothing
    due they look with one read each and open no write transaction (on SQLite that would be
    one more turn of the single writer for every write)."""
    services = hooks.services
    caller = await hooks.caller()
    await services.clients.create(caller, ClientChanges({"first_name": "Ana"}))
    with counting_statements(services) as counted:
        assert await services.webhooks.delivery.fan_out_once() is None
        assert await services.webhooks.delivery.deliver_once() is None
    assert counted.count == 2, counted.statements
    assert all(s.lstrip().upper().startswith("SELECT") for s in counted.statements)
