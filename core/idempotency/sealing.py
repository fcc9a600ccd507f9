"""Fernet (AES-128-CBC + HMAC-SHA256) implementation of the ``Sealer`` port."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken


class FernetSealer:
    """Seals bytes with a 32-byte key (``derive_key(secret, "idempotency-answers")``)."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("a Fernet key is 32 bytes")
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def seal(self, plain: bytes) -> bytes:
        return self._fernet.encrypt(plain)

    def unseal(self, sealed: bytes) -> bytes:
        try:
            return self._fernet.decrypt(sealed)
        except InvalidToken:
            # Wrong key (CLIENTGATE_SECRET_KEY changed) or a tampered row: never echo it.
            raise ValueError("cannot unseal a stored answer (wrong key?)") from None
