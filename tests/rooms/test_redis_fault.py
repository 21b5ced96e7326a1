"""A room over the Redis channel layer survives a Redis restart without losing a message.

A private ``redis-server`` on a free port (never the shared one) is restarted while
two sockets are in the room and messages keep being written. Clients behave like
room.js: when their socket dies they reconnect "after the last seq seen".
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from typing import Any

import pytest
from channels.db import database_sync_to_async as sync_to_async
from channels.layers import channel_layers

from kindred.rooms import actions
from tests.rooms.conftest import connect, redis_layer_settings
from tests.rooms.factories import make_room

REDIS_SERVER = shutil.which("redis-server")

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server is not installed"),
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivateRedis:
    """A throwaway redis-server: no persistence, so a restart forgets everything."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert REDIS_SERVER is not None
        self.process = subprocess.Popen(
            [
                REDIS_SERVER,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as conn:
                    conn.sendall(b"PING\r\n")
                    if conn.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("private redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture(params=["redis", "pubsub"])
def private_redis(request: Any, settings: Any) -> Iterator[PrivateRedis]:
    redis = PrivateRedis()
    redis.start()
    settings.CHANNEL_LAYERS = redis_layer_settings(redis.url, pubsub=request.param == "pubsub")
    channel_layers.backends.clear()
    yield redis
    redis.stop()
    channel_layers.backends.clear()


class ResumingClient:
    """What room.js does: keep every seq once; on a dead socket, reconnect after the last."""

    def __init__(self, user: Any, room_id: int) -> None:
        self.user = user
        self.room_id = room_id
        self.seqs: list[int] = []
        self.reconnects = 0
        self.communicator: Any = None

    async def open(self) -> None:
        after = self.seqs[-1] if self.seqs else 0
        for _ in range(50):
            try:
                self.communicator, connected, _ = await connect(self.user, self.room_id, after)
                if connected:
                    return
            except Exception:  # noqa: S110 - Redis still coming back
                pass
            await asyncio.sleep(0.1)
        raise AssertionError("could not reconnect")

    async def receive_until(self, count: int, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while len(self.seqs) < count and time.monotonic() < deadline:
            try:
                frame = await self.communicator.receive_json_from(timeout=1)
            except Exception:
                # The socket died (or, in the test communicator, a timed-out receive
                # cancelled it): reconnect after the last seq, as room.js does.
                await self._reopen()
                continue
            if frame["type"] == "message":
                self.seqs.append(frame["seq"])

    async def _reopen(self) -> None:
        with contextlib.suppress(BaseException):  # Already dead.
            await self.communicator.disconnect()
        self.reconnects += 1
        await self.open()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_redis_restart_loses_no_message(private_redis, room_kind, member, member2):
    room = await sync_to_async(make_room)(room_kind, member, member2)
    maya = ResumingClient(member, room.pk)
    await maya.open()

    async def write(n: int) -> None:
        await sync_to_async(actions.do_post_message)(room, member2, f"message {n}")

    for n in range(1, 4):
        await write(n)
    await maya.receive_until(3)
    assert maya.seqs == [1, 2, 3]

    private_redis.stop()
    # Written while the layer is down: stored, the broadcast fails (and is only logged).
    for n in range(4, 7):
        await write(n)
    private_redis.start()
    for n in range(7, 10):
        await write(n)

    await maya.receive_until(9)
    assert maya.seqs == list(range(1, 10)), "every message once, in order"
    assert maya.reconnects >= 1

    # After the restart the room works live again for new and old sockets alike.
    sam = ResumingClient(member2, room.pk)
    sam.seqs = list(range(1, 10))
    await sam.open()
    await write(10)
    await maya.receive_until(10)
    await sam.receive_until(10)
    assert maya.seqs == list(range(1, 11))
    assert sam.seqs == list(range(1, 11))
    await maya.communicator.disconnect()
    await sam.communicator.disconnect()
