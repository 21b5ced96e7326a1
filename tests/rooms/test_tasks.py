"""The presence task, and the rooms rule of the daily retention sweep."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from kindred.rights.retention_actions import do_apply_retention
from kindred.rooms import actions
from kindred.rooms.models import Room, RoomConnection, RoomMessage
from kindred.rooms.tasks import purge_stale_room_connections
from tests.rooms.factories import make_room


def test_the_retention_task_uses_the_configured_days(room_kind, member, settings):
    settings.ROOM_RETENTION_DAYS = 7
    room = make_room(room_kind, member)
    actions.do_post_message(room, member, "soon gone")
    actions.do_close_room(room)
    Room.objects.filter(pk=room.pk).update(closed_at=timezone.now() - timedelta(days=6))
    assert do_apply_retention()["rooms.messages"] == 0
    Room.objects.filter(pk=room.pk).update(closed_at=timezone.now() - timedelta(days=8))
    assert do_apply_retention()["rooms.messages"] == 1
    assert not RoomMessage.objects.exists()
    # The room itself stays (its kind's object may still refer to it).
    assert Room.objects.filter(pk=room.pk).exists()


def test_the_presence_task_forgets_sockets_of_dead_processes(room_kind, member):
    room = make_room(room_kind, member)
    actions.do_join_presence(room.pk, member, "alive")
    actions.do_join_presence(room.pk, member, "dead")
    RoomConnection.objects.filter(channel_name="dead").update(
        seen_at=timezone.now() - timedelta(minutes=10)
    )
    assert purge_stale_room_connections.call_local() == 1
    assert list(RoomConnection.objects.values_list("channel_name", flat=True)) == ["alive"]
