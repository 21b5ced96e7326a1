"""The rooms rule of the retention sweep: messages and support go in batches."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from kindred.rooms import actions
from kindred.rooms.models import Room, RoomMessage, RoomSupport
from kindred.rooms.retention import purge_closed_room_messages
from tests.rooms.factories import make_room


def _closed(room_kind, member, *, days_ago: int, messages: int) -> Room:
    room = make_room(room_kind, member)
    for i in range(messages):
        actions.do_post_message(room, member, f"message {i}")
    RoomSupport.objects.create(room=room, user=member)
    actions.do_close_room(room)
    Room.objects.filter(pk=room.pk).update(closed_at=timezone.now() - timedelta(days=days_ago))
    return room


def test_closed_rooms_lose_messages_and_support_after_the_period(
    room_kind, member, django_assert_max_num_queries
):
    old = _closed(room_kind, member, days_ago=31, messages=5)
    recent = _closed(room_kind, member, days_ago=29, messages=2)
    cutoff = timezone.now() - timedelta(days=30)
    # Batches of two: three for the messages, one for the support row, each a select and
    # a delete, plus the final empty selects. Bounded by batches, not rows.
    with django_assert_max_num_queries(12):
        assert purge_closed_room_messages(cutoff, 2) == 5
    assert not RoomMessage.objects.filter(room=old).exists()
    assert not RoomSupport.objects.filter(room=old).exists()
    assert RoomMessage.objects.filter(room=recent).count() == 2
    assert RoomSupport.objects.filter(room=recent).exists()
    assert Room.objects.filter(pk=old.pk).exists()
    assert purge_closed_room_messages(cutoff, 2) == 0
