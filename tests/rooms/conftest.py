"""Rooms fixtures: the test-only room kind, channel layers, socket helpers."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator

from tests.rooms.factories import TestRoomKind, install_test_kind, uninstall_test_kind

REDIS_URL = os.environ.get("KINDRED_TEST_REDIS_URL")


@pytest.fixture
def room_kind() -> Iterator[TestRoomKind]:
    kind = install_test_kind()
    yield kind
    uninstall_test_kind()


def redis_layer_settings(url: str, *, pubsub: bool = False) -> dict[str, Any]:
    if pubsub:
        # The pub/sub layer has no prefix option: the test's own channel names differ anyway.
        return {
            "default": {
                "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                "CONFIG": {"hosts": [url]},
            }
        }
    return {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [url], "prefix": f"kindred-rooms-test-{os.getpid()}"},
        }
    }


@pytest.fixture(
    params=[
        "memory",
        pytest.param("redis", marks=pytest.mark.redis),
        pytest.param("pubsub", marks=pytest.mark.redis),
    ]
)
def layer(request: Any, settings: Any) -> Iterator[str]:
    """Each socket test runs on the in-memory layer and, where configured, on Redis
    (both channels_redis layers: lists per channel, and pub/sub)."""
    if request.param == "memory":
        settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    else:
        if not REDIS_URL:
            pytest.skip("KINDRED_TEST_REDIS_URL is not set (make test sets it)")
        settings.CHANNEL_LAYERS = redis_layer_settings(REDIS_URL, pubsub=request.param == "pubsub")
    channel_layers.backends.clear()
    yield request.param
    channel_layers.backends.clear()


async def connect(
    user: Any, room_id: int, after: int = 0
) -> tuple[WebsocketCommunicator, bool, Any]:
    """A socket on the real ASGI router (second-factor gate and URL routing included),
    authenticated as ``user``."""
    from kindred.routing import websocket_application

    path = f"/ws/rooms/{room_id}/" + (f"?after={after}" if after else "")
    communicator = WebsocketCommunicator(websocket_application, path)
    communicator.scope["user"] = user
    connected, code = await communicator.connect(timeout=5)
    return communicator, connected, code


def _pending(communicator: WebsocketCommunicator) -> list[dict[str, Any]]:
    if not hasattr(communicator, "pending_frames"):
        communicator.pending_frames = []  # type: ignore[attr-defined]
    return communicator.pending_frames  # type: ignore[attr-defined]


async def receive_until(
    communicator: WebsocketCommunicator, wanted: str, timeout: float = 3
) -> dict[str, Any]:
    """The first frame of type ``wanted``; frames of other types stay for later calls."""
    pending = _pending(communicator)
    for index, frame in enumerate(pending):
        if frame["type"] == wanted:
            return pending.pop(index)
    while True:
        frame = await communicator.receive_json_from(timeout=timeout)
        if frame["type"] == wanted:
            return frame
        pending.append(frame)


async def drain(communicator: WebsocketCommunicator, timeout: float = 0.3) -> list[dict[str, Any]]:
    """Every frame not yet taken, until the socket is quiet for ``timeout``."""
    # receive_nothing, unlike a receive that times out, leaves the consumer running.
    frames = _pending(communicator)
    communicator.pending_frames = []  # type: ignore[attr-defined]
    while not await communicator.receive_nothing(timeout=timeout):
        frames.append(await communicator.receive_json_from())
    return frames


@pytest.fixture(autouse=True)
def _quiet_read_pool() -> Iterator[None]:
    """Wait for the sockets' read pool after each test: a presence broadcast scheduled by
    the test's last disconnect may still be reading when the test database is dropped."""
    yield
    from kindred.rooms import consumers

    pool, consumers._read_pool = consumers._read_pool, None
    if pool is not None:
        pool.shutdown(wait=True)
