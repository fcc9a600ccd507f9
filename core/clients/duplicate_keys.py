"""Pure rules of duplicate detection: the keys two clients are compared on, the ones stored
with every client (``core.clients.search.client_keys``, ``core.shared.normalise``):

- tax id: ``tax_id_key`` (no separators, upper case: ``20.100.070-970`` ≈ ``20100070970``),
  except the generic foreigner RUT;
- e-mail: ``email_key`` (folded: case- and accent-insensitive);
- phone: ``phone_key`` (its last 9 digits: ``+51 987 654 321`` ≈ ``987-654-321``);
- name and city: the folded name (``name_key``: first name, last name, company) in the same
  folded city (``city_key``: ``Bogotá`` ≈ ``BOGOTA``). Close names count on PostgreSQL:
  trigram similarity of at least ``NAME_SIMILARITY`` (pg_trgm's measure, reproduced by
  :func:`similarity`); SQLite, without trigrams, matches the folded name exactly.
"""

from __future__ import annotations

import re

from core.clients.model import Client, DuplicateCandidate, DuplicateKeys, DuplicateReason
from core.clients.search import name_of
from core.shared import normalise
from core.shared.taxid import FOREIGNER_RUT

MAX_CANDIDATES = 20
"""Most candidates listed for one client."""
MAX_GROUP_PAGE = 50
"""Most duplicate groups per page."""
MAX_GROUP_MEMBERS = 20
"""Most clients listed per group (its size says how many hold the key)."""
NAME_SIMILARITY = 0.6
"""How close two names must be (trigram similarity, 0 to 1) to count as the same."""
FOREIGNER_TAX_KEY = normalise.tax_id_key(FOREIGNER_RUT)
"""The generic foreigner RUT is held by many different people: never a duplicate."""

_ALNUM = re.compile(r"[^\W_]+")


def keys_of(client: Client) -> DuplicateKeys:
    tax = normalise.tax_id_key(client.code)
    name = normalise.text_key(
        name_of(client.first_name or "", client.last_name or "", client.company or "")
    )
    city = normalise.text_key(client.city)
    return DuplicateKeys(
        tax_id=None if tax == FOREIGNER_TAX_KEY else tax,
        email=normalise.email_key(client.email),
        phone=normalise.phone_key(client.phone),
        name_and_city=(name, city) if name and city else None,
    )


def _trigrams(text: str) -> set[str]:
    found: set[str] = set()
    for word in _ALNUM.findall(text.lower()):
        padded = f"  {word} "
        found.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return found


def similarity(a: str, b: str) -> float:
    """pg_trgm's ``similarity``: shared trigrams over all trigrams of both (words padded with
    two spaces before and one after)."""
    ta, tb = _trigrams(a), _trigrams(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def _same(reason: DuplicateReason, mine: DuplicateKeys, theirs: DuplicateKeys) -> bool:
    a, b = mine.of(reason), theirs.of(reason)
    if a is None or b is None:
        return False
    if reason is DuplicateReason.NAME_AND_CITY:
        assert isinstance(a, tuple) and isinstance(b, tuple)
        return a[1] == b[1] and (a[0] == b[0] or similarity(a[0], b[0]) >= NAME_SIMILARITY)
    return a == b


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
        reasons = tuple(r for r in DuplicateReason if _same(r, mine, theirs))
        if reasons:
            found.append(DuplicateCandidate(other, reasons))
    return found[:MAX_CANDIDATES]
