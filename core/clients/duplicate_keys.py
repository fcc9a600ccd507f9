"""Pure rules of duplicate detection: the keys two clients are compared on.

- tax id: the stored code without ``TAX_ID_SEPARATORS``, upper case (so ``20.100.070-970``
  and ``20100070970`` match), except the empty code and the generic foreigner RUT;
- e-mail: trimmed, lower case;
- phone: its ASCII digits, when there are at least ``MIN_PHONE_DIGITS`` of them;
- name and city: first and last name (or the company when neither is set) and the city, both
  trimmed, lower case, inner spaces collapsed; both must be set.

The SQL adapters compute the same keys in SQL (``core.storage.repositories.clients.duplicates``).
"""

from __future__ import annotations

import re

from core.clients.model import Client, DuplicateCandidate, DuplicateKeys, DuplicateReason
from core.shared.taxid import FOREIGNER_RUT

MIN_PHONE_DIGITS = 6
MAX_CANDIDATES = 20
"""Most candidates listed for one client."""
MAX_GROUP_PAGE = 50
"""Most duplicate groups per page."""
MAX_GROUP_MEMBERS = 20
"""Most clients listed per group (its size says how many hold the key)."""
TAX_ID_SEPARATORS = " .-/"
"""What a tax id key leaves out (dots, hyphens, check-digit separators, spaces)."""
PHONE_PUNCTUATION = " -+().,/"
"""What the SQL side strips from a phone (it has no portable regular expressions); a phone
holding anything else never matches there."""

_SPACES = re.compile(r"\s+")
_NOT_DIGIT = re.compile(r"[^0-9]")


def _text(value: str | None) -> str:
    return _SPACES.sub(" ", (value or "").strip()).lower()


def tax_id_key(code: str | None) -> str | None:
    code = (code or "").strip()
    if not code or code == FOREIGNER_RUT:
        return None
    for ch in TAX_ID_SEPARATORS:
        code = code.replace(ch, "")
    return code.upper() or None


def email_key(email: str | None) -> str | None:
    return (email or "").strip().lower() or None


def phone_key(phone: str | None) -> str | None:
    raw = phone or ""
    if any(not ch.isdigit() and ch not in PHONE_PUNCTUATION for ch in raw):
        return None  # the SQL side could not strip it the same way
    digits = _NOT_DIGIT.sub("", raw)
    return digits if len(digits) >= MIN_PHONE_DIGITS else None


def name_of(client: Client) -> str:
    """The name compared: first and last name, or the company when neither is set."""
    if client.first_name or client.last_name:
        return f"{client.first_name or ''} {client.last_name or ''}"
    return client.company or ""


def name_and_city_key(client: Client) -> tuple[str, str] | None:
    name, city = _text(name_of(client)), _text(client.city)
    return (name, city) if name and city else None


def keys_of(client: Client) -> DuplicateKeys:
    return DuplicateKeys(
        tax_id=tax_id_key(client.code),
        email=email_key(client.email),
        phone=phone_key(client.phone),
        name_and_city=name_and_city_key(client),
    )


def group_key(reason: DuplicateReason, keys: DuplicateKeys) -> str | None:
    """The text a duplicate group is keyed by (name and city joined by ``|``)."""
    value = keys.of(reason)
    if isinstance(value, tuple):
        return "|".join(value)
    return value if isinstance(value, str) else None


def candidates(client: Client, others: list[Client]) -> list[DuplicateCandidate]:
    """The clients of ``others`` sharing a key with ``client``, each with every reason, in id
    order, at most ``MAX_CANDIDATES``."""
    mine = keys_of(client)
    found: list[DuplicateCandidate] = []
    for other in sorted(others, key=lambda c: c.id):
        if other.id == client.id:
            continue
        theirs = keys_of(other)
        reasons = tuple(
            r for r in DuplicateReason if mine.of(r) is not None and mine.of(r) == theirs.of(r)
        )
        if reasons:
            found.append(DuplicateCandidate(other, reasons))
    return found[:MAX_CANDIDATES]
