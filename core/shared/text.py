"""Rules for text every context stores: a type, a length that fits its column, and no NUL.

PostgreSQL text cannot hold NUL characters, so they are refused everywhere (both databases
then agree); the faces refuse them at the door too, and the core enforces it for every field.
"""

from __future__ import annotations

from core.shared.errors import FieldError

NUL = "\x00"
NO_NUL = "must not contain NUL characters"


def has_nul(text: str) -> bool:
    return NUL in text


def check_text(field: str, value: object, errors: list[FieldError], limit: int) -> None:
    """Appends why ``value`` is not acceptable text of at most ``limit`` characters (None is)."""
    if value is None:
        return
    if not isinstance(value, str):
        errors.append(FieldError(field, "must be a string", "WRONG_TYPE"))
    elif len(value) > limit:
        errors.append(FieldError(field, f"must be at most {limit} characters", "TOO_LONG"))
    elif has_nul(value):
        errors.append(FieldError(field, NO_NUL, "INVALID"))
