"""``asgi_live_server``: the real ASGI application (HTTP + WebSockets) for browser tests.

pytest-django's ``live_server`` is a WSGI server and cannot serve WebSockets. This
fixture runs ``kindred.asgi.application`` under uvicorn in a thread of the test
process, so it shares the test database and the in-memory channel layer (every
socket lives on the server's one event loop). It yields the base URL.

``asgi_page`` opens a signed-in page on that server and fails the test on any CSP
refusal the browser reports.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.db import OperationalError
from django.test import Client

from tests.browser.steps import DESKTOP

T = TypeVar("T")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def asgi_live_server(transactional_db: None) -> Iterator[str]:
    import uvicorn

    from kindred.asgi import application

    port = _free_port()
    config = uvicorn.Config(
        application, host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="asgi-live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("The ASGI test server did not start.")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def when_unlocked(write: Callable[[], T], timeout: float = 5.0) -> T:
    """``write()``, retried while the server thread holds the shared database.

    The server thread and the test share SQLite's in-memory database in shared-cache
    mode, where a write that meets the server's open transaction fails at once
    ("database table is locked") instead of waiting for it: wait here, briefly.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            return write()
        except (OperationalError, UpdateError) as exc:
            # The session store wraps the database's error in its own.
            cause = exc if isinstance(exc, OperationalError) else exc.__context__
            if "locked" not in str(cause) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


def login_cookie(user: Any) -> Any:
    """A session cookie for ``user``, as ``Client.force_login`` makes it."""
    client = Client()
    when_unlocked(lambda: client.force_login(user))
    return client.cookies[settings.SESSION_COOKIE_NAME]


@pytest.fixture
def asgi_page(
    browser: Any, asgi_live_server: str, crisis_lines: None
) -> Iterator[Callable[..., Any]]:
    """``asgi_page(user, path, viewport=DESKTOP, **context_options)``: a signed-in page."""
    contexts: list[Any] = []
    refused: list[str] = []

    def _open(user: Any, path: str, viewport: dict[str, int] = DESKTOP, **options: Any) -> Any:
        context = browser.new_context(base_url=asgi_live_server, viewport=viewport, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        cookie = login_cookie(user)
        context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": asgi_live_server}])
        page = context.new_page()
        page.on(
            "console",
            lambda message: (
                refused.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        page.goto(path)
        return page

    yield _open
    for context in contexts:
        context.close()
    assert not refused, "CSP violations:\n" + "\n".join(refused)
