"""SSRF: endpoints whose host resolves to a private, loopback, link-local (or otherwise not
public) address are refused at registration, and again at connection time (a name may
resolve differently later: DNS rebinding), unless the setting allows them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import pytest

from clientgate.outbound import DnsResolver, HttpSender
from core.accounts.model import Principal
from core.clients.model import ClientChanges
from core.resellers.secretbox import FernetSecretBox
from core.shared.errors import InvalidInput
from core.webhooks import rules
from core.webhooks.model import DeliveryStatus, EndpointInput, Policy
from core.webhooks.ports import Resolver
from core.webhooks.service import WebhookService
from tests.support.receiver import Receiver, receiver
from tests.webhooks.conftest import Hooks

REFUSED = [
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "224.0.0.1",
    "::1",
    "fe80::1",
    "fc00::1",
    "::ffff:127.0.0.1",
    "64:ff9b::a00:1",
    "2002:7f00:1::",
]


@pytest.mark.parametrize("address", REFUSED)
def test_non_public_addresses_are_refused(address: str) -> None:
    assert rules.refused_address(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:2800:220:1::1", "8.8.8.8"])
def test_public_addresses_pass(address: str) -> None:
    assert not rules.refused_address(address)


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("ftp://example.com/x", "INVALID"),
        ("file:///etc/passwd", "INVALID"),
        ("example.com/hook", "INVALID"),
        ("https://user:pw@example.com/", "INVALID"),
        ("https://example.com:99999/", "INVALID"),
        ("https://exa mple.com/", "INVALID"),
        ("https://example.com/" + "a" * rules.MAX_URL_LENGTH, "TOO_LONG"),
    ],
)
def test_only_bounded_absolute_http_urls(url: str, code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        rules.checked_url(url)
    assert [(e.field, e.code) for e in caught.value.errors] == [("url", code)]


class Rebinding:
    """Answers a public address first (registration), then loopback (delivery)."""

    def __init__(self) -> None:
        self.calls = 0

    async def resolve(self, host: str, port: int) -> list[str]:
        self.calls += 1
        return ["93.184.216.34"] if self.calls == 1 else ["127.0.0.1"]


@asynccontextmanager
async def guarded(
    hooks: Hooks, resolver: Resolver, allow_private: bool = False
) -> AsyncIterator[WebhookService]:
    """The webhooks service on ``resolver``, with the production policy (or private allowed)."""
    policy = Policy(allow_private=allow_private, max_attempts=1)
    sender = HttpSender(resolver, allow_private=allow_private)
    box = FernetSecretBox(b"k" * 32)
    try:
        yield WebhookService(hooks.services.uow, hooks.clock, box, resolver, sender, policy)
    finally:
        await sender.close()


@asynccontextmanager
async def _receiving() -> AsyncIterator[Receiver]:
    with receiver() as rx:
        yield rx


async def _caller(hooks: Hooks) -> Principal:
    return await hooks.caller()


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://[::1]/hook",
        "http://169.254.169.254/latest/meta-data",
        "http://10.0.0.5/hook",
    ],
)
async def test_registration_refuses_private_hosts(hooks: Hooks, url: str) -> None:
    caller = await _caller(hooks)
    async with guarded(hooks, DnsResolver()) as service:
        with pytest.raises(InvalidInput) as caught:
            await service.endpoints.create(caller, EndpointInput(url=url))
        page, total = await service.endpoints.page(caller, first=10, after_id=None)
    assert [(e.field, e.code) for e in caught.value.errors] == [("url", "ADDRESS_REFUSED")]
    assert total == 0 and page.items == []


async def test_delivery_refuses_a_host_that_now_resolves_to_loopback(hooks: Hooks) -> None:
    caller = await _caller(hooks)
    async with guarded(hooks, Rebinding()) as service, _receiving() as rx:
        # The name is the receiver's own port on loopback, presented as a public host.
        url = rx.url.replace("127.0.0.1", "hooks.example")
        await service.endpoints.create(caller, EndpointInput(url=url))
        await hooks.services.clients.create(caller, ClientChanges({"first_name": "Rebind"}))
        assert await service.delivery.fan_out_once() is not None
        settled = await service.delivery.deliver_once()
        assert rx.received == []
    assert settled is not None and settled.status is DeliveryStatus.FAILED
    assert settled.last_status_code is None and "non-public" in (settled.last_error or "")


async def test_the_setting_lets_tests_reach_loopback(hooks: Hooks) -> None:
    caller = await _caller(hooks)
    async with guarded(hooks, DnsResolver(), allow_private=True) as service, _receiving() as rx:
        await service.endpoints.create(caller, EndpointInput(url=rx.url))
        await hooks.services.clients.create(caller, ClientChanges({"first_name": "Ok"}))
        assert await service.delivery.fan_out_once() is not None
        settled = await service.delivery.deliver_once()
    assert settled is not None and settled.status is DeliveryStatus.DELIVERED
    assert len(rx.received) == 1
