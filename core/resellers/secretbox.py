"""Fernet (AES-128-CBC + HMAC-SHA256) implementation of the ``SecretBox`` port."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken


class FernetSecretBox:
    """Encrypts with a 32-byte key (e.g. ``derive_key(secret, "ose-secrets")``)."""

    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("a Fernet key is 32 bytes")
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def encrypt(self, plain: str) -> str:
        return self._fernet.encrypt(plain.encode()).decode("ascii")

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode("ascii")).decode()
        except InvalidToken:
            # Wrong key or tampered row: never echo the token.
            raise ValueError("cannot decrypt a stored secret (wrong key?)") from None
