"""Random public ids and secrets, and how a secret is kept: only its SHA-256 is stored.

For credentials shown to their owner once (API tokens, calendar feed URLs): the public
id finds the row, the secret proves it. No database access here.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets


def new_public_id() -> str:
    return secrets.token_hex(8)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    # A plain hash suffices: the secret is 256 random bits, not a password to stretch.
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(secret: str, secret_hash: str) -> bool:
    # Constant time, so response timing says nothing about how close a guess was.
    return hmac.compare_digest(hash_secret(secret), secret_hash)
