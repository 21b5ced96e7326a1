"""Events reach the browser only after commit, over in-memory and Redis channel layers."""

import os

import pytest
from asgiref.sync import sync_to_async
from channels.layers import channel_layers
from channels.testing import WebsocketCommunicator
from django.db import transaction

from kindred.core.consumers import EventsConsumer
from kindred.core.events import role_group, send_event_on_commit, user_group
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
    from kindred.accounts.roles import Role

    moderator = await sync_to_async(UserFactory)(roles=[Role.MODERATOR])
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
