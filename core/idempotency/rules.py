"""The rules of idempotency keys, pure: which keys are valid, what makes two requests the same,
which answers can be kept, and what an existing entry means for a new request."""

from __future__ import annotations

import hashlib
import hmac
import re
from enum import Enum

from core.idempotency.errors import InvalidIdempotencyKey, KeyReused, RequestInFlight
from core.idempotency.model import Answer, Entry, EntryState

MAX_KEY_LENGTH = 255
# Printable ASCII (a UUID, a ULID, an order number...): what Stripe and the IETF draft's
# sf-string allow.
_KEY = re.compile(rf"[\x20-\x7e]{{1,{MAX_KEY_LENGTH}}}")

MAX_ANSWER_BYTES = 4 * 1024 * 1024
"""Answers with a larger body are passed on but not kept (none of ours comes close: a reseller
batch of 1,000 companies with 200-character names answers under 1 MB)."""
MAX_CONTENT_TYPE_LENGTH = 255


def check_key(key: str) -> str:
    if not _KEY.fullmatch(key):
        raise InvalidIdempotencyKey(MAX_KEY_LENGTH)
    return key


def fingerprint(secret: bytes, method: str, target: str, body: bytes) -> str:
    """What makes two requests the same: method, path with query, and body, byte for byte.
    Keyed (HMAC-SHA256), so a stored fingerprint cannot be used to guess a secret in a body."""
    digest = hmac.new(secret, digestmod=hashlib.sha256)
    digest.update(f"{method.upper()}\n{target}\n".encode("latin-1", "replace"))
    digest.update(body)
    return digest.hexdigest()


def storable(answer: Answer) -> bool:
    return (
        len(answer.body) <= MAX_ANSWER_BYTES
        and 0 < len(answer.content_type) <= MAX_CONTENT_TYPE_LENGTH
        and 100 <= answer.status <= 599
    )


class Verdict(Enum):
    REPLAY = "replay"
    TAKE_OVER = "take_over"


def judge(entry: Entry, fingerprint: str, now: int) -> Verdict:
    """What an existing entry means for a request with the same key (in this order):
    expired → forgotten, the request takes the key over; another request → ``KeyReused``;
    answered → replay; still in flight → ``RequestInFlight``, unless its lease ran out (the
    instance that held it died): then the request takes it over."""
    if entry.expires_at <= now:
        return Verdict.TAKE_OVER
    if not hmac.compare_digest(entry.fingerprint, fingerprint):
        raise KeyReused()
    if entry.state is EntryState.DONE:
        return Verdict.REPLAY
    if entry.lease_until <= now:
        return Verdict.TAKE_OVER
    raise RequestInFlight()
