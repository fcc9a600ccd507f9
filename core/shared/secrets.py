"""Generating and verifying secrets.

Generated secrets (API tokens, generated passwords, session tokens) carry ~90+ bits of entropy, so
they are stored as a keyed fast hash (HMAC-SHA256 with the server key): a slow hash would add
latency and no security. Passwords people choose are stored with Argon2id (see ``PasswordHasher``).
"""

from __future__ import annotations

import hmac
import secrets
import string

import argon2

_SYMBOLS = "!#$%&*+-=?@^_"
_PASSWORD_ALPHABET = string.ascii_letters + string.digits + _SYMBOLS


class SecretHasher:
    """Keyed hash of high-entropy secrets. Deterministic, so it can be looked up by index."""

    def __init__(self, key: bytes) -> None:
        if len(key) < 16:
            raise ValueError("the secret key must be at least 16 bytes")
        self._key = key

    def hash(self, secret: str) -> str:
        # The one-shot HMAC (OpenSSL's, no Python object per call): once per request.
        return hmac.digest(self._key, secret.encode(), "sha256").hex()

    def verify(self, secret: str, digest: str) -> bool:
        return hmac.compare_digest(self.hash(secret), digest)


def new_token(prefix: str = "cg") -> str:
    """An opaque bearer token: prefix, then 256 random bits."""
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def new_password(length: int = 15) -> str:
    """A generated password with at least one upper, lower, digit and symbol (CSPRNG)."""
    if length < 8:
        raise ValueError("generated passwords are at least 8 characters")
    while True:
        candidate = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(length))
        if (
            any(c.isupper() for c in candidate)
            and any(c.islower() for c in candidate)
            and any(c.isdigit() for c in candidate)
            and any(c in _SYMBOLS for c in candidate)
        ):
            return candidate


class PasswordHasher:
    """Argon2id with OWASP's parameters (m=19 MiB, t=2, p=1). CPU-bound: call it in a thread."""

    def __init__(self) -> None:
        self._argon2 = argon2.PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)

    def hash(self, password: str) -> str:
        return str(self._argon2.hash(password))

    def verify(self, password: str, digest: str) -> bool:
        try:
            return bool(self._argon2.verify(digest, password))
        except (argon2.exceptions.VerificationError, argon2.exceptions.InvalidHashError):
            return False
