"""A typed search: its bounds, the words it stands for, and how a match ranks.

Every searchable list (clients, business partners, onboarded accounts) matches a search the
same way: each word of the query must be a word prefix of the entity's search document (AND,
any order), everything compared in the folded form of ``core/shared/normalise.py``. Matches
rank in three tiers, then by id, so a cursor is ``(tier, id)`` and stays valid while rows
change elsewhere:

0. exact: the whole query is the entity's tax id, e-mail, phone or full name (normalised),
   or its identifier as typed (a partner's idRemote);
1. the entity's name starts with the whole query;
2. every other match.

An entity may have more than one name (a partner's contact and commercial names) or phone
(an onboarded account's phone and mobile): any of them counts (``NAME_KEYS``, ``EXACT_KEYS``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from core.shared import normalise
from core.shared.errors import InvalidInput
from core.shared.text import has_nul

MAX_SEARCH_CHARS = 200
MAX_SEARCH_TERMS = 8
EXACT, NAME_PREFIX, OTHER = 0, 1, 2
# A search's totalCount counts at most this many matches; beyond it the answer is the bound.
SEARCH_COUNT_BOUND = 1_000
# The stored keys an entity's match is exact on (tier 0), each with the attribute of the
# query it must equal; and the keys of its names (tier 0 when equal, 1 when they start with
# the query). An entity stores the ones it has; the SQL tiers compare the same keys.
EXACT_KEYS = {
    "tax_id_key": "tax_id",
    "email_key": "email",
    "phone_key": "phone",
    "mobile_key": "phone",
    "id_remote": "text",
}
NAME_KEYS = ("name_key", "comercial_name_key")


@dataclass(frozen=True)
class SearchQuery:
    terms: tuple[str, ...]
    """Words each matching a word prefix of the document, asked of the search index."""
    checks: tuple[str, ...]
    """Words that must match too, checked on the rows the ``terms`` find (``weak_terms``)."""
    name: str
    """The folded query, compared with name keys (tiers 0 and 1)."""
    tax_id: str | None
    email: str | None
    phone: str | None
    text: str = ""
    """The query as typed, trimmed (identifiers compared as typed: a partner's idRemote)."""


def has_search(text: str | None) -> bool:
    """Whether ``text`` asks for a search (``parse_search`` answers a query or an error)."""
    return text is not None and bool(text.strip())


def parse_search(text: str | None, field: str = "search") -> SearchQuery | None:
    """The query behind ``text``; None for no search (absent or blank); InvalidInput naming
    ``field`` when it is too long, holds NUL, has no letter or digit, or too many words."""
    if text is None or not has_search(text):
        return None
    if len(text) > MAX_SEARCH_CHARS:
        raise InvalidInput.single(
            field, f"must be at most {MAX_SEARCH_CHARS} characters", "TOO_LONG"
        )
    if has_nul(text):
        raise InvalidInput.single(field, "must not contain NUL characters", "INVALID")
    terms = normalise.search_terms(text)
    if not terms:
        raise InvalidInput.single(field, "must contain a letter or a digit", "INVALID")
    if len(terms) > MAX_SEARCH_TERMS:
        raise InvalidInput.single(field, f"must have at most {MAX_SEARCH_TERMS} words", "TOO_LONG")
    name = normalise.fold(text)
    weak = normalise.weak_terms(text)
    strong = [term for term in terms if term not in weak] or terms
    strong.sort(key=str.isdigit)  # words of letters first, numbers after (stable)
    return SearchQuery(
        terms=tuple(strong),
        checks=tuple(term for term in terms if term not in strong),
        name=name,
        tax_id=normalise.tax_id_key(name),
        email=normalise.email_key(text),
        phone=normalise.phone_key(text),
        text=text.strip(),
    )


def relevance(keys: Mapping[str, str | None], query: SearchQuery) -> int:
    """The tier of a match whose stored keys are ``keys`` (``EXACT_KEYS``, ``NAME_KEYS``;
    the SQL ordering mirrors it)."""
    names = [name for key in NAME_KEYS if (name := keys.get(key)) is not None]
    exact = query.name in names or any(
        (value := keys.get(key)) is not None and value == getattr(query, wanted)
        for key, wanted in EXACT_KEYS.items()
    )
    if exact:
        return EXACT
    return NAME_PREFIX if any(name.startswith(query.name) for name in names) else OTHER


def tiers_after(after: tuple[int, int] | None, descending: bool) -> list[tuple[int, int | None]]:
    """The tiers a page in relevance order reads, in turn, after the cursor ``after`` (its
    row's tier and id), each with the id its rows come after (None: from the tier's start).
    ``descending``: the reverse order (a backward page)."""
    tiers = [OTHER, NAME_PREFIX, EXACT] if descending else [EXACT, NAME_PREFIX, OTHER]
    if after is None:
        return [(tier, None) for tier in tiers]
    start, last_id = after
    later: list[tuple[int, int | None]] = [
        (t, None) for t in tiers if (t < start if descending else t > start)
    ]
    return [(start, last_id), *later] if start in tiers else later


def matches(document: str, query: SearchQuery) -> bool:
    """Whether a search document (``normalise.document``) matches: every term is a prefix of
    one of its words. The databases' indexes answer the same question."""
    return all(f" {term}" in document for term in (*query.terms, *query.checks))
