"""The room socket on the real router, over the in-memory layer and (when set) Redis."""

from __future__ import annotations

import asyncio
import threading

import pytest
from channels.db import database_sync_to_async as sync_to_async
from channels.layers import get_channel_layer
from django.contrib.auth.models import AnonymousUser

from kindred.core.events import EVENT_MESSAGE_TYPE
from kindred.rooms import actions, consumers
from kindred.rooms.models import RoomConnection
from tests.rooms.conftest import connect, drain, receive_until
from tests.rooms.factories import make_room

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

HIGH_RISK = "I have the pills ready and I am going to take them all tonight"


@pytest.fixture
def room(room_kind, member, member2):
    return make_room(room_kind, member, member2)


async def post(room, user, body):
    return await sync_to_async(actions.do_post_message)(room, user, body)


async def seqs_of(communicator, count):
    return [(await receive_until(communicator, "message"))["seq"] for _ in range(count)]


async def closed_code(communicator):
    frame = await communicator.receive_output(timeout=3)
    assert frame["type"] == "websocket.close", frame
    return frame["code"]


async def test_a_message_sent_on_the_socket_is_acked_and_reaches_everyone(
    layer, room, member, member2
):
    maya, ok1, _ = await connect(member, room.pk)
    sam, ok2, _ = await connect(member2, room.pk)
    assert ok1 and ok2
    await maya.send_json_to({"type": "message", "body": "hello room", "client_id": "c-1"})
    assert await receive_until(maya, "ack") == {"type": "ack", "client_id": "c-1", "seq": 1}
    received = await receive_until(sam, "message")
    assert {k: received[k] for k in ("type", "seq", "kind", "author", "body")} == {
        "type": "message",
        "seq": 1,
        "kind": "text",
        "author": "member_maya",
        "body": "hello room",
    }
    assert (await receive_until(maya, "message"))["seq"] == 1
    await maya.disconnect()
    await sam.disconnect()


async def test_a_resend_with_the_same_client_id_is_acked_with_the_stored_message(
    layer, room, member, member2
):
    """The ack of the first send was lost with the connection; the resend stores nothing new."""
    maya, ok, _ = await connect(member, room.pk)
    assert ok
    await maya.send_json_to({"type": "message", "body": "are you there?", "client_id": "c-7"})
    assert (await receive_until(maya, "ack"))["seq"] == 1
    await maya.disconnect()

    again, ok, _ = await connect(member, room.pk, after=1)
    assert ok
    await again.send_json_to({"type": "message", "body": "are you there?", "client_id": "c-7"})
    assert await receive_until(again, "ack") == {"type": "ack", "client_id": "c-7", "seq": 1}
    count = await sync_to_async(room.messages.count)()
    assert count == 1
    await again.disconnect()


async def test_every_socket_receives_messages_in_seq_order_once(layer, room, member, member2):
    maya, _, _ = await connect(member, room.pk)
    sam, _, _ = await connect(member2, room.pk)
    for n in range(6):
        sender = maya if n % 2 else sam
        await sender.send_json_to({"type": "message", "body": f"m{n}", "client_id": str(n)})
    assert await seqs_of(maya, 6) == [1, 2, 3, 4, 5, 6]
    assert await seqs_of(sam, 6) == [1, 2, 3, 4, 5, 6]
    leftovers = [f for f in await drain(maya) + await drain(sam) if f["type"] == "message"]
    assert leftovers == []
    await maya.disconnect()
    await sam.disconnect()


async def test_a_reconnecting_client_gets_what_it_missed_without_duplicates(
    layer, room, member, member2
):
    for n in range(3):
        await post(room, member2, f"before {n}")
    maya, _, _ = await connect(member, room.pk)
    assert await seqs_of(maya, 3) == [1, 2, 3]
    await maya.disconnect()
    for n in range(3):
        await post(room, member2, f"while away {n}")

    maya, _, _ = await connect(member, room.pk, after=3)
    missed = [await receive_until(maya, "message") for _ in range(3)]
    assert [(m["seq"], m["body"]) for m in missed] == [
        (4, "while away 0"),
        (5, "while away 1"),
        (6, "while away 2"),
    ]
    await post(room, member2, "live again")
    assert await seqs_of(maya, 1) == [7]
    assert [f for f in await drain(maya) if f["type"] == "message"] == []
    await maya.disconnect()


