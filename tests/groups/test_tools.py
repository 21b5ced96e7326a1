"""Facilitator tools and the room kind: their effects on rows, the room, events and audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kindred.audit.models import AuditEvent
from kindred.core.models import Notification
from kindred.groups import actions
from kindred.groups.access import can_join_room, write_refusal
from kindred.groups.models import Attendance, SessionStatus
from kindred.groups.room import KIND, SessionRoomKind
from kindred.rooms.actions import RoomError, do_post_message, history
from kindred.rooms.kinds import get_kind
from kindred.rooms.models import Room, RoomMessage
from tests.groups.factories import make_session

HIGH_RISK = "I have the pills ready and I am going to take them all tonight"


@pytest.fixture
def events(capture_events):
    """Every real-time event sent after commit, as (group, event), each checked against
    its declared schema."""
    return capture_events


@pytest.fixture
def live(group, session, facilitator, member, member2, django_capture_on_commit_callbacks):
    """A session with two people signed up and its room open."""
    actions.do_join(member, group, session)
    actions.do_join(member2, group, session)
    with django_capture_on_commit_callbacks(execute=True):
        room = actions.do_open_session_room(facilitator, session)
    session.refresh_from_db()
    return room


def bodies(room):
    return [m.body for m in history(room)]


def test_the_kind_is_registered():
    assert isinstance(get_kind(KIND), SessionRoomKind)


def test_opening_creates_the_room_says_so_and_tells_the_participants(
    group, session, facilitator, member, events, django_capture_on_commit_callbacks
):
    actions.do_join(member, group, session)
    with django_capture_on_commit_callbacks(execute=True):
        room = actions.do_open_session_room(facilitator, session)
    assert room.kind == KIND and room.object_id == session.pk and room.is_open
    assert bodies(room) == ["The facilitator opened the room. Welcome."]
    note = Notification.objects.get(recipient=member, kind="groups.room_opened")
    assert note.url == f"/groups/sessions/{session.pk}/"
    assert (
        f"user.{member.pk}",
        {
            "type": "notification.created",
            "kind": "groups.room_opened",
            "title": note.title,
            "url": note.url,
        },
    ) in events
    assert AuditEvent.objects.filter(event="groups.room_opened", actor_id=facilitator.pk).exists()


def test_the_room_cannot_open_long_before_the_start(group, facilitator):
    later = make_session(group, starts_in=timedelta(days=2))
    with pytest.raises(actions.GroupError, match="minutes before the start"):
        actions.do_open_session_room(facilitator, later)
    assert not Room.objects.filter(kind=KIND, object_id=later.pk).exists()


def test_who_may_join_the_room(live, session, facilitator, member, member2, outsider, moderator):
    assert can_join_room(facilitator, session)
    assert can_join_room(member, session)
    assert not can_join_room(outsider, session)
    assert not can_join_room(moderator, session)
    kind = get_kind(KIND)
    assert kind.can_join(member, live) and not kind.can_join(outsider, live)


def test_writing_needs_a_check_in_and_the_check_in_reaches_the_room(
    live, session, member, member2, facilitator, events, django_capture_on_commit_callbacks
):
    assert write_refusal(facilitator, session) is None
    assert "Check in first" in write_refusal(member, session)
    with pytest.raises(RoomError, match="Check in first"):
        do_post_message(live, member, "hello")
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_check_in(member, session, mood_word="  hopeful ", passed=False)
        actions.do_check_in(member2, session, passed=True)
    assert write_refusal(member, session) is None
    do_post_message(live, member, "hello everyone")
    assert bodies(live)[-3:] == [
        "member_maya checked in: hopeful",
        "member_sam checked in and passed.",
        "hello everyone",
    ]
    attendance = Attendance.objects.get(session=session, user=member)
    assert attendance.mood_word == "hopeful" and attendance.joined_room_at is not None
    room_events = [e for g, e in events if g == f"rooms.{live.pk}" and e["type"] == "event"]
    assert {"type": "participant.checked_in", "handle": "member_sam", "passed": True} in [
        e["event"] for e in room_events
    ]
    with pytest.raises(actions.GroupError, match="already"):
        actions.do_check_in(member, session, passed=True)


def test_an_outsider_cannot_check_in(live, session, outsider):
    with pytest.raises(actions.GroupError):
        actions.do_check_in(outsider, session, mood_word="ok", passed=False)


def test_raise_hand_queue_in_order_and_next_gives_the_floor(
    live, session, member, member2, facilitator, events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_set_hand(member2, session, True)
        actions.do_set_hand(member, session, True)
        actions.do_set_hand(member2, session, True)  # raising twice keeps the place
    assert actions.hand_queue(session) == ["member_sam", "member_maya"]
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.do_next_hand(facilitator, session) == "member_sam"
    assert actions.hand_queue(session) == ["member_maya"]
    assert bodies(live)[-1] == "Over to member_sam."
    last = [e["event"] for g, e in events if e.get("type") == "event"][-1]
    assert last == {"type": "hands.changed", "queue": ["member_maya"], "turn": "member_sam"}
    actions.do_set_hand(member, session, False)
    assert actions.hand_queue(session) == []
    assert actions.do_next_hand(facilitator, session) is None


def test_pin_norms_broadcasts_them(
    live, session, facilitator, events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_pin_norms(facilitator, session)
    session.refresh_from_db()
    assert session.norms_pinned_at is not None
    pinned = [e["event"] for _, e in events if e.get("type") == "event"]
    assert pinned[-1]["type"] == "norms.pinned" and "stays here" in pinned[-1]["norms"]


def test_mute_refuses_writing_with_the_reason_and_is_audited(
    live, session, facilitator, member, events, django_capture_on_commit_callbacks
):
    actions.do_check_in(member, session, passed=True)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_mute(facilitator, session, member, "Please let others speak")
    with pytest.raises(RoomError, match=r"muted you\. Reason: Please let others speak"):
        do_post_message(live, member, "but")
    assert can_join_room(member, session)  # muted people still listen
    event = AuditEvent.objects.get(event="groups.participant_muted")
    assert event.actor_id == facilitator.pk and event.changes["reason"] == "Please let others speak"
    assert (
        f"user.{member.pk}",
        {
            "type": "member.muted",
            "session": session.pk,
            "reason": "Please let others speak",
        },
    ) in events
    actions.do_unmute(facilitator, session, member)
    do_post_message(live, member, "thank you")
    assert AuditEvent.objects.filter(event="groups.participant_unmuted").exists()


def test_mute_and_unmute_tell_the_room_and_the_muted_member(
    live, session, facilitator, member, events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_mute(facilitator, session, member, "Please let others speak")
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_unmute(facilitator, session, member)
    in_room = [e["event"] for g, e in events.of_type("event") if g == f"rooms.{live.pk}"]
    assert [e for e in in_room if e["type"].startswith("participant.")] == [
        {"type": "participant.muted", "handle": member.handle},
        {"type": "participant.unmuted", "handle": member.handle},
    ]
    assert events.of_type("member.muted") == [
        (
            f"user.{member.pk}",
            {"type": "member.muted", "session": session.pk, "reason": "Please let others speak"},
        )
    ]


def test_remove_disconnects_and_locks_out(
    live, session, facilitator, member, events, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_remove(facilitator, session, member, "Repeated advice after a reminder")
    assert not can_join_room(member, session)
    assert (
        f"rooms.{live.pk}.user.{member.pk}",
        {
            "type": "removed",
            "reason": "The facilitator removed you: Repeated advice after a reminder",
        },
    ) in events
    assert AuditEvent.objects.filter(
        event="groups.participant_removed", actor_id=facilitator.pk
    ).exists()
    assert Notification.objects.filter(recipient=member, kind="groups.removed").exists()


@pytest.mark.parametrize("tool", ["mute", "remove"])
def test_mute_and_remove_need_a_reason_and_a_participant(
    live, session, facilitator, outsider, member, tool
):
    do = getattr(actions, f"do_{tool}")
    with pytest.raises(actions.GroupError, match="reason"):
        do(facilitator, session, member, "   ")
    with pytest.raises(actions.GroupError, match="not a participant"):
        do(facilitator, session, outsider, "x")
    with pytest.raises(actions.GroupError, match="not a participant"):
        do(facilitator, session, facilitator, "x")


def test_end_keeps_an_attendance_summary_without_content_and_closes_the_room(
    live, session, facilitator, member, member2, events, django_capture_on_commit_callbacks
):
    actions.do_check_in(member, session, mood_word="anxious", passed=False)
    do_post_message(live, member, "A private thing I said")
    with django_capture_on_commit_callbacks(execute=True):
        summary = actions.do_end_session(facilitator, session)
    assert summary == {
        "signed_up": 2,
        "attended": 1,
        "checked_in": 1,
        "passed": 0,
        "muted": 0,
        "removed": 0,
        "attendees": ["member_maya"],
    }
    session.refresh_from_db()
    live.refresh_from_db()
    assert session.status == SessionStatus.ENDED and session.summary == summary
    assert not live.is_open
    assert "private thing" not in str(session.summary) and "anxious" not in str(session.summary)
    audit = AuditEvent.objects.get(event="groups.session_ended")
    assert "private" not in str(audit.changes) and "member_maya" not in str(audit.changes)
    assert (f"rooms.{live.pk}", {"type": "closed"}) in events
    assert Notification.objects.filter(recipient=member, kind="groups.rate").exists()
    assert not Notification.objects.filter(recipient=member2, kind="groups.rate").exists()
    # Afterwards nobody reads the room, the facilitator included.
    assert not can_join_room(member, session) and not can_join_room(facilitator, session)
    with pytest.raises(actions.GroupError, match="ended"):
        actions.do_open_session_room(facilitator, session)


def test_close_and_reopen(live, session, facilitator, member):
    actions.do_close_session_room(facilitator, session)
    live.refresh_from_db()
    assert not live.is_open
    with pytest.raises(actions.GroupError, match="Open the room first"):
        actions.do_check_in(member, session, passed=True)
    actions.do_open_session_room(facilitator, session)
    live.refresh_from_db()
    assert live.is_open


def test_on_risk_alerts_the_facilitators_privately_without_the_text(
    live, session, facilitator, member, events, django_capture_on_commit_callbacks
):
    actions.do_check_in(member, session, passed=True)
    with django_capture_on_commit_callbacks(execute=True):
        do_post_message(live, member, HIGH_RISK)
    alerts = [
        e for g, e in events if g == f"user.{facilitator.pk}" and e["type"] == "risk.detected"
    ]
    assert len(alerts) == 1
    alert = alerts[0]
    assert alert["handle"] == "member_maya" and alert["level"] in ("moderate", "high")
    # The steps are on the facilitator's page, in their language: not in the event.
    assert alert["help_url"] and "steps" not in alert
    assert "pills" not in str(alert)
    in_room = [e for g, e in events if g == f"rooms.{live.pk}.user.{facilitator.pk}"]
    assert in_room and in_room[0]["event"]["type"] == "risk.detected"
    note = Notification.objects.get(recipient=facilitator, kind="groups.risk")
    assert "member_maya" in note.title and "pills" not in note.title
    # The other participant hears nothing of it.
    assert (
        not Notification.objects.filter(kind="groups.risk").exclude(recipient=facilitator).exists()
    )


def test_overdue_sessions_end_by_themselves_and_old_messages_go(live, session, member, settings):
    actions.do_check_in(member, session, passed=True)
    do_post_message(live, member, "hello")
    later = session.ends_at + timedelta(hours=1)
    assert actions.end_overdue_sessions(later) == 1
    session.refresh_from_db()
    assert session.status == SessionStatus.ENDED and session.ended_by is None
    settings.GROUPS_ROOM_RETENTION_DAYS = 7
    assert actions.purge_ended_room_messages(later + timedelta(days=1)) == 0
    assert actions.purge_ended_room_messages(later + timedelta(days=8)) > 0
    assert not RoomMessage.objects.filter(room=live).exists()


def test_room_page_records_attendance_for_participants_not_facilitators(
    live, session, client, member, facilitator
):
    client.force_login(member)
    assert client.get(f"/groups/sessions/{session.pk}/").status_code == 200
    assert Attendance.objects.get(session=session, user=member).joined_room_at is not None
    client.force_login(facilitator)
    client.get(f"/groups/sessions/{session.pk}/")
    assert not Attendance.objects.filter(session=session, user=facilitator).exists()
    assert timezone.now() < session.ends_at


def test_a_suspended_member_can_listen_but_not_write(live, session, member, moderator):
    from kindred.community.actions import do_suspend

    actions.do_check_in(member, session, passed=True)
    do_suspend(moderator, member, days=3, reason="Harassment in a thread")
    assert can_join_room(member, session)
    assert "Reason: Harassment in a thread" in write_refusal(member, session)
