"""Helpers for API tests: tokens made through the real action, bearer headers."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from kindred.api.actions import do_create_token


@pytest.fixture
def make_token():
    def _make(user: Any, *, scopes: tuple[str, ...] = ("read", "write"), **kwargs: Any):
        kwargs.setdefault("name", "script")
        return do_create_token(user, scopes=scopes, **kwargs)

    return _make


def bearer(plaintext: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


@pytest.fixture
def csrf_client() -> Client:
    """A client that enforces CSRF like a browser would face it."""
    return Client(enforce_csrf_checks=True)
