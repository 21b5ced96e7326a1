"""The session room through a real WebSocket (the engine's consumer on the real router)."""

from __future__ import annotations

import pytest
import pytest_asyncio
from asgiref.sync import sync_to_async
from django.db import connections

from kindred.community.models import Space
from kindred.core.roles import Role
from kindred.groups import actions
from tests.factories import UserFactory
from tests.groups.factories import make_group, make_session
from tests.rooms.conftest import connect, drain, layer, receive_until

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    # Every test runs on the in-memory channel layer and, where configured, on Redis.
    pytest.mark.usefixtures("layer"),
]
__all__ = ["layer"]


@pytest_asyncio.fixture(autouse=True)
async def _close_connections():
    """Close the database connection of sync_to_async's worker thread after each test,
    so PostgreSQL can drop the test database at the end."""
    yield
    await sync_to_async(connections.close_all)()


@sync_to_async
def live_session():
    """A session with its room open: (room, session, facilitator, maya, sam, outsider)."""
    space, _ = Space.objects.get_or_create(
        slug="socket-space", defaults={"name": "Sockets", "description": "-", "guidelines": "-"}
    )
    facilitator = UserFactory(handle="facil_frank", roles=[Role.MEMBER, Role.FACILITATOR])
    maya = UserFactory(handle="member_maya", roles=[Role.MEMBER])
    sam = UserFactory(handle="member_sam", roles=[Role.MEMBER])
    outsider = UserFactory(handle="outsider_olly", roles=[Role.MEMBER])
    group = make_group(facilitator, space)
    session = make_session(group)
    actions.do_join(maya, group, session)
    actions.do_join(sam, group, session)
    room = actions.do_open_session_room(facilitator, session)
    actions.do_check_in(maya, session, mood_word="hopeful", passed=False)
    return room, session, facilitator, maya, sam, outsider


async def closed_code(communicator):
    frame = await communicator.receive_output(timeout=3)
    assert frame["type"] == "websocket.close", frame
    return frame["code"]


async def test_participants_get_history_and_live_messages_others_are_refused():
    room, _session, facilitator, maya, _sam, outsider = await live_session()
    frank, ok, _ = await connect(facilitator, room.pk)
    assert ok
    history = [f["body"] for f in await drain(frank) if f["type"] == "message"]
    assert history == [
        "The facilitator opened the room. Welcome.",
        "member_maya checked in: hopeful",
    ]
    socket, ok, _ = await connect(maya, room.pk)
    assert ok
    await drain(socket)
    await socket.send_json_to({"type": "message", "body": "hi all", "client_id": "m1"})
    assert (await receive_until(socket, "ack"))["client_id"] == "m1"
    assert (await receive_until(frank, "message"))["body"] == "hi all"
    _, ok, code = await connect(outsider, room.pk)
    assert not ok and code == 4403
    await socket.disconnect()
    await frank.disconnect()


async def test_not_checked_in_and_muted_people_are_refused_with_the_reason():
    room, session, facilitator, maya, sam, _ = await live_session()
    socket, ok, _ = await connect(sam, room.pk)
    assert ok
    await drain(socket)
    await socket.send_json_to({"type": "message", "body": "hello", "client_id": "s1"})
    error = await receive_until(socket, "error")
    assert error["client_id"] == "s1" and "Check in first" in error["detail"]

    maya_socket, _, _ = await connect(maya, room.pk)
    await drain(maya_socket)
    await sync_to_async(actions.do_mute)(facilitator, session, maya, "Let others speak")
    event = await receive_until(maya_socket, "event")
    assert event["event"] == {"type": "participant.muted", "handle": "member_maya"}
    await maya_socket.send_json_to({"type": "message", "body": "but", "client_id": "m2"})
    error = await receive_until(maya_socket, "error")
    assert "muted you. Reason: Let others speak" in error["detail"]
    await maya_socket.disconnect()
    await socket.disconnect()


async def test_removal_closes_the_socket_and_a_reconnect_is_refused():
    room, session, facilitator, maya, _, _ = await live_session()
    socket, _, _ = await connect(maya, room.pk)
    await drain(socket)
    await sync_to_async(actions.do_remove)(facilitator, session, maya, "Not following the norms")
    removed = await receive_until(socket, "removed")
    assert "Not following the norms" in removed["reason"]
    _, ok, code = await connect(maya, room.pk)
    assert not ok and code == 4403


async def test_hands_reach_everyone_as_events_and_ending_closes_the_room_for_good():
    room, session, facilitator, maya, _sam, _ = await live_session()
    frank, _, _ = await connect(facilitator, room.pk)
    await drain(frank)
    maya_socket, _, _ = await connect(maya, room.pk)
    await drain(maya_socket)
    await sync_to_async(actions.do_set_hand)(maya, session, True)
    event = await receive_until(frank, "event")
    assert event["event"] == {"type": "hands.changed", "queue": ["member_maya"]}
    await sync_to_async(actions.do_end_session)(facilitator, session)
    assert (await receive_until(maya_socket, "closed"))["type"] == "closed"
    # A past participant cannot read the room once the session is over.
    _, ok, code = await connect(maya, room.pk)
    assert not ok and code == 4403
    _, ok, code = await connect(facilitator, room.pk)
    assert not ok and code == 4403
