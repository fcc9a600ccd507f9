"""GraphQL input types of the accounts context."""

from __future__ import annotations

from datetime import UTC, datetime

import strawberry

from core.shared.errors import InvalidInput


def unix_seconds(moment: datetime, field: str = "expires_at") -> int:
    """A DateTime input as Unix seconds; one without a time zone is read as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return int(moment.timestamp())
    except (OverflowError, ValueError):  # an offset past year 9999
        raise InvalidInput.single(field, "is out of range", "OUT_OF_RANGE") from None


@strawberry.input(description="A new API token for the calling account.")
class CreateApiTokenInput:
    label: str = strawberry.field(
        description="What the token is for (1 to 100 characters), e.g. the system that uses it."
    )
    expires_at: datetime | None = strawberry.field(
        default=None,
        description="When it stops authenticating (in the future; UTC when no offset is "
        "given). Null: never.",
    )

    def expires_at_seconds(self) -> int | None:
        return unix_seconds(self.expires_at) if self.expires_at is not None else None
