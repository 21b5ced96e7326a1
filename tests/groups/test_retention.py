"""The group-room rule of the retention sweep: messages go a week after the session."""

from __future__ import annotations

from datetime import timedelta

from kindred.groups import actions
from kindred.groups.models import SessionStatus
from kindred.groups.retention import purge_session_room_messages
from kindred.rooms.actions import do_post_message
from kindred.rooms.models import RoomMessage


def test_messages_of_sessions_ended_before_the_cutoff_go(live, session, member):
    actions.do_check_in(member, session, passed=True)
    for text in ("one", "two", "three"):
        do_post_message(live, member, text)
    ended_at = session.ends_at + timedelta(hours=1)
    assert actions.end_overdue_sessions(ended_at) == 1
    session.refresh_from_db()
    assert session.status == SessionStatus.ENDED
    # The room also holds its own notices (the pinned norms): they go too.
    in_room = RoomMessage.objects.filter(room=live).count()
    assert in_room >= 3
    assert purge_session_room_messages(session.ended_at - timedelta(seconds=1), 2) == 0
    assert RoomMessage.objects.filter(room=live).count() == in_room
    assert purge_session_room_messages(session.ended_at, 2) == in_room
    assert not RoomMessage.objects.filter(room=live).exists()
    assert purge_session_room_messages(session.ended_at, 2) == 0