async def test_out_of_order_broadcasts_are_delivered_in_seq_order(
    layer, room, member, member2, monkeypatch
):
    """Two processes may broadcast seq 3 before seq 2; the socket still delivers 2, 3."""
    maya, _, _ = await connect(member, room.pk)
    held_back: list = []
    monkeypatch.setattr(
        "kindred.rooms.actions.send_event_on_commit",
        lambda group, event: held_back.append((group, event)),
    )
    await post(room, member2, "two... one")
    await post(room, member2, "three")
    monkeypatch.undo()
    from kindred.core.events import send_event_now

    for group, event in reversed(held_back):
        await sync_to_async(send_event_now)(group, event)
    received = [await receive_until(maya, "message") for _ in range(2)]
    assert [m["seq"] for m in received] == [1, 2]
    assert [f for f in await drain(maya) if f["type"] == "message"] == []
    await maya.disconnect()


async def test_a_lost_broadcast_is_recovered_from_the_next_one(
    layer, room, member, member2, monkeypatch
):
    maya, _, _ = await connect(member, room.pk)
    monkeypatch.setattr("kindred.rooms.actions.send_event_on_commit", lambda group, event: None)
    await post(room, member2, "never broadcast")
    monkeypatch.undo()
    await post(room, member2, "broadcast")
    assert [(await receive_until(maya, "message"))["body"] for _ in range(2)] == [
        "never broadcast",
        "broadcast",
    ]
    await maya.disconnect()


@pytest.mark.parametrize("who", ["outsider", "anonymous"])
async def test_a_non_member_cannot_join_or_read(layer, room, member, outsider, who):
    await post(room, member, "private words")
    user = outsider if who == "outsider" else AnonymousUser()
    _, connected, code = await connect(user, room.pk)
    assert not connected and code == 4403


async def test_a_room_member_whose_role_needs_a_second_factor_is_refused_until_set_up(
    layer, room, member, member2
):
    from allauth.mfa.totp.internal.auth import TOTP

    from kindred.accounts.actions import do_grant_role
    from kindred.accounts.sockets import MFA_REQUIRED_CLOSE_CODE
    from kindred.core.roles import Role
    from tests.factories import TOTP_SECRET

    await sync_to_async(do_grant_role)(None, member2, Role.MODERATOR)
    _, connected, code = await connect(member2, room.pk)
    assert not connected and code == MFA_REQUIRED_CLOSE_CODE
    await sync_to_async(TOTP.activate)(member2, TOTP_SECRET)
    sam, connected, _ = await connect(member2, room.pk)
    assert connected
    await sam.disconnect()


async def test_a_missing_room_is_refused_like_a_forbidden_one(layer, room, member):
    _, connected, code = await connect(member, room.pk + 999)
    assert not connected and code == 4403


async def test_write_refusal_length_and_empty_come_back_as_errors(
    layer, room_kind, room, member, settings
):
    settings.ROOM_MAX_MESSAGE_LENGTH = 10
    maya, _, _ = await connect(member, room.pk)
    await maya.send_json_to({"type": "message", "body": "x" * 11, "client_id": "long"})
    error = await receive_until(maya, "error")
    assert error["client_id"] == "long" and "at most 10 characters" in error["detail"]
    await maya.send_json_to({"type": "message", "body": "  ", "client_id": "empty"})
    assert (await receive_until(maya, "error"))["detail"] == "Write something first."
    room_kind.muted.add(member.pk)
    await maya.send_json_to({"type": "message", "body": "hi", "client_id": "muted"})
    assert await receive_until(maya, "error") == {
        "type": "error",
        "client_id": "muted",
        "detail": "The facilitator has muted you.",
    }
    await maya.disconnect()


