"""Rules on accounts and API tokens that every way in (CLI, GraphQL) relies on."""

from __future__ import annotations

from core.shared.errors import FieldError, InvalidInput

NAME_MAX = 200
LABEL_MAX = 100
LATEST_EXPIRY = 253_402_300_799
"""9999-12-31T23:59:59Z: the last instant a DateTime can name."""


def _text_errors(field: str, value: str, most: int) -> list[FieldError]:
    if not value:
        return [FieldError(field, "must not be empty", "REQUIRED")]
    if len(value) > most:
        return [FieldError(field, f"must be at most {most} characters", "TOO_LONG")]
    if "\x00" in value:
        # PostgreSQL text cannot hold NUL; refuse it everywhere so both databases agree.
        return [FieldError(field, "must not contain NUL characters", "INVALID")]
    return []


def account_name_errors(name: str) -> list[FieldError]:
    """Problems with an account's name (already stripped of surrounding blanks)."""
    return _text_errors("name", name, NAME_MAX)


def checked_label(label: str) -> str:
    """A token's label without surrounding blanks: 1 to 100 characters, no NUL."""
    label = label.strip()
    errors = _text_errors("label", label, LABEL_MAX)
    if errors:
        raise InvalidInput(errors)
    return label


def check_expiry(expires_at: int | None, now: int) -> None:
    """A token's expiry, when it has one, lies in the future (and before year 10000)."""
    if expires_at is None:
        return
    if expires_at <= now:
        raise InvalidInput.single("expires_at", "must be in the future", "OUT_OF_RANGE")
    if expires_at > LATEST_EXPIRY:
        raise InvalidInput.single("expires_at", "must be before the year 10000", "OUT_OF_RANGE")
