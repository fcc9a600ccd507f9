"""A typed search: its bounds, the words it stands for, and how a match ranks.

Every searchable list (clients, business partners, onboarded accounts) matches a search the
same way: each word of the query must be a word prefix of the entity's search document (AND,
any order), everything compared in the folded form of ``core/shared/normalise.py``. Matches
rank in three tiers, then by id, so a cursor is ``(tier, id)`` and stays valid while rows
change elsewhere:

0. exact: the whole query is the entity's tax id, e-mail, phone or full name (normalised);
1. the entity's name starts with the whole query;
2. every other match.
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


def parse_search(text: str | None, field: str = "search") -> SearchQuery | None:
    """The query behind ``text``; None for no search (absent or blank); InvalidInput naming
    ``field`` when it is too long, holds NUL, has no letter or digit, or too many words."""
    if text is None or not text.strip():
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
    )


def relevance(keys: Mapping[str, str | None], query: SearchQuery) -> int:
    """The tier of a match whose stored keys are ``keys`` (the SQL ordering mirrors it)."""
    exact = (
        (query.tax_id is not None and keys.get("tax_id_key") == query.tax_id)
        or (query.email is not None and keys.get("email_key") == query.email)
        or (query.phone is not None and keys.get("phone_key") == query.phone)
        or keys.get("name_key") == query.name
    )
    if exact:
        return EXACT
    name = keys.get("name_key")
    return NAME_PREFIX if name is not None and name.startswith(query.name) else OTHER


def matches(document: str, query: SearchQuery) -> bool:
    """Whether a search document (``normalise.document``) matches: every term is a prefix of
    one of its words. The databases' indexes answer the same question."""
    return all(f" {term}" in document for term in (*query.terms, *query.checks))
