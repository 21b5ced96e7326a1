"""The live-session API (kindred.groups.api_tools): every endpoint as anonymous,
the wrong person, the wrong role, the right one; and what each does."""

from __future__ import annotations

import pytest

from kindred.audit.models import AuditEvent
from kindred.groups import actions
from kindred.groups.models import Attendance, SessionStatus
from kindred.rooms.actions import RoomError, do_post_message
from kindred.rooms.models import Room
from tests.factories import UserFactory
from tests.groups.test_api import auth


def base(session):
    return f"/api/v1/groups/sessions/{session.pk}"


def call(client, method, path, user=None, data=None, **kw):
    headers = auth(user, **kw) if user else {}
    if method == "get":
        return client.get(path, **headers)
    return client.post(path, data or {}, content_type="application/json", **headers)


def facilitator_endpoints(session, member):
    b = base(session)
    return [
        ("post", f"{b}/room/open", None),
        ("post", f"{b}/room/close", None),
        ("post", f"{b}/norms/pin", None),
        ("get", f"{b}/participants", None),
        ("post", f"{b}/participants/{member.pk}/mute", {"reason": "x"}),
        ("post", f"{b}/participants/{member.pk}/unmute", None),
        ("post", f"{b}/participants/{member.pk}/remove", {"reason": "x"}),
        ("post", f"{b}/hands/next", None),
        ("post", f"{b}/end", None),
    ]


def test_facilitator_endpoints_need_a_login(client, live, session, member):
    for method, path, data in facilitator_endpoints(session, member):
        assert call(client, method, path, data=data).status_code == 401, path


@pytest.mark.parametrize("who", ["member", "other_facilitator", "moderator", "staff", "outsider"])
def test_facilitator_endpoints_are_404_for_anyone_but_the_groups_facilitators(
    client, request, live, session, member, who
):
    caller = request.getfixturevalue(who)
    for method, path, data in facilitator_endpoints(session, member):
        response = call(client, method, path, caller, data)
        assert response.status_code == 404, path
        assert response.json() == {"detail": "No such session."}
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED
    assert not Attendance.objects.filter(muted_at__isnull=False).exists()
    assert not Attendance.objects.filter(removed_at__isnull=False).exists()


def test_a_read_only_token_cannot_use_the_tools(client, live, session, facilitator, member):
    response = call(client, "post", f"{base(session)}/end", facilitator, scopes=("read",))
    assert response.status_code == 403
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED


def test_the_facilitator_runs_a_session_over_the_api(
    client, signed_up, session, facilitator, member
):
    b = base(session)
    opened = call(client, "post", f"{b}/room/open", facilitator).json()
    room = Room.objects.get(kind="groups.session", object_id=session.pk)
    assert opened == {"room_id": room.pk, "room_open": True, "ws_url": f"/ws/rooms/{room.pk}/"}
    assert call(client, "post", f"{b}/norms/pin", facilitator).status_code == 204
    session.refresh_from_db()
    assert session.norms_pinned_at is not None

    assert call(client, "post", f"{b}/check-in", member, {"mood_word": "tired"}).status_code == 204
    raised = call(client, "post", f"{b}/hand", member, {"raised": True}).json()
    assert raised == {"queue": ["member_maya"]}
    rows = {r["handle"]: r for r in call(client, "get", f"{b}/participants", facilitator).json()}
    assert rows["member_maya"] | {"user_id": 0} == {
        "user_id": 0,
        "handle": "member_maya",
        "in_room": True,
        "checked_in": True,
        "passed": False,
        "mood_word": "tired",
        "hand_raised": True,
        "muted": False,
        "removed": False,
    }
    assert rows["member_sam"]["in_room"] is False
    assert call(client, "post", f"{b}/hands/next", facilitator).json() == {
        "handle": "member_maya",
        "queue": [],
    }

    mute = f"{b}/participants/{member.pk}/mute"
    assert call(client, "post", mute, facilitator, {"reason": ""}).status_code == 422
    assert call(client, "post", mute, facilitator, {"reason": "Breathe"}).status_code == 204
    with pytest.raises(RoomError, match="Breathe"):
        do_post_message(room, member, "can I talk?")
    assert AuditEvent.objects.filter(event="groups.participant_muted").count() == 1
    unmute = f"{b}/participants/{member.pk}/unmute"
    assert call(client, "post", unmute, facilitator).status_code == 204
    assert do_post_message(room, member, "thanks").seq > 0

    remove = f"{b}/participants/{member.pk}/remove"
    assert call(client, "post", remove, facilitator, {"reason": "Norms"}).status_code == 204
    assert Attendance.objects.get(session=session, user=member).removed_at is not None
    assert call(client, "post", f"{b}/check-in", member, {"passed": True}).status_code == 404

    assert call(client, "post", f"{b}/room/close", facilitator).json()["room_open"] is False
    summary = call(client, "post", f"{b}/end", facilitator).json()
    assert summary["signed_up"] == 2 and summary["removed"] == 1
    assert "tired" not in str(summary)
    session.refresh_from_db()
    assert session.status == SessionStatus.ENDED


def test_a_person_outside_the_session_cannot_be_muted(client, live, session, facilitator, outsider):
    path = f"{base(session)}/participants/{outsider.pk}/mute"
    response = call(client, "post", path, facilitator, {"reason": "x"})
    assert response.status_code == 404
    missing = f"{base(session)}/participants/999999/mute"
    assert call(client, "post", missing, facilitator, {"reason": "x"}).status_code == 404
    assert not Attendance.objects.filter(user=outsider).exists()


def test_bad_input_is_422_with_a_message(client, live, session, facilitator, member):
    b = base(session)
    too_long = call(
        client, "post", f"{b}/participants/{member.pk}/mute", facilitator, {"reason": "x" * 201}
    )
    assert too_long.status_code == 422
    extra = call(client, "post", f"{b}/hand", member, {"raised": True, "x": 1})
    assert extra.status_code == 422
    neither = call(client, "post", f"{b}/check-in", member, {"mood_word": ""})
    assert neither.status_code == 422
    assert "Share a word, or choose to pass." in neither.json()["detail"]


def test_participant_endpoints_are_for_people_in_the_room(
    client, signed_up, session, facilitator, member, outsider
):
    b = base(session)
    assert call(client, "post", f"{b}/hand", data={"raised": True}).status_code == 401
    # Before the room opens, nobody is in it.
    assert call(client, "post", f"{b}/hand", member, {"raised": True}).status_code == 404
    actions.do_open_session_room(facilitator, session)
    assert call(client, "post", f"{b}/hand", outsider, {"raised": True}).status_code == 404
    assert call(client, "post", f"{b}/check-in", outsider, {"passed": True}).status_code == 404
    assert call(client, "post", f"{b}/hand", member, {"raised": True}).status_code == 200
    assert call(client, "post", f"{b}/check-in", member, {"passed": True}).status_code == 204
    again = call(client, "post", f"{b}/check-in", member, {"passed": True})
    assert again.status_code == 422 and "already" in again.json()["detail"]


def test_participants_is_a_constant_number_of_queries(
    client, live, group, session, facilitator, django_assert_max_num_queries
):
    headers = auth(facilitator)
    path = f"{base(session)}/participants"
    client.get(path, **headers)
    with django_assert_max_num_queries(12) as few:
        assert client.get(path, **headers).status_code == 200
    for n in range(6):
        actions.do_join(UserFactory(handle=f"extra{n}"), group, session)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(client.get(path, **headers).json()) == 8
