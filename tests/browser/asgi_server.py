"""``asgi_live_server``: the real ASGI application (HTTP + WebSockets) for browser tests.

pytest-django's ``live_server`` is a WSGI server and cannot serve WebSockets. This
fixture runs ``kindred.asgi.application`` under uvicorn in a thread of the test
process, so it shares the test database and the in-memory channel layer (every
socket lives on the server's one event loop). It yields the base URL.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest


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