@pytest.mark.parametrize("body", ["a\x00b", "a\ud800b"])
async def test_unstorable_text_comes_back_as_an_error_and_the_socket_stays(
    layer, room, member, body
):
    maya, _, _ = await connect(member, room.pk)
    await maya.send_json_to({"type": "message", "body": body, "client_id": "bad"})
    error = await receive_until(maya, "error")
    assert error["client_id"] == "bad" and "Please remove it" in error["detail"]
    await maya.send_json_to({"type": "message", "body": "x", "client_id": "a\x00"})
    assert "Please remove it" in (await receive_until(maya, "error"))["detail"]
    await maya.send_json_to({"type": "message", "body": "still here", "client_id": "ok"})
    assert (await receive_until(maya, "ack"))["client_id"] == "ok"
    assert await sync_to_async(list)(room.messages.values_list("body", flat=True)) == ["still here"]
    await maya.disconnect()


async def test_the_rate_limit_is_an_error_on_the_socket(layer, room, member, settings):
    settings.ROOM_RATE_LIMIT_MESSAGES = 2
    settings.ROOM_RATE_LIMIT_SECONDS = 60
    maya, _, _ = await connect(member, room.pk)
    for n in range(3):
        await maya.send_json_to({"type": "message", "body": f"m{n}", "client_id": str(n)})
    assert (await receive_until(maya, "ack"))["client_id"] == "0"
    assert (await receive_until(maya, "ack"))["client_id"] == "1"
    error = await receive_until(maya, "error")
    assert error == {"type": "error", "client_id": "2", "detail": actions.RATE_DETAIL}
    await maya.disconnect()


async def test_closing_the_room_disconnects_everyone(layer, room, member, member2):
    maya, _, _ = await connect(member, room.pk)
    sam, _, _ = await connect(member2, room.pk)
    await post(room, member2, "goodbye")
    await sync_to_async(actions.do_close_room)(room)
    for communicator in (maya, sam):
        assert (await receive_until(communicator, "message"))["body"] == "goodbye"
        assert await receive_until(communicator, "closed") == {"type": "closed"}
        assert await closed_code(communicator) == 4410


async def test_joining_a_closed_room_sends_the_history_then_closed(layer, room, member):
    await post(room, member, "last words")
    await sync_to_async(actions.do_close_room)(room)
    maya, connected, _ = await connect(member, room.pk)
    assert connected
    assert (await receive_until(maya, "message"))["body"] == "last words"
    assert await receive_until(maya, "closed") == {"type": "closed"}
    assert await closed_code(maya) == 4410


async def test_a_removed_user_is_told_and_disconnected_and_cannot_rejoin(
    layer, room_kind, room, member, member2
):
    maya, _, _ = await connect(member, room.pk)
    sam, _, _ = await connect(member2, room.pk)
    room_kind.remove(room, member2)
    await sync_to_async(actions.do_disconnect_user)(room, member2.pk, "You were removed.")
    assert await receive_until(sam, "removed") == {"type": "removed", "reason": "You were removed."}
    assert await closed_code(sam) == 4403
    assert await presence_becomes(maya, ["member_maya"])
    _, connected, code = await connect(member2, room.pk)
    assert not connected and code == 4403
    await maya.disconnect()


async def presence_becomes(communicator, handles):
    """Presence is coalesced (one broadcast per burst of joins): wait for the list."""
    for _ in range(10):
        if (await receive_until(communicator, "presence"))["handles"] == handles:
            return True
    return False


async def test_presence_follows_joins_and_leaves(layer, room, member, member2):
    maya, _, _ = await connect(member, room.pk)
    assert await presence_becomes(maya, ["member_maya"])
    sam, _, _ = await connect(member2, room.pk)
    assert await presence_becomes(maya, ["member_maya", "member_sam"])
    assert await presence_becomes(sam, ["member_maya", "member_sam"])
    assert await sync_to_async(RoomConnection.objects.filter(room=room).count)() == 2
    await sam.disconnect()
    assert await presence_becomes(maya, ["member_maya"])
    await maya.disconnect()
    assert await sync_to_async(RoomConnection.objects.filter(room=room).count)() == 0


