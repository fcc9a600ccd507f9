"""In-memory fakes of the partners context's message log and queue port, over the same
:class:`PartnerTables` as the repositories' fakes (``tests/support/partner_repositories.py``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from core.partners import ports
from core.partners.model import MessageKind, MessageStatus, QueueMessage
from tests.support.partner_repositories import _Fake


class FakeMessageRepository(_Fake, ports.MessageRepository):
    async def add(
        self, account_id: int, public_id: str, kind: MessageKind, payload: str, now: int
    ) -> QueueMessage:
        message = QueueMessage(
            id=self.t.next_id(),
            public_id=public_id,
            account_id=account_id,
            kind=kind,
            payload=payload,
            status=MessageStatus.PENDING,
            error_message=None,
            attempts=0,
            claim_token=None,
            claimed_until=None,
            available_at=now,
            created_at=now,
            updated_at=now,
        )
        self.t.messages[message.id] = message
        return message

    async def get(self, account_id: int, public_id: str) -> QueueMessage | None:
        return next(
            (
                m
                for m in self.t.messages.values()
                if m.account_id == account_id and m.public_id == public_id
            ),
            None,
        )


class FakePartnerQueue(_Fake, ports.PartnerQueue):
    @staticmethod
    def _claimable(m: QueueMessage, now: int, max_attempts: int) -> bool:
        due = m.status is MessageStatus.PENDING and m.available_at <= now
        expired = m.status is MessageStatus.PROCESSING and (m.claimed_until or 0) < now
        return (due or expired) and m.attempts < max_attempts

    async def claim(
        self, now: int, lease_seconds: int, token: str, max_attempts: int
    ) -> QueueMessage | None:
        for m in sorted(self.t.messages.values(), key=lambda m: m.id):
            if self._claimable(m, now, max_attempts):
                claimed = replace(
                    m,
                    status=MessageStatus.PROCESSING,
                    claim_token=token,
                    claimed_until=now + lease_seconds,
                    attempts=m.attempts + 1,
                    updated_at=now,
                )
                self.t.messages[m.id] = claimed
                return claimed
        return None

    async def give_up_exhausted(self, now: int, max_attempts: int) -> list[str]:
        given_up = [
            m
            for m in self.t.messages.values()
            if m.status is MessageStatus.PROCESSING
            and (m.claimed_until or 0) < now
            and m.attempts >= max_attempts
        ]
        for m in given_up:
            self.t.messages[m.id] = replace(
                m,
                status=MessageStatus.FAILED,
                error_message=f"gave up after {max_attempts} attempts",
                claim_token=None,
                updated_at=now,
            )
        return [m.public_id for m in given_up]

    async def depth(self) -> dict[MessageStatus, int]:
        waiting = (MessageStatus.PENDING, MessageStatus.PROCESSING)
        counts = Counter(m.status for m in self.t.messages.values() if m.status in waiting)
        return dict(counts)

    async def lock_claimed(self, message_id: int, token: str) -> QueueMessage | None:
        m = self.t.messages.get(message_id)
        held = m is not None and m.claim_token == token and m.status is MessageStatus.PROCESSING
        return m if held else None

    async def finish(
        self,
        message_id: int,
        token: str,
        status: MessageStatus,
        error_message: str | None,
        now: int,
        available_at: int | None = None,
    ) -> bool:
        m = self.t.messages.get(message_id)
        if m is None or m.claim_token != token:
            return False
        self.t.messages[message_id] = replace(
            m,
            status=status,
            error_message=error_message,
            updated_at=now,
            claim_token=None,
            claimed_until=None,
            available_at=m.available_at if available_at is None else available_at,
        )
        return True
