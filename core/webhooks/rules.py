"""Pure rules of webhooks: what an endpoint URL may be, which addresses it may reach, and
when a failed delivery is tried again."""

from __future__ import annotations

import ipaddress
import random
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit

from core.shared.errors import FieldError, InvalidInput
from core.shared.text import check_text

MAX_URL_LENGTH = 2048
MAX_DESCRIPTION_LENGTH = 255
SCHEMES = ("http", "https")
REFUSED = (
    "the host resolves to a private, loopback or link-local address;"
    " webhooks only reach public addresses"
)


@dataclass(frozen=True)
class Target:
    """A checked endpoint URL: the host to resolve and the port to connect to."""

    url: str
    host: str
    port: int


def checked_url(url: str, field: str = "url") -> Target:
    """An absolute http(s) URL with a host, no credentials, at most ``MAX_URL_LENGTH``."""
    if len(url) > MAX_URL_LENGTH:
        raise InvalidInput.single(field, f"must be at most {MAX_URL_LENGTH} characters", "TOO_LONG")
    if not url.isascii() or any(c.isspace() or ord(c) < 32 for c in url):
        raise InvalidInput.single(field, "must be an absolute http or https URL (ASCII)")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise InvalidInput.single(field, "not a valid URL") from None
    if parts.scheme not in SCHEMES or not parts.hostname:
        raise InvalidInput.single(field, "must be an absolute http or https URL")
    if parts.username is not None or parts.password is not None:
        raise InvalidInput.single(field, "must not carry credentials")
    default = 443 if parts.scheme == "https" else 80
    return Target(url=url, host=parts.hostname, port=port or default)


def checked_description(description: str) -> str:
    errors: list[FieldError] = []
    check_text("description", description, errors, MAX_DESCRIPTION_LENGTH)
    if errors:
        raise InvalidInput(errors)
    return description


def refused_address(address: str) -> bool:
    """Whether a webhook may not connect to ``address``: anything but a public unicast
    address (private, loopback, link-local, multicast, reserved, unspecified; IPv4-mapped and
    NAT64-embedded IPv4 judged as the IPv4 they carry)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in ipaddress.ip_network("64:ff9b::/96"):
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            ip = embedded
    return not ip.is_global or ip.is_multicast


def refused_among(addresses: Iterable[str]) -> str | None:
    """The first refused address, if any (every address a name resolves to must pass: the
    connection may use any of them)."""
    for address in addresses:
        if refused_address(address):
            return address
    return None


def next_attempt_delay(
    attempts: int, base: float, cap: float, rng: random.Random | None = None
) -> int:
    """Seconds before the next attempt after ``attempts`` failed ones: ``base * 2^(n-1)``
    capped at ``cap``, with "equal jitter" (between half and all of it), rounded up."""
    delay = min(cap, base * 2 ** max(attempts - 1, 0))
    jittered = delay / 2 + (rng or random).random() * delay / 2
    return max(int(-(-jittered // 1)), 0)
