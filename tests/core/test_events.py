"""Events reach the browser only after commit, over in-memory and Redis channel layers."""

import asyncio
import logging
import os
import re
from typing import Literal, get_type_hints

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.db import transaction

from kindred.core.consumers import EventsConsumer
from kindred.core.events import (
    EVENT_MESSAGE_TYPE,
    EVENT_SCHEMAS,
    PROTOCOL_FRAMES,
    EventShapeError,
    notification_created,
    role_group,
    send_event_now,
    send_event_on_commit,
    user_group,
    validate_event,
)
from tests.factories import UserFactory

REDIS_URL = os.environ.get("KINDRED_TEST_REDIS_URL")


# "pubsub" is what production runs (kindred/settings.py with REDIS_URL), encrypted.
REDIS_LAYERS = {
    "redis": ("channels_redis.core.RedisChannelLayer", {}),
    "pubsub": (
        "channels_redis.pubsub.RedisPubSubChannelLayer",
        {"symmetric_encryption_keys": ["test-secret"]},
    ),
}


@pytest.fixture(
    params=[
        "memory",
        pytest.param("redis", marks=pytest.mark.redis),
        pytest.param("pubsub", marks=pytest.mark.redis),
    ]
)
def layer(request, settings):
    if request.param == "memory":
        settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    else:
        if not REDIS_URL:
            pytest.skip("KINDRED_TEST_REDIS_URL is not set (make test sets it)")
        backend, extra = REDIS_LAYERS[request.param]
        settings.CHANNEL_LAYERS = {
            "default": {
                "BACKEND": backend,
                "CONFIG": {
                    "hosts": [REDIS_URL],
                    "prefix": f"kindred-test-{os.getpid()}",
                    **extra,
                },
            }
        }
    channel_layers.backends.clear()
    yield request.param
    channel_layers.backends.clear()


async def _connect(user):
    communicator = WebsocketCommunicator(EventsConsumer.as_asgi(), "/ws/events/")
    communicator.scope["user"] = user
    connected, code = await communicator.connect()
    return communicator, connected, code


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_an_event_arrives_only_after_the_transaction_commits(layer):
    user = await sync_to_async(UserFactory)()
    communicator, connected, _ = await _connect(user)
    assert connected

    def send_in_transaction(commit):
        try:
            with transaction.atomic():
                send_event_on_commit(user_group(user.pk), {"type": "test.ping", "n": 1})
                if not commit:
                    raise RuntimeError("rolled back")
        except RuntimeError:
            pass

    await sync_to_async(send_in_transaction)(False)
    assert await communicator.receive_nothing(timeout=0.3)

    await sync_to_async(send_in_transaction)(True)
    assert await communicator.receive_json_from(timeout=3) == {"type": "test.ping", "n": 1}
    await communicator.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_role_events_reach_only_holders_of_the_role(layer):
    from kindred.core.roles import Role

    moderator = await sync_to_async(UserFactory)(roles=[Role.MODERATOR], mfa=True)
    member = await sync_to_async(UserFactory)(roles=[Role.MEMBER])
    mod_ws, ok1, _ = await _connect(moderator)
    member_ws, ok2, _ = await _connect(member)
    assert ok1 and ok2

    await sync_to_async(send_event_on_commit)(
        role_group(Role.MODERATOR), {"type": "flag.raised", "id": 7}
    )
    assert await mod_ws.receive_json_from(timeout=3) == {"type": "flag.raised", "id": 7}
    assert await member_ws.receive_nothing(timeout=0.3)
    await mod_ws.disconnect()
    await member_ws.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_anonymous_sockets_are_refused(layer):
    from django.contrib.auth.models import AnonymousUser

    _communicator, connected, code = await _connect(AnonymousUser())
    assert not connected
    assert code == 4401


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_the_socket_answers_pings_and_ignores_other_input(layer):
    user = await sync_to_async(UserFactory)()
    communicator, _connected, _ = await _connect(user)
    await communicator.send_json_to({"type": "ping"})
    assert await communicator.receive_json_from(timeout=3) == {"type": "pong"}
    await communicator.send_json_to({"type": "impersonate", "user": 1})
    assert await communicator.receive_nothing(timeout=0.2)
    await communicator.disconnect()


class GatedLayer:
    """A channel layer whose sends wait until the test opens the gate."""

    def __init__(self, *, fail: bool = False) -> None:
        self.gate = asyncio.Event()
        self.sent: list[tuple[str, dict]] = []
        self.fail = fail

    async def group_send(self, group, message):
        await self.gate.wait()
        if self.fail:
            raise ConnectionError("redis went away")
        self.sent.append((group, message))

    async def until_sent(self, count):
        for _ in range(200):
            if len(self.sent) >= count:
                return
            await asyncio.sleep(0.01)