async def test_typing_reaches_the_others_only(layer, room, member, member2):
    maya, _, _ = await connect(member, room.pk)
    sam, _, _ = await connect(member2, room.pk)
    await drain(maya)
    await maya.send_json_to({"type": "typing"})
    assert await receive_until(sam, "typing") == {"type": "typing", "handle": "member_maya"}
    assert [f for f in await drain(maya) if f["type"] == "typing"] == []
    await maya.disconnect()
    await sam.disconnect()


async def test_app_events_ping_and_junk(layer, room, member):
    maya, _, _ = await connect(member, room.pk)
    await sync_to_async(actions.do_broadcast)(room, {"kind": "hands", "queue": []})
    assert await receive_until(maya, "event") == {
        "type": "event",
        "event": {"kind": "hands", "queue": []},
    }
    await maya.send_to(text_data="{not json")
    await maya.send_json_to(["not", "an", "object"])
    await maya.send_json_to({"type": "ping"})
    assert await receive_until(maya, "pong") == {"type": "pong"}
    await maya.disconnect()


async def test_a_risky_message_sends_the_writer_support_privately(layer, room, member, member2):
    maya, _, _ = await connect(member, room.pk)
    sam, _, _ = await connect(member2, room.pk)
    await maya.send_json_to({"type": "message", "body": HIGH_RISK, "client_id": "r"})
    frames = await drain(maya, timeout=0.5)
    support = [f for f in frames if f["type"] == "support"]
    assert support and support[0]["level"] == "high" and support[0]["help_url"] == "/help/"
    sam_frames = await drain(sam, timeout=0.5)
    assert [f["type"] for f in sam_frames if f["type"] in {"support", "message"}] == ["message"]
    await maya.disconnect()
    await sam.disconnect()


async def test_a_held_message_is_shown_only_to_its_writer(
    layer, room_kind, room, member, member2, settings
):
    room_kind.area = "testholding"
    settings.SAFETY_POLICIES = {
        **settings.SAFETY_POLICIES,
        "testholding": {"moderate": "show", "high": "hold"},
    }
    maya, _, _ = await connect(member, room.pk)
    sam, _, _ = await connect(member2, room.pk)
    await maya.send_json_to({"type": "message", "body": HIGH_RISK, "client_id": "h"})
    mine = await receive_until(maya, "message")
    assert mine["seq"] == 1 and mine["held"] is True
    await post(room, member2, "after")
    # Sam's socket skips the gap the held message leaves and never sees it.
    assert [(m["seq"], m["body"]) for m in [await receive_until(sam, "message")]] == [(2, "after")]
    await sam.disconnect()
    sam, _, _ = await connect(member2, room.pk)
    assert [m["seq"] for m in [await receive_until(sam, "message")]] == [2]
    assert [f for f in await drain(sam) if f["type"] == "message"] == []
    await maya.disconnect()
    await sam.disconnect()


async def test_a_message_a_moderator_hides_leaves_the_others_sockets(
    layer, room, member, member2, moderator
):
    maya, _, _ = await connect(member, room.pk)
    sam, _, _ = await connect(member2, room.pk)
    message = await post(room, member, "something to take down")
    assert (await receive_until(sam, "message"))["seq"] == message.seq
    await sync_to_async(actions.do_set_message_hidden)(moderator, message, True)
    hidden = {"type": "hidden", "seq": message.seq, "author": member.handle}
    assert await receive_until(sam, "hidden") == hidden
    assert await receive_until(maya, "hidden") == hidden  # her page keeps it, marked
    await sam.disconnect()
    # Reconnecting, Sam's history no longer has it; Maya's does, marked hidden.
    sam, _, _ = await connect(member2, room.pk)
    assert [f for f in await drain(sam) if f["type"] == "message"] == []
    await maya.disconnect()
    maya, _, _ = await connect(member, room.pk)
    again = await receive_until(maya, "message")
    assert (again["seq"], again["hidden"]) == (message.seq, True)
    await maya.disconnect()
    await sam.disconnect()


