"""Making and reading API token strings. No database access here.

The random parts and the hash kept of the secret come from :mod:`kindred.core.secrets`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings

_PUBLIC_ID = re.compile(r"^[0-9a-f]{16}$")


@dataclass(frozen=True)
class ParsedToken:
    public_id: str
    secret: str


def format_token(public_id: str, secret: str) -> str:
    return f"{settings.API_TOKEN_PREFIX}_{public_id}_{secret}"


def parse_token(raw: str) -> ParsedToken | None:
    """``kdr_<public_id>_<secret>`` → its parts; None for anything else.

    The secret may itself contain ``_`` (URL-safe base64), the public id never.
    """
    parts = raw.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != settings.API_TOKEN_PREFIX:
        return None
    _, public_id, secret = parts
    if not _PUBLIC_ID.match(public_id) or not secret or len(secret) > 128:
        return None
    return ParsedToken(public_id=public_id, secret=secret)
