"""Helpers for API tests: bearer headers (tokens come from the ``make_token`` fixture in
the top conftest, so the API tests that live beside their apps share it)."""

from __future__ import annotations


def bearer(plaintext: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}