async def test_a_ping_recovers_a_lost_broadcast_and_refreshes_presence(
    layer, room, member, member2, monkeypatch
):
    monkeypatch.setattr("kindred.rooms.consumers.TOUCH_EVERY_SECONDS", 0)
    maya, _, _ = await connect(member, room.pk)
    monkeypatch.setattr("kindred.rooms.actions.send_event_on_commit", lambda group, event: None)
    await post(room, member2, "lost on the way")
    assert [f for f in await drain(maya) if f["type"] == "message"] == []
    before = await sync_to_async(RoomConnection.objects.get)(room=room)
    await maya.send_json_to({"type": "ping"})
    assert await receive_until(maya, "pong") == {"type": "pong"}
    assert (await receive_until(maya, "message"))["body"] == "lost on the way"
    after = await sync_to_async(RoomConnection.objects.get)(room=room)
    assert after.seen_at > before.seen_at
    await maya.disconnect()


async def test_a_bad_after_parameter_reads_from_the_start(layer, room, member):
    await post(room, member, "first")
    from channels.testing import WebsocketCommunicator

    from kindred.routing import websocket_application

    communicator = WebsocketCommunicator(websocket_application, f"/ws/rooms/{room.pk}/?after=abc")
    communicator.scope["user"] = member
    connected, _ = await communicator.connect()
    assert connected
    assert (await receive_until(communicator, "message"))["seq"] == 1
    await communicator.disconnect()


async def test_a_broadcast_reaches_the_socket_while_the_database_thread_is_busy(
    layer, room, member
):
    """A process has one database thread; a slow query there must not hold up delivery.

    channels' own dispatch waits for that thread before every event, for every socket.
    """
    maya, ok, _ = await connect(member, room.pk)
    assert ok
    await drain(maya)
    release = threading.Event()
    started = threading.Event()

    def slow_query():
        started.set()
        release.wait(10)

    busy = asyncio.ensure_future(sync_to_async(slow_query)())
    try:
        while not started.is_set():
            await asyncio.sleep(0.01)
        event = {
            "type": "message",
            "seq": 1,
            "kind": "text",
            "author": "member_sam",
            "body": "still here",
            "created_at": "2026-11-26T20:00:00+00:00",
        }
        await get_channel_layer().group_send(
            actions.room_group(room.pk), {"type": EVENT_MESSAGE_TYPE, "event": event}
        )
        received = await receive_until(maya, "message", timeout=2)
        assert (received["seq"], received["body"]) == (1, "still here")
        assert not busy.done()
    finally:
        release.set()
        await busy
    await maya.disconnect()


async def test_people_blocked_either_way_are_hidden_from_each_other_in_the_room(
    layer, room_kind, member, member2, peer_supporter
):
    """Maya blocked Sam: neither sees the other's messages, typing or presence; Priya sees both."""
    from kindred.safety.actions import do_block

    room = await sync_to_async(make_room)(room_kind, member, member2, peer_supporter)
    await post(room, member2, "sam before")
    await sync_to_async(do_block)(member, member2)
    maya, _, _ = await connect(member, room.pk)
    sam, _, _ = await connect(member2, room.pk)
    priya, _, _ = await connect(peer_supporter, room.pk)
    # History: Sam's earlier message is left out for Maya, not for Priya.
    assert [m["body"] for m in [await receive_until(priya, "message")]] == ["sam before"]

    await sam.send_json_to({"type": "message", "body": "sam live", "client_id": "s1"})
    assert (await receive_until(sam, "ack"))["seq"] == 2
    await maya.send_json_to({"type": "message", "body": "maya live", "client_id": "m1"})
    assert (await receive_until(maya, "ack"))["seq"] == 3
    await sam.send_json_to({"type": "typing"})

    assert [(await receive_until(priya, "message"))["body"] for _ in range(2)] == [
        "sam live",
        "maya live",
    ]
    assert (await receive_until(priya, "typing"))["handle"] == "member_sam"
    assert await presence_becomes(priya, ["member_maya", "member_sam", "peer_priya"])
    assert await presence_becomes(maya, ["member_maya", "peer_priya"])
    assert await presence_becomes(sam, ["member_sam", "peer_priya"])

    maya_frames = await drain(maya)
    sam_frames = await drain(sam)
    assert [f["body"] for f in maya_frames if f["type"] == "message"] == ["maya live"]
    assert [f["body"] for f in sam_frames if f["type"] == "message"] == [
        "sam before",
        "sam live",
    ]
    assert [f for f in maya_frames if f["type"] == "typing"] == []
    # The hidden seq 2 caused no catch-up: Maya's next message arrives once, in order.
    await post(room, peer_supporter, "priya")
    assert [(await receive_until(maya, "message"))["seq"]] == [4]
    assert [f for f in await drain(maya) if f["type"] == "message"] == []
    for socket in (maya, sam, priya):
        await socket.disconnect()


