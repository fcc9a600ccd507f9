from __future__ import annotations

from core.shared.errors import Conflict, DomainError, NotFound


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


class ClientMerged(ClientNotFound):
    """The client was merged into another: it is gone, and the survivor is named."""

    def __init__(self, client_id: int, survivor_id: int) -> None:
        super().__init__(client_id)
        self.message = f"client {client_id} not found: it was merged into client {survivor_id}"
        self.args = (self.message,)
        self.survivor_id = survivor_id


class AlreadyMerged(Conflict):
    """A merge names a client that was merged before (a retried merge, or a race lost)."""

    def __init__(self, client_id: int, survivor_id: int) -> None:
        super().__init__(f"client {client_id} was already merged into client {survivor_id}")
        self.client_id = client_id
        self.survivor_id = survivor_id


class DuplicateTaxId(Conflict):
    """The account refuses a second client with the same valid tax id (``unique_tax_ids``)."""

    code = "DUPLICATE"
    field = "code"

    def __init__(self, code: str, other_id: int) -> None:
        super().__init__(f"client {other_id} already has the tax id {code}")
        self.tax_id = code
        self.other_id = other_id
