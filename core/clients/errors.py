from __future__ import annotations

from core.shared.errors import NotFound


class ClientNotFound(NotFound):
    def __init__(self, client_id: object) -> None:
        super().__init__("client", client_id)
