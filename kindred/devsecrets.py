"""Secrets generated for the embedded development default.

A fresh checkout must run with no configuration, but a fixed secret in git would
be a secret shared with the whole internet. So development secrets are generated
once into ``var/`` (ignored by git) and reused on the next start.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from cryptography.fernet import Fernet


def _read_or_create(path: Path, make: object) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    value = make() if callable(make) else str(make)
    # Created with owner-only permissions: a key file readable by others is a leak.
    path.touch(mode=0o600)
    path.write_text(value + "\n", encoding="utf-8")
    return value


def dev_secret_key(var_dir: Path) -> str:
    return _read_or_create(var_dir / "secret-key", lambda: secrets.token_urlsafe(50))


def dev_encryption_keys(var_dir: Path) -> str:
    return _read_or_create(var_dir / "encryption-keys", lambda: Fernet.generate_key().decode())
