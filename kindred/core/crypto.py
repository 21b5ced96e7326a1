"""Encryption of clinical content at rest.

MultiFernet (AES-128-CBC + HMAC-SHA256, from ``cryptography``) with keys that live
outside the database (``KINDRED_ENCRYPTION_KEYS``). The first key encrypts; every
key decrypts, so a new key can be put in front and old rows re-encrypted at leisure
with ``kindred rotate_keys``.
"""

from __future__ import annotations

from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


class DecryptionError(Exception):
    """Stored ciphertext could not be decrypted with any configured key."""


@lru_cache(maxsize=4)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("No encryption keys are configured.")
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        # Never echo the key itself.
        raise ImproperlyConfigured(
            "KINDRED_ENCRYPTION_KEYS holds a malformed key: each must be 32 url-safe "
            "base64-encoded bytes (generate one with `kindred generate_key`)."
        ) from exc


def get_cipher() -> MultiFernet:
    return _cipher(tuple(settings.ENCRYPTION_KEYS))


@lru_cache(maxsize=4)
def _primary(key: str) -> Fernet:
    _cipher((key,))  # The same refusal of a malformed key, without echoing it.
    return Fernet(key.encode())


def is_under_primary_key(token: str) -> bool:
    """Was ``token`` encrypted under the first key? (Its HMAC verifies under that key
    alone; nothing is decrypted.) False for a token under an old key or none."""
    keys = settings.ENCRYPTION_KEYS
    if not keys:
        raise ImproperlyConfigured("No encryption keys are configured.")
    try:
        _primary(keys[0]).extract_timestamp(token.encode("ascii"))
    except (InvalidToken, UnicodeError):
        return False
    return True


def encrypt_text(plaintext: str) -> str:
    return get_cipher().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt_text(token: str) -> str:
    try:
        return get_cipher().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError) as exc:
        raise DecryptionError("stored value cannot be decrypted with the configured keys") from exc


def rotate_token(token: str) -> str:
    """Re-encrypt ``token`` under the primary key (no-op in meaning, new ciphertext)."""
    try:
        return get_cipher().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as exc:
        raise DecryptionError("stored value cannot be decrypted with the configured keys") from exc


def generate_key() -> str:
    return Fernet.generate_key().decode("ascii")
