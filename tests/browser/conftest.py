"""Headless Chromium (Debian's, never a downloaded one) driving the live server.

Every test here runs against pytest-django's ``live_server``: a threaded WSGI
server in this process, so ``mail.outbox`` (locmem) and the database are shared
with the test. Such tests are transactional; the flush between them removes the
crisis lines that a data migration seeded, so :func:`crisis_lines` re-seeds them.
"""

from __future__ import annotations

import importlib
import os
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client

from tests.browser.asgi_server import asgi_live_server, asgi_page  # noqa: F401
from tests.browser.steps import CHROMIUM, CHROMIUM_ARGS, DESKTOP


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium for one test module.

    Not session-wide: Playwright's sync API keeps an asyncio loop marked as
    running for as long as it is started, which breaks async tests that
    pytest-django's reordering puts after these.
    """
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: `make browser-deps` installs Debian's chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def crisis_lines(transactional_db: None) -> None:
    """Re-run the crisis-line seed (and its text-line numbers) that the transactional flush removed."""
    importlib.import_module("kindred.safety.migrations.0002_seed_crisis_lines").seed(apps, None)
    importlib.import_module("kindred.safety.migrations.0005_crisis_line_sms").fill_sms_fields(
        apps, None
    )


@pytest.fixture
def new_context(browser: Any, live_server: Any, crisis_lines: None) -> Iterator[Any]:
    """Factory for fresh, isolated browser contexts (cookies, storage) on the live server."""
    contexts: list[Any] = []

    def _new(**options: Any) -> Any:
        options.setdefault("viewport", DESKTOP)
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield _new
    for context in contexts:
        context.close()
    _wait_for_live_server_requests()


def _wait_for_live_server_requests(timeout: float = 5.0) -> None:
    """Let requests still running in the live server finish before the database flush.

    A page closed mid-request (or a WebSocket retry, which the WSGI live server answers
    as a plain request) would otherwise hold SQLite's shared in-memory tables and make
    the flush between tests fail with "database table is locked".
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        busy = [
            thread
            for thread in threading.enumerate()
            if getattr(getattr(thread, "_target", None), "__name__", "") == "process_request_thread"
        ]
        if not busy:
            return
        time.sleep(0.05)


@pytest.fixture
def page(new_context: Any) -> Iterator[Any]:
    """A page in a fresh context, under the site's real Content-Security-Policy.

    Whatever the test does, nothing on the pages it visits may break the CSP:
    a refused script or style is a feature that silently does not work.
    """
    page = new_context().new_page()
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    yield page
    assert not refused, "CSP violations:\n" + "\n".join(refused)


@pytest.fixture
def sign_in(live_server: Any) -> Any:
    """Sign a user into a browser context without the form, like ``Client.force_login``."""

    def _sign_in(context: Any, user: Any) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    return _sign_in
