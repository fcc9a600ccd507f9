"""One normalisation for search, filters and duplicate detection, on both databases.

The keys are computed here, in Python, and stored next to the text they come from (SQLite has
no ``unaccent``, and PostgreSQL's is not IMMUTABLE, so it cannot back an index). Queries are
normalised with the same functions, so a stored key and a typed value meet in one form:

- :func:`fold` — case- and accent-insensitive text: Unicode case folding, compatibility
  decomposition with the combining marks dropped (``Muñoz`` → ``munoz``, ``Lucía`` →
  ``lucia``, ``ß`` → ``ss``), the few Latin letters that do not decompose mapped by hand
  (``ø``, ``ł``, ``æ``, ``œ`` …), runs of whitespace collapsed to one space.
- :func:`words` — the searchable words of a text: the folded text split on everything that
  is not a letter or a digit.
- :func:`phone_digits` / :func:`phone_key` — a phone number as its ASCII digits
  (``+51 987 654 321`` → ``51987654321``). Country prefixes are not parsed (no numbering
  plan is known for every country); instead ``phone_key`` keeps the **last
  :data:`PHONE_KEY_DIGITS` digits**, the national number in Peru, Chile and Spain, so
  ``+51 987 654 321``, ``0051 987654321`` and ``987 654 321`` share one key. Numbers with
  fewer than :data:`PHONE_MIN_DIGITS` digits have no key (too short to identify anyone).
  Search also indexes the full digits, so typing the number with its prefix finds it too.
- :func:`tax_id_key` — a tax id without its separators (dots, hyphens, spaces, slashes, the
  check-digit dash), upper-case: ``12.345.678-k`` → ``12345678K``, ``20-12345678-9`` →
  ``20123456789``. It is python-stdnum's ``clean`` (what every ``compact`` starts with)
  followed by keeping letters and digits, the same for every country, so ids of any
  country (and invalid ones, kept as typed) compare.
- :func:`email_key` — the folded, trimmed address (case-insensitive, accent-insensitive).
"""

from __future__ import annotations

import re
import unicodedata

from stdnum.util import clean

PHONE_KEY_DIGITS = 9
PHONE_MIN_DIGITS = 7

# Latin letters that have no canonical decomposition, folded as a reader would.
_UNDECOMPOSED = str.maketrans(
    {
        "ø": "o",
        "đ": "d",
        "ð": "d",
        "ł": "l",
        "ħ": "h",
        "\u0131": "i",  # dotless i
        "þ": "th",
        "æ": "ae",
        "œ": "oe",
    }
)
# Runs of letters, or runs of digits: ``munoz84`` is two words, so that a word prefix never
# has to expand over every e-mail's ``name<digits>`` (an FTS prefix query costs per term).
_WORD = re.compile(r"[^\W\d_]+|\d+")
# Separators between two digits (tax ids and phones typed with dots, dashes, slashes).
_BETWEEN_DIGITS = re.compile(r"(?<=\d)[^\w\s]+(?=\d)")
_TAX_SEPARATORS = " -./,:_"


def fold(text: str) -> str:
    """Case- and accent-insensitive form of ``text`` (see the module's docstring)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.translate(_UNDECOMPOSED).split())


def words(text: str) -> list[str]:
    """The folded words of ``text``: runs of letters, runs of digits."""
    return _WORD.findall(fold(text))


def phone_digits(text: str) -> str:
    """The ASCII digits of ``text`` (full-width and other compatibility digits included)."""
    return "".join(c for c in unicodedata.normalize("NFKC", text) if "0" <= c <= "9")


def phone_key(text: str | None) -> str | None:
    """The last :data:`PHONE_KEY_DIGITS` digits, or None below :data:`PHONE_MIN_DIGITS`."""
    digits = phone_digits(text or "")
    if len(digits) < PHONE_MIN_DIGITS:
        return None
    return digits[-PHONE_KEY_DIGITS:]


def tax_id_key(text: str | None) -> str | None:
    """A tax id without separators, upper-case; None when nothing is left."""
    compact = clean(unicodedata.normalize("NFKC", text or ""), _TAX_SEPARATORS).upper()
    key = "".join(c for c in compact if c.isascii() and c.isalnum())
    return key or None


def email_key(text: str | None) -> str | None:
    """The folded address without spaces; None when empty."""
    key = fold(text or "").replace(" ", "")
    return key or None


def text_key(text: str | None) -> str | None:
    """The folded text, or None when empty (the key of a name or another text field)."""
    key = fold(text or "")
    return key or None


def document(*parts: str | None) -> str:
    """A search document: the distinct words of ``parts`` between single spaces, with a space
    at both ends so that ``LIKE '% word%'`` is a word-prefix match (the words are also what an
    FTS index tokenises)."""
    seen: dict[str, None] = {}
    for part in parts:
        for word in (part or "").split(" "):
            if word:
                seen.setdefault(word, None)
    return f" {' '.join(seen)} " if seen else ""


def weak_terms(text: str) -> set[str]:
    """Words of ``text`` that cannot narrow a search by themselves, so an index should not be
    asked for them: an e-mail's domain after a local part (``correo``, ``pe`` of
    ``lucia@correo.pe``: every client of that domain has them), single letters (``k`` of
    ``12.345.678-K``). They are still checked on the rows the other words find."""
    weak: set[str] = set()
    for raw in text.split():
        local, at, domain = raw.partition("@")
        if at and words(local):
            weak.update(words(domain))
    weak.update(term for term in search_terms(text) if len(term) == 1)
    return weak


def search_terms(text: str) -> list[str]:
    """The words a typed search stands for, each to match a word prefix of the document.

    Words split like stored text (``juan.perez84@mail`` → ``juan perez 84 mail``), after the
    separators between digits go (a tax id or a phone typed with separators:
    ``12.345.678-K`` → ``12345678 k``, ``987-654-321`` → ``987654321``); typed words that are
    whole numbers join (``+51 987 654 321`` → ``51987654321``): the document holds the
    phone's digits and tax id in those forms."""
    terms: list[str] = []
    joining = False
    for raw in text.split():
        parts = _WORD.findall(_BETWEEN_DIGITS.sub("", fold(raw)))
        number = len(parts) == 1 and parts[0].isdigit()
        if number and joining:
            terms[-1] += parts[0]
        else:
            terms.extend(parts)
        joining = number
    return list(dict.fromkeys(terms))
