"""The 1:1 chat of a connection through a real WebSocket on the rooms engine."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async as sync_to_async

from kindred.core.models import Notification
from kindred.peers import actions
from kindred.peers.chat import SUPPORTER_ALERT, room_for
from kindred.rooms.actions import RoomError, do_post_message
from kindred.safety.models import Flag
from tests.peers.factories import connected, make_member, make_profile, make_supporter
from tests.rooms.conftest import connect, receive_until

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

HIGH_RISK = "I have the pills ready and I am going to take them all tonight"


@sync_to_async
def active_connection(member):
    supporter = make_supporter("helper_hana")
    make_profile(member)
    conn = connected(member, supporter)
    return conn, supporter, room_for(conn)


async def closed_code(communicator):
    frame = await communicator.receive_output(timeout=3)
    assert frame["type"] == "websocket.close", frame
    return frame["code"]


async def test_the_two_people_talk_and_a_third_cannot_join(member, member2):
    _conn, supporter, room = await active_connection(member)
    maya, ok1, _ = await connect(member, room.pk)
    hana, ok2, _ = await connect(supporter, room.pk)
    assert ok1 and ok2
    opening = await receive_until(hana, "message")
    assert opening["kind"] == "system" and opening["seq"] == 1
    await maya.send_json_to({"type": "message", "body": "Hi Hana", "client_id": "c1"})
    assert (await receive_until(maya, "ack"))["seq"] == 2
    received = await receive_until(hana, "message")
    assert received["author"] == "member_maya" and received["body"] == "Hi Hana"
    _, joined, code = await connect(member2, room.pk)
    assert not joined and code == 4403
    await maya.disconnect()
    await hana.disconnect()


async def test_ending_closes_the_chat_for_both(member):
    conn, supporter, room = await active_connection(member)
    maya, ok, _ = await connect(member, room.pk)
    assert ok
    await sync_to_async(actions.do_end)(supporter, conn)
    assert (await receive_until(maya, "closed"))["type"] == "closed"
    await maya.disconnect()
    _, joined, code = await connect(member, room.pk)
    assert not joined and code == 4403
    with pytest.raises(RoomError):
        await sync_to_async(do_post_message)(room, member, "still there?")


async def test_a_risky_message_gives_the_supporter_guidance_not_the_text(member):
    _conn, supporter, room = await active_connection(member)
    await sync_to_async(do_post_message)(room, member, HIGH_RISK)
    notes = await sync_to_async(list)(
        Notification.objects.filter(recipient=supporter, kind="peers.peer_at_risk")
    )
    assert [n.title for n in notes] == [SUPPORTER_ALERT]
    assert "pills" not in notes[0].title
    assert await sync_to_async(Flag.objects.filter(subject=member).exists)()


async def test_a_supporter_in_distress_does_not_alert_the_member(member):
    _conn, supporter, room = await active_connection(member)
    await sync_to_async(do_post_message)(room, supporter, HIGH_RISK)
    assert not await sync_to_async(
        Notification.objects.filter(recipient=member, kind="peers.peer_at_risk").exists
    )()
    assert await sync_to_async(Flag.objects.filter(subject=supporter).exists)()


async def test_equals_are_not_alerted_about_each_other(member):
    @sync_to_async
    def setup():
        make_profile(member, seeks="both")
        other = make_member("equal_eli", seeks="both")
        conn = connected(member, other)
        return other, room_for(conn)

    other, room = await setup()
    await sync_to_async(do_post_message)(room, member, HIGH_RISK)
    assert not await sync_to_async(
        Notification.objects.filter(recipient=other, kind="peers.peer_at_risk").exists
    )()
