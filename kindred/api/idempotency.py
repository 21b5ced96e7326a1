"""The ``Idempotency-Key`` header on the operations that create things
(:mod:`kindred.core.idempotency` keeps the keys)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.errors import HttpError

from kindred.core.idempotency import HEADER, InvalidKey, key_from_header

# Documents the header on the operations that take it (ninja extends the parameters).
IDEMPOTENT = {
    "parameters": [
        {
            "in": "header",
            "name": HEADER,
            "required": False,
            "schema": {"type": "string", "minLength": 1, "maxLength": 100},
            "description": "Retry safely: a retry with the same key stores nothing twice and "
            "gets the first answer back (kept 24 hours; the same key with another request "
            "is 422).",
        }
    ]
}


def request_key(request: HttpRequest) -> str | None:
    try:
        return key_from_header(request)
    except InvalidKey as exc:
        raise HttpError(422, str(exc)) from None
