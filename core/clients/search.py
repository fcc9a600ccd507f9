"""What makes a client findable: its normalised keys and its search document.

Every write of a client stores these next to the fields (``core.storage`` calls
:func:`client_keys` with the full row), so filters, search and duplicate detection compare
one normalised form on both databases (``core/shared/normalise.py``)."""

from __future__ import annotations

from collections.abc import Mapping

from core.clients.model import Client, client_fields
from core.shared import normalise
from core.shared.search import SearchQuery, matches, relevance

# The fields the keys are computed from: a change to any of them recomputes the keys.
KEY_SOURCES = frozenset({"first_name", "last_name", "company", "email", "phone", "code", "city"})
KEY_COLUMNS = (
    "first_name_key",
    "last_name_key",
    "name_key",
    "email_key",
    "phone_key",
    "tax_id_key",
    "city_key",
    "search_text",
)


def _text(source: Mapping[str, object], name: str) -> str:
    value = source.get(name)
    return value if isinstance(value, str) else ""


def name_of(first_name: str, last_name: str, company: str) -> str:
    """A client's display name for matching: the person's names, then the company."""
    return " ".join(part for part in (first_name, last_name, company) if part)


def client_keys(source: Mapping[str, object]) -> dict[str, str | None]:
    """The key columns of a client whose fields are ``source`` (missing fields are empty)."""
    first, last, company = (_text(source, n) for n in ("first_name", "last_name", "company"))
    email, phone, code = (_text(source, n) for n in ("email", "phone", "code"))
    tax_key = normalise.tax_id_key(code)
    phone_key = normalise.phone_key(phone)
    doc = normalise.document(
        *(" ".join(normalise.words(text)) for text in (first, last, company, email)),
        " ".join(normalise.words(tax_key or "")),
        normalise.phone_digits(phone),
        phone_key,
    )
    return {
        "first_name_key": normalise.text_key(first),
        "last_name_key": normalise.text_key(last),
        "name_key": normalise.text_key(name_of(first, last, company)),
        "email_key": normalise.email_key(email),
        "phone_key": phone_key,
        "tax_id_key": tax_key,
        # Duplicate detection's city (core/clients/duplicate_keys.py).
        "city_key": normalise.text_key(_text(source, "city")),
        "search_text": doc,
    }


def client_relevance(client: Client, query: SearchQuery) -> int:
    """The tier of ``client`` among the matches of ``query`` (its cursor's sort value)."""
    return relevance(client_keys(client_fields(client)), query)


def client_matches(client: Client, query: SearchQuery) -> bool:
    return matches(client_keys(client_fields(client))["search_text"] or "", query)


ADDRESS_KEY_SOURCES = frozenset({"address", "city", "district"})


def address_keys(source: Mapping[str, object]) -> dict[str, str | None]:
    """The folded columns the address filters compare (``address_key`` ...)."""
    return {f"{name}_key": normalise.text_key(_text(source, name)) for name in ADDRESS_KEY_SOURCES}