async def test_a_block_made_while_connected_takes_effect_at_the_next_ping(
    layer, room, member, member2, monkeypatch
):
    from kindred.safety.actions import do_block

    monkeypatch.setattr("kindred.rooms.consumers.TOUCH_EVERY_SECONDS", 0)
    maya, _, _ = await connect(member, room.pk)
    await post(room, member2, "seen")
    assert (await receive_until(maya, "message"))["body"] == "seen"
    await sync_to_async(do_block)(member, member2)
    await maya.send_json_to({"type": "ping"})
    assert await receive_until(maya, "pong") == {"type": "pong"}
    await drain(maya)
    await post(room, member2, "hidden now")
    await post(room, member, "mine")
    assert [(await receive_until(maya, "message"))["body"]] == ["mine"]
    assert [f for f in await drain(maya) if f["type"] == "message"] == []
    await maya.disconnect()


async def test_a_socket_screens_a_message_after_its_own_earlier_ones(layer, room, member, member2):
    maya, _, _ = await connect(member, room.pk)
    await maya.send_json_to(
        {"type": "message", "body": "I want to kill myself, I can't do this any more"}
    )
    await receive_until(maya, "ack")
    await maya.send_json_to({"type": "message", "body": "tonight", "client_id": "t"})
    frames = await drain(maya, timeout=0.5)
    support = [f for f in frames if f["type"] == "support"]
    assert support and support[-1]["level"] == "high"
    await maya.disconnect()


@pytest.mark.parametrize(
    ("frame", "detail"),
    [
        ({"bytes_data": b"\x00\x01binary"}, "Send text frames only."),
        ({"text_data": "[" * 30_000 + "]" * 30_000}, "This message is nested too deeply."),
        ({"text_data": '{"type": "message", "body": ' + "[" * 40}, "nested too deeply"),
        ({"text_data": "{not json"}, "This message is not valid JSON."),
        ({"text_data": '"\\ud800"'}, "Send a JSON object."),
    ],
)
async def test_a_malformed_frame_is_answered_with_an_error_and_the_socket_stays(
    layer, room, member, frame, detail
):
    maya, _, _ = await connect(member, room.pk)
    await maya.send_to(**frame)
    assert detail in (await receive_until(maya, "error"))["detail"]
    await maya.send_json_to({"type": "message", "body": "still here", "client_id": "ok"})
    assert (await receive_until(maya, "ack"))["client_id"] == "ok"
    await maya.disconnect()


async def test_lone_surrogates_in_body_and_client_id_are_errors_not_crashes(layer, room, member):
    maya, _, _ = await connect(member, room.pk)
    await maya.send_to(text_data='{"type": "message", "body": "a\\udc00", "client_id": "\\ud83d"}')
    assert "broken character" in (await receive_until(maya, "error"))["detail"]
    await maya.send_to(text_data='{"type": "message", "body": "fine", "client_id": {"a": [1]}}')
    assert (await receive_until(maya, "ack"))["seq"] == 1
    await maya.disconnect()


