from __future__ import annotations

from core.shared.errors import DomainError, NotFound


class ClientNotFound(NotFound):
    def __init__(self, client_id: object) -> None:
        super().__init__("client", client_id)


class AmbiguousClientCode(DomainError):
    """Several clients share the code and it does not pick one (none or more than one of
    them is active). Worded as Bsale words it."""

    code = "AMBIGUOUS_CODE"

    def __init__(self, typed: str) -> None:
        super().__init__(f"There are more than a client with the code {typed}")
        self.typed = typed
