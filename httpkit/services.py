"""The services a face is given. The composition root's container satisfies this Protocol;
faces depend on it, never on the container itself."""

from __future__ import annotations

from typing import Protocol

from core.accounts.service import AccountService
from core.accounts.tokens import TokenService
from core.clients.service import ClientService
from core.history.follow import ChangeFollower
from core.history.service import HistoryService
from core.partners.service import PartnerService
from core.resellers.service import ResellerService
from core.webhooks.service import WebhookService


class FaceServices(Protocol):
    @property
    def accounts(self) -> AccountService: ...

    @property
    def tokens(self) -> TokenService: ...

    @property
    def clients(self) -> ClientService: ...

    @property
    def resellers(self) -> ResellerService: ...

    @property
    def partners(self) -> PartnerService: ...

    @property
    def webhooks(self) -> WebhookService: ...

    @property
    def history(self) -> HistoryService: ...

    @property
    def feed(self) -> ChangeFollower: ...