async def test_an_oversize_frame_closes_the_socket_with_1009(layer, room, member):
    maya, _, _ = await connect(member, room.pk)
    await drain(maya)
    await maya.send_to(text_data='{"type": "message", "body": "' + "x" * 70_000 + '"}')
    assert await closed_code(maya) == 1009
    assert await sync_to_async(room.messages.count)() == 0


async def test_a_frame_nested_a_hundred_thousand_deep_closes_cleanly(layer, room, member):
    maya, _, _ = await connect(member, room.pk)
    await drain(maya)
    await maya.send_to(text_data="[" * 100_000 + "]" * 100_000)
    assert await closed_code(maya) == 1009


async def connect_path(user, path):
    from channels.testing import WebsocketCommunicator

    from kindred.routing import websocket_application

    communicator = WebsocketCommunicator(websocket_application, path)
    communicator.scope["user"] = user
    connected, code = await communicator.connect(timeout=5)
    return communicator, connected, code


async def test_recent_starts_with_the_latest_messages_then_goes_live_in_order(
    layer, room, member, member2, settings
):
    settings.ROOM_RATE_LIMIT_MESSAGES = 100
    for n in range(6):
        await post(room, member2, f"m{n}")
    maya, ok, _ = await connect_path(member, f"/ws/rooms/{room.pk}/?recent=2")
    assert ok
    assert await seqs_of(maya, 2) == [5, 6]
    await post(room, member2, "live")
    assert await seqs_of(maya, 1) == [7]
    assert [f for f in await drain(maya) if f["type"] == "message"] == []
    await maya.disconnect()


async def test_recent_skips_what_the_person_may_not_see_without_a_catch_up(
    layer, room, member, member2, settings
):
    """A held message above the page's window still counts as seen: nothing replays."""
    settings.ROOM_RATE_LIMIT_MESSAGES = 100
    await post(room, member2, "visible")
    held = await post(room, member2, "held")
    held.is_held = True
    await sync_to_async(held.save)(update_fields=["is_held"])
    maya, _, _ = await connect_path(member, f"/ws/rooms/{room.pk}/?recent=5")
    assert await seqs_of(maya, 1) == [1]
    await post(room, member2, "next")
    assert await seqs_of(maya, 1) == [3]
    assert [f for f in await drain(maya) if f["type"] == "message"] == []
    await maya.disconnect()


async def test_after_wins_over_recent(layer, room, member, member2):
    for n in range(3):
        await post(room, member2, f"m{n}")
    maya, _, _ = await connect_path(member, f"/ws/rooms/{room.pk}/?recent=1&after=1")
    assert await seqs_of(maya, 2) == [2, 3]
    await maya.disconnect()


async def test_sockets_over_the_per_person_cap_are_told_and_closed_with_4429(
    layer, room, member, settings
):
    settings.ROOM_SOCKETS_PER_USER = 2
    first, ok1, _ = await connect(member, room.pk)
    second, ok2, _ = await connect(member, room.pk)
    assert ok1 and ok2
    third, ok3, _ = await connect(member, room.pk)
    assert ok3  # accepted so that the page hears why
    assert "too many rooms open" in (await third.receive_json_from())["detail"]
    assert await closed_code(third) == consumers.TOO_MANY_SOCKETS
    await first.disconnect()
    again, ok, _ = await connect(member, room.pk)
    assert ok
    await again.send_json_to({"type": "ping"})
    assert await receive_until(again, "pong") == {"type": "pong"}
    await again.disconnect()
    await second.disconnect()


