"""The webhooks context's use cases by role: ``endpoints`` (callers) and ``delivery``
(workers)."""

from __future__ import annotations

import random

from core.shared.clock import Clock
from core.webhooks.delivery import WebhookDelivery
from core.webhooks.endpoints import WebhookEndpoints
from core.webhooks.model import Policy
from core.webhooks.ports import Resolver, SecretBox, Sender, UowFactory


class WebhookService:
    def __init__(
        self,
        uow: UowFactory,
        clock: Clock,
        box: SecretBox,
        resolver: Resolver,
        sender: Sender,
        policy: Policy,
        rng: random.Random | None = None,
    ) -> None:
        self.policy = policy
        self.endpoints = WebhookEndpoints(uow, clock, box, resolver, policy)
        """Register, change, list endpoints; their deliveries; redeliver."""
        self.delivery = WebhookDelivery(uow, clock, box, sender, policy, rng)
        """Fan changes out to endpoints and deliver them (workers)."""
