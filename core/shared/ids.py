"""The one parser for ids and numeric strings: ASCII digits only.

``str.isdigit()`` accepts superscript two (which ``int()`` then refuses) and ``int()``
accepts Arabic-Indic and other Unicode digits (``int("\\u0661") == 1``), so neither may
decide whether a caller's text is a number. Every face and the core parse through here.
"""

from __future__ import annotations

import re

# Up to 18 digits always fits a signed 64-bit column (BIGINT): larger would overflow it.
MAX_ID_DIGITS = 18
MAX_ID = 10**MAX_ID_DIGITS - 1
_ASCII_DIGITS = re.compile(r"[0-9]+")


def is_ascii_digits(text: str) -> bool:
    """True for a non-empty string of ASCII digits 0-9 and nothing else."""
    return _ASCII_DIGITS.fullmatch(text) is not None


def as_id(text: str) -> int | None:
    """The positive id ``text`` spells (ASCII digits, at most 18 of them), or None."""
    if len(text) > MAX_ID_DIGITS or not is_ascii_digits(text):
        return None
    number = int(text)
    return number if number > 0 else None