async def test_sockets_over_the_per_address_cap_are_closed_with_4429(
    layer, room, member, member2, settings
):
    from channels.testing import WebsocketCommunicator

    from kindred.routing import websocket_application

    settings.ROOM_SOCKETS_PER_ADDRESS = 1
    sockets = []
    for user in (member, member2):
        communicator = WebsocketCommunicator(websocket_application, f"/ws/rooms/{room.pk}/")
        communicator.scope["user"] = user
        communicator.scope["client"] = ("203.0.113.9", 5000)
        assert (await communicator.connect(timeout=5))[0]
        sockets.append(communicator)
    await sockets[1].receive_json_from()
    assert await closed_code(sockets[1]) == consumers.TOO_MANY_SOCKETS
    await sockets[0].disconnect()


async def test_a_client_flooding_frames_is_told_to_slow_down(layer, room, member):
    maya, _, _ = await connect(member, room.pk)
    await drain(maya)
    for _ in range(consumers.FRAMES_PER_WINDOW + 5):
        await maya.send_json_to({"type": "ping"})
    frames = await drain(maya)
    slow = [f for f in frames if f["type"] == "error"]
    assert slow and slow[0]["detail"] == consumers.SLOW_DOWN_DETAIL
    assert len([f for f in frames if f["type"] == "pong"]) <= consumers.FRAMES_PER_WINDOW + 1
    await maya.disconnect()


async def test_a_reader_that_cannot_keep_up_is_dropped_with_its_resume_point(
    layer, room, member, member2, monkeypatch
):
    from channels.generic.websocket import AsyncJsonWebsocketConsumer

    original = AsyncJsonWebsocketConsumer.send_json

    async def stalls_on_stuck(self, content, close=False):
        if isinstance(content, dict) and content.get("body") == "stuck":
            await asyncio.sleep(5)
        await original(self, content, close=close)

    monkeypatch.setattr(AsyncJsonWebsocketConsumer, "send_json", stalls_on_stuck)
    monkeypatch.setattr(consumers, "SEND_TIMEOUT_SECONDS", 0.2)
    await post(room, member2, "first")
    maya, _, _ = await connect(member, room.pk)
    assert await seqs_of(maya, 1) == [1]
    await post(room, member2, "stuck")
    while (frame := await maya.receive_output(timeout=3))["type"] != "websocket.close":
        pass
    assert (frame["code"], frame.get("reason")) == (consumers.TOO_SLOW, "after=1")
    monkeypatch.setattr(AsyncJsonWebsocketConsumer, "send_json", original)
    again, _, _ = await connect(member, room.pk, after=1)
    await post(room, member2, "third")
    assert await seqs_of(again, 2) == [2, 3]
    await again.disconnect()


async def test_a_catch_up_is_read_while_the_database_thread_is_busy_on_postgresql(
    layer, room, member, member2
):
    """Catch-up reads run on the read pool: a slow write elsewhere does not hold them up."""
    from django.db import connection

    from kindred.rooms.models import MessageKind, Room, RoomMessage

    if connection.vendor != "postgresql":
        pytest.skip("the read pool is used on PostgreSQL only")
    maya, ok, _ = await connect(member, room.pk)
    assert ok
    await drain(maya)

    def store_unannounced():
        # Stored without a broadcast, as if the broadcasts were lost.
        for seq in (1, 2):
            RoomMessage.objects.create(
                room=room, seq=seq, author=member2, kind=MessageKind.TEXT, body=f"m{seq}"
            )
        Room.objects.filter(pk=room.pk).update(last_seq=2)

    await sync_to_async(store_unannounced)()
    release = threading.Event()
    started = threading.Event()

    def slow_query():
        started.set()
        release.wait(10)

    busy = asyncio.ensure_future(sync_to_async(slow_query)())
    try:
        while not started.is_set():
            await asyncio.sleep(0.01)
        event = {
            "type": "message",
            "seq": 3,
            "kind": "text",
            "author": "member_sam",
            "body": "m3",
            "created_at": "2026-11-26T20:00:00+00:00",
        }
        await get_channel_layer().group_send(
            actions.room_group(room.pk), {"type": EVENT_MESSAGE_TYPE, "event": event}
        )
        assert await seqs_of(maya, 3) == [1, 2, 3]
        assert not busy.done()
    finally:
        release.set()
        await busy
    await maya.disconnect()
