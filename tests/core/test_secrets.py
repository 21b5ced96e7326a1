"""Public ids, secrets and the hash kept of a secret."""

from __future__ import annotations

import hashlib
import re

from kindred.core.secrets import hash_secret, new_public_id, new_secret, secret_matches


def test_hash_and_compare():
    secret = new_secret()
    assert len(hash_secret(secret)) == 64
    assert secret_matches(secret, hash_secret(secret))
    assert not secret_matches(secret + "x", hash_secret(secret))


def test_the_hash_is_sha256_of_the_secret():
    assert hash_secret("s3cret") == hashlib.sha256(b"s3cret").hexdigest()
    assert not secret_matches("s3cret", "")


def test_ids_and_secrets_have_the_shapes_tokens_and_feed_urls_accept():
    public_id, secret = new_public_id(), new_secret()
    assert re.fullmatch(r"[0-9a-f]{16}", public_id)
    assert re.fullmatch(r"[A-Za-z0-9_-]{20,128}", secret)


def test_each_call_gives_a_new_value():
    assert len({new_public_id() for _ in range(20)}) == 20
    assert len({new_secret() for _ in range(20)}) == 20
