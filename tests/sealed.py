"""What a column holds at rest: a token that opens to the value, never the value."""

from __future__ import annotations

import json
from typing import Any

from kindred.core.crypto import decrypt_text


def assert_sealed(raw: str, value: Any) -> None:
    """``raw``, read from the database, is a token that opens to ``value`` (text as
    stored, or what a JSON field stores).

    "A word of the plaintext is not in the column" fails by chance: a 200-character
    token holds a given three letters about once in 1,300 runs. A token that opens
    under the keys is ciphertext by construction; ``decrypt_text`` raises on anything
    else.
    """
    opened = decrypt_text(raw)
    assert (opened if isinstance(value, str) else json.loads(opened)) == value
    if isinstance(value, str):
        assert value not in raw
