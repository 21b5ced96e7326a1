"""The session page and its POST tools: who may do what, and what each does."""

from __future__ import annotations

import pytest

from kindred.groups import actions
from kindred.groups.models import Attendance, SessionStatus
from kindred.rooms.models import Room


def url(session, name=""):
    return f"/groups/sessions/{session.pk}/{name + '/' if name else ''}"


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("member", 200),
        ("facilitator", 200),
        ("outsider", 404),
        ("moderator", 404),
        ("therapist", 404),
        ("other_facilitator", 404),
    ],
)
def test_session_page_is_for_its_people(client, request, live, session, who, status):
    client.force_login(request.getfixturevalue(who))
    response = client.get(url(session))
    assert response.status_code == status
    if status == 200:
        assert "data-room" in response.content.decode()


def test_session_page_anonymous_goes_to_login(client, session):
    response = client.get(url(session))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_before_opening_the_page_says_so_and_has_no_room(
    client, signed_up, session, member, facilitator
):
    client.force_login(member)
    body = client.get(url(session)).content.decode()
    assert "data-room" not in body and "opens when the facilitator opens it" in body
    client.force_login(facilitator)
    assert "Open the room" in client.get(url(session)).content.decode()


def test_member_sees_check_in_then_can_write(client, live, session, member):
    client.force_login(member)
    body = client.get(url(session)).content.decode()
    assert 'id="checkin-form"' in body and "You can read this conversation but not write" in body
    client.post(url(session, "checkin"), {"mood_word": "calm"})
    body = client.get(url(session)).content.decode()
    assert 'id="checkin-form"' not in body and "data-room-form" in body


def test_check_in_form_errors_are_shown_not_500(client, live, session, member):
    client.force_login(member)
    response = client.post(url(session, "checkin"), {"mood_word": ""}, follow=True)
    assert "Share a word, or choose to pass" in response.content.decode()
    response = client.post(url(session, "checkin"), {"mood_word": "a b c d e"}, follow=True)
    assert "Just a word or two" in response.content.decode()
    assert Attendance.objects.get(session=session, user=member).checked_in_at is None


@pytest.mark.parametrize("name", ["checkin", "hand"])
def test_participant_posts_are_404_for_others(client, live, session, outsider, name):
    client.force_login(outsider)
    assert client.post(url(session, name), {"passed": "on", "raised": "on"}).status_code == 404


def test_raise_hand_from_the_page(client, live, session, member):
    client.force_login(member)
    client.post(url(session, "hand"), {"raised": "on"})
    assert actions.hand_queue(session) == ["member_maya"]
    client.post(url(session, "hand"), {})
    assert actions.hand_queue(session) == []


TOOLS = ["open", "close", "pin", "next-hand", "end"]


@pytest.mark.parametrize("name", [*TOOLS, "mute", "unmute", "remove"])
@pytest.mark.parametrize("who", ["member", "other_facilitator", "moderator", "staff"])
def test_tools_are_404_for_anyone_but_the_groups_facilitators(
    client, request, live, session, member, name, who
):
    client.force_login(request.getfixturevalue(who))
    response = client.post(url(session, name), {"user": member.pk, "reason": "x"})
    assert response.status_code == 404
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED
    assert not Attendance.objects.filter(muted_at__isnull=False).exists()


@pytest.mark.parametrize("name", [*TOOLS, "mute", "unmute", "remove"])
def test_tools_anonymous_goes_to_login(client, live, session, name):
    response = client.post(url(session, name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("name", TOOLS)
def test_tools_are_post_only(client, live, session, facilitator, name):
    client.force_login(facilitator)
    assert client.get(url(session, name)).status_code == 405


def test_facilitator_tools_from_the_page(client, signed_up, session, facilitator, member):
    client.force_login(facilitator)
    client.post(url(session, "open"))
    room = Room.objects.get(kind="groups.session", object_id=session.pk)
    assert room.is_open
    client.post(url(session, "pin"))
    session.refresh_from_db()
    assert session.norms_pinned_at is not None
    response = client.post(url(session, "mute"), {"user": member.pk, "reason": ""}, follow=True)
    assert "Give a reason" in response.content.decode()
    client.post(url(session, "mute"), {"user": member.pk, "reason": "Take a breath"})
    assert Attendance.objects.get(user=member).mute_reason == "Take a breath"
    client.post(url(session, "unmute"), {"user": member.pk})
    assert Attendance.objects.get(user=member).muted_at is None
    assert client.post(url(session, "mute"), {"user": 999999, "reason": "x"}).status_code == 404
    client.post(url(session, "remove"), {"user": member.pk, "reason": "Left the norms"})
    assert Attendance.objects.get(user=member).removed_at is not None
    response = client.post(url(session, "end"), follow=True)
    assert "The session has ended. 0 of 2" in response.content.decode()
    body = client.get(url(session)).content.decode()
    assert 'id="attendance-summary"' in body


def test_after_the_end_a_participant_sees_the_rating_form_not_the_room(
    client, live, session, member, facilitator
):
    actions.do_check_in(member, session, passed=True)
    actions.do_end_session(facilitator, session)
    client.force_login(member)
    body = client.get(url(session)).content.decode()
    assert "data-room" not in body and "How helpful was this session" in body
    assert client.post(url(session, "rate"), {"rating": "nope"}, follow=True).status_code == 200
    client.post(url(session, "rate"), {"rating": "5"})
    assert Attendance.objects.get(user=member).rating == 5
    assert "Thank you for your rating" in client.get(url(session)).content.decode()
    client.force_login(facilitator)
    assert "average 5.0 of 5" in client.get(url(session)).content.decode()


@pytest.mark.parametrize("name", ["mute", "unmute", "remove"])
def test_tools_refuse_a_person_who_is_not_in_the_session(
    client, live, session, facilitator, outsider, name
):
    """Someone real but not signed up gets the same 404 as a missing id, and nothing changes."""
    client.force_login(facilitator)
    response = client.post(url(session, name), {"user": outsider.pk, "reason": "x"})
    assert response.status_code == 404
    assert not Attendance.objects.filter(user=outsider).exists()


def test_a_cancelled_session_says_so_with_no_room_or_tools(
    client, signed_up, session, member, facilitator
):
    actions.do_cancel_session(facilitator, session, "Facilitator unwell")
    client.force_login(member)
    body = client.get(url(session)).content.decode()
    assert "Cancelled: Facilitator unwell" in body
    assert "data-room" not in body and "opens when the facilitator opens it" not in body
    client.force_login(facilitator)
    body = client.get(url(session)).content.decode()
    assert "Cancelled: Facilitator unwell" in body
    assert 'id="facilitator-tools"' not in body and 'id="cancel-session"' not in body
    assert client.post(url(session, "open")).status_code == 302
    session.refresh_from_db()
    assert session.room_opened_at is None


def test_the_cancel_form_is_for_facilitators_only(client, signed_up, session, member, facilitator):
    client.force_login(member)
    assert 'id="cancel-session"' not in client.get(url(session)).content.decode()
    client.force_login(facilitator)
    body = client.get(url(session)).content.decode()
    assert 'id="cancel-session"' in body
    assert '<label for="id_reason"' in body and "csrfmiddlewaretoken" in body