@pytest.mark.asyncio
async def test_a_send_from_a_database_thread_does_not_wait_for_the_layer(monkeypatch):
    """The process's one database thread goes on while the loop publishes, in call order."""
    layer = GatedLayer()
    monkeypatch.setattr("kindred.core.events.get_channel_layer", lambda: layer)

    def send_three():
        for n in range(3):
            send_event_now("rooms.1", {"type": "message", "seq": n + 1})

    await asyncio.wait_for(sync_to_async(send_three)(), timeout=2)
    assert layer.sent == []
    layer.gate.set()
    await layer.until_sent(3)
    assert layer.sent == [
        ("rooms.1", {"type": EVENT_MESSAGE_TYPE, "event": {"type": "message", "seq": n}})
        for n in (1, 2, 3)
    ]


@pytest.mark.asyncio
async def test_a_failed_send_is_logged_without_its_payload(monkeypatch, caplog):
    layer = GatedLayer(fail=True)
    monkeypatch.setattr("kindred.core.events.get_channel_layer", lambda: layer)
    layer.gate.set()
    with caplog.at_level(logging.ERROR, logger="kindred.core.events"):
        await sync_to_async(send_event_now)("rooms.1", {"type": "message", "body": "my secret"})
        for _ in range(200):
            if caplog.records:
                break
            await asyncio.sleep(0.01)
    [record] = caplog.records
    assert record.getMessage() == "event delivery failed"
    assert record.event_type == "message"
    assert "my secret" not in caplog.text


def test_a_send_outside_any_event_loop_completes_before_returning(monkeypatch):
    layer = GatedLayer()
    layer.gate.set()
    monkeypatch.setattr("kindred.core.events.get_channel_layer", lambda: layer)
    send_event_now("user.1", {"type": "notification"})
    assert layer.sent == [
        ("user.1", {"type": EVENT_MESSAGE_TYPE, "event": {"type": "notification"}})
    ]


# --- Declared event types ------------------------------------------------------------

# ``<noun>.<past_verb>``, the verb perhaps with its particle (``participant.checked_in``).
STYLE = re.compile(r"^[a-z]+(_[a-z]+)*\.[a-z]+ed(_[a-z]+)?$")


def test_every_app_event_is_named_noun_dot_past_verb():
    assert EVENT_SCHEMAS, "no event builders were registered"
    app_events = set(EVENT_SCHEMAS) - PROTOCOL_FRAMES
    assert {"post.created", "flag.raised", "notification.created"} <= app_events
    assert [name for name in app_events if not STYLE.match(name)] == []


def test_each_schema_declares_its_own_type_name():
    for name, schema in EVENT_SCHEMAS.items():
        assert get_type_hints(schema)["type"] == Literal[name], name


def test_a_declared_event_in_its_shape_is_valid():
    validate_event(notification_created(kind="k", title="t", url="/x/"))


@pytest.mark.parametrize(
    "event",
    [
        {"type": "notification"},  # undeclared
        {"type": "notification.created", "kind": "k", "title": "t"},  # missing a key
        {"type": "notification.created", "kind": "k", "title": "t", "url": "/", "x": 1},
        {"type": "flag.raised", "id": "12", "level": "high", "kind": "risk"},  # id not int
        {"type": "event", "event": {"type": "nobody.declared"}},  # envelope checks its event
        {"foo": 1},
    ],
)
def test_an_undeclared_or_misshapen_event_is_refused(event):
    with pytest.raises(EventShapeError):
        validate_event(event)


def test_capture_events_records_sent_events_after_commit(
    db, capture_events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send_event_on_commit("user.1", notification_created(kind="k", title="t", url=""))
        assert capture_events == []
    assert capture_events == [
        ("user.1", {"type": "notification.created", "kind": "k", "title": "t", "url": ""})
    ]
    assert capture_events.types() == ["notification.created"]


def test_capture_events_fails_on_an_undeclared_event(
    db, capture_events, django_capture_on_commit_callbacks
):
    with pytest.raises(EventShapeError), django_capture_on_commit_callbacks(execute=True):
        send_event_on_commit("user.1", {"type": "groups.hands", "queue": []})
    assert capture_events == []
    assert capture_events.wrong
    # The fixture would fail this test at teardown too; that is what is shown here.
    capture_events.wrong.clear()
