"""GraphQL face of the clients context (work in progress)."""

from __future__ import annotations

import strawberry


@strawberry.type
class ClientQuery:
    @strawberry.field(description="Version of the clients API.")
    def clients_api_version(self) -> str:
        return "1"


@strawberry.type
class ClientMutation:
    @strawberry.mutation(description="No-op placeholder, replaced by real mutations.")
    def noop(self) -> bool:
        return True


EXTRA_TYPES: tuple[type, ...] = ()
