from __future__ import annotations

import string

from core.shared.secrets import PasswordHasher, SecretHasher, new_password, new_token


def test_generated_passwords_have_every_class_and_differ() -> None:
    seen = set()
    for _ in range(200):
        pw = new_password()
        assert len(pw) == 15
        assert any(c in string.ascii_uppercase for c in pw)
        assert any(c in string.ascii_lowercase for c in pw)
        assert any(c in string.digits for c in pw)
        assert any(not c.isalnum() for c in pw)
        seen.add(pw)
    assert len(seen) == 200


def test_keyed_hash_depends_on_the_key() -> None:
    a, b = SecretHasher(b"k" * 32), SecretHasher(b"j" * 32)
    token = new_token()
    assert a.hash(token) != b.hash(token)
    assert a.verify(token, a.hash(token))
    assert not a.verify(token + "x", a.hash(token))
    assert token not in a.hash(token)


def test_argon2id_round_trip() -> None:
    hasher = PasswordHasher()
    digest = hasher.hash("correct horse battery staple")
    assert digest.startswith("$argon2id$")
    assert "m=19456,t=2,p=1" in digest
    assert hasher.verify("correct horse battery staple", digest)
    assert not hasher.verify("wrong", digest)
