"""The groups API: every endpoint as anonymous, the wrong person, the wrong role, the right one."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from kindred.api.actions import do_create_token
from kindred.audit.models import AuditEvent
from kindred.core.models import Notification
from kindred.groups import actions
from kindred.groups.models import SessionStatus, SignUp, SignUpStatus
from kindred.rooms.actions import do_post_message
from tests.factories import UserFactory
from tests.groups.factories import make_group, make_session


def auth(user, scopes=("read", "write")):
    _, plaintext = do_create_token(user, name="t", scopes=scopes)
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def post(client, url, data, user=None, **kw):
    headers = auth(user, **kw) if user else {}
    return client.post(url, data, content_type="application/json", **headers)


def test_list_and_detail_for_visitors_and_members(client, group, session, member):
    response = client.get("/api/v1/groups")
    assert response.status_code == 200
    (row,) = response.json()
    assert row["id"] == group.pk and row["schedule"] == "Every Tuesday at 19:00 (Europe/London)"
    assert row["facilitators"] == ["facil_frank"]
    detail = client.get(f"/api/v1/groups/{group.pk}", **auth(member)).json()
    assert "stays here" in detail["norms"]
    assert session.pk in [s["id"] for s in detail["upcoming"]]


def test_detail_query_count_does_not_grow_with_sessions(
    client, group, session, member, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20) as few:
        assert client.get(f"/api/v1/groups/{group.pk}", **auth(member)).status_code == 200
    for hours in range(1, 6):
        actions.do_join(member, group, make_session(group, starts_in=timedelta(hours=hours)))
    with django_assert_max_num_queries(len(few.captured_queries)):
        detail = client.get(f"/api/v1/groups/{group.pk}", **auth(member)).json()
    assert len(detail["upcoming"]) >= 6


def test_the_first_start_is_a_wall_clock_time_and_an_instant(client, facilitator, space):
    # 19:00 in London in July is 18:00 UTC.
    make_group(facilitator, space, first=datetime(2026, 7, 7, 19, 0), tz="Europe/London")
    (row,) = client.get("/api/v1/groups").json()
    assert row["first_starts_at_local"] == "2026-07-07T19:00:00"
    assert row["timezone"] == "Europe/London"
    first = datetime.fromisoformat(row["first_starts_at"])
    assert first.utcoffset() is not None
    assert first == datetime(2026, 7, 7, 18, 0, tzinfo=UTC)


def test_the_schema_does_not_call_the_wall_clock_time_a_date_time(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    group = schema["components"]["schemas"]["GroupOut"]["properties"]
    local = group["first_starts_at_local"]
    assert local["type"] == "string"
    assert "format" not in local
    assert re.fullmatch(local["pattern"], "2026-07-07T19:00:00")
    assert not re.fullmatch(local["pattern"], "2026-07-07T19:00:00+01:00")
    assert group["first_starts_at"]["format"] == "date-time"


def test_teen_group_is_404_for_adults(client, facilitator, teen_space, member):
    teen = make_group(facilitator, teen_space, topic="Teens")
    assert client.get(f"/api/v1/groups/{teen.pk}").status_code == 404
    response = client.get(f"/api/v1/groups/{teen.pk}", **auth(member))
    assert response.status_code == 404 and response.json() == {"detail": "No such group."}


def test_join_needs_login_and_the_write_scope(client, group, session, member):
    assert (
        post(client, f"/api/v1/groups/{group.pk}/join", {"session": session.pk}).status_code == 401
    )
    response = post(
        client, f"/api/v1/groups/{group.pk}/join", {"session": session.pk}, member, scopes=("read",)
    )
    assert response.status_code == 403
    assert not SignUp.objects.exists()


def test_join_waitlist_and_leave(client, facilitator, space, member, member2):
    group = make_group(facilitator, space, capacity=2)
    session = make_session(group)
    actions.do_join(UserFactory(), group, session)
    actions.do_join(UserFactory(), group, session)
    response = post(client, f"/api/v1/groups/{group.pk}/join", {"session": session.pk}, member)
    assert response.status_code == 200
    assert response.json()["status"] == "waitlisted" and response.json()["waitlist_position"] == 1
    mine = client.get("/api/v1/groups/signups/mine", **auth(member)).json()
    assert [(s["session_id"], s["status"]) for s in mine] == [(session.pk, "waitlisted")]
    response = post(client, f"/api/v1/groups/{group.pk}/leave", {"session": session.pk}, member)
    assert response.status_code == 200 and response.json()["status"] == "left"
    assert (
        post(
            client, f"/api/v1/groups/{group.pk}/leave", {"session": session.pk}, member
        ).status_code
        == 204
    )


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({}, 422),
        ({"session": "x"}, 422),
        ({"session": 0}, 422),
        ({"session": 1, "extra": 1}, 422),
        ({"session": 999999}, 404),
    ],
)
def test_bad_join_input_is_422_or_404_never_500(client, group, member, payload, status):
    response = post(client, f"/api/v1/groups/{group.pk}/join", payload, member)
    assert response.status_code == status
    assert "detail" in response.json()


@pytest.mark.parametrize("who", ["therapist", "moderator", "facilitator"])
def test_wrong_roles_cannot_join(client, request, who, group, session):
    response = post(
        client,
        f"/api/v1/groups/{group.pk}/join",
        {"session": session.pk},
        request.getfixturevalue(who),
    )
    assert response.status_code == 422
    assert not SignUp.objects.filter(status=SignUpStatus.JOINED).exists()


@pytest.fixture
def live(group, session, facilitator, member, member2):
    actions.do_join(member, group, session)
    actions.do_join(member2, group, session)
    room = actions.do_open_session_room(facilitator, session)
    actions.do_check_in(member, session, passed=True)
    do_post_message(room, member, "something I shared")
    return room


def test_history_is_for_participants_during_the_session(
    client, live, session, member, outsider, moderator, facilitator
):
    url = f"/api/v1/groups/sessions/{session.pk}/history"
    assert client.get(url).status_code == 401
    body = client.get(url, **auth(member)).json()
    assert [m["body"] for m in body["messages"]][-1] == "something I shared"
    assert body["ws_url"] == f"/ws/rooms/{live.pk}/"
    after = body["messages"][-1]["seq"]
    assert client.get(f"{url}?after={after}", **auth(member)).json()["messages"] == []
    assert client.get(url, **auth(facilitator)).status_code == 200
    for who in (outsider, moderator):
        response = client.get(url, **auth(who))
        assert response.status_code == 404 and "shared" not in response.content.decode()
    assert client.get(f"{url}?after=-1", **auth(member)).status_code == 422


def test_history_is_gone_for_a_past_participant_after_the_session(
    client, live, session, member, facilitator
):
    actions.do_end_session(facilitator, session)
    response = client.get(f"/api/v1/groups/sessions/{session.pk}/history", **auth(member))
    assert response.status_code == 404 and "shared" not in response.content.decode()


def test_history_of_a_room_not_yet_open_is_404(client, group, session, member):
    actions.do_join(member, group, session)
    assert (
        client.get(f"/api/v1/groups/sessions/{session.pk}/history", **auth(member)).status_code
        == 404
    )


def test_rate_after_the_session(client, live, session, member, member2, facilitator):
    url = f"/api/v1/groups/sessions/{session.pk}/rate"
    actions.do_end_session(facilitator, session)
    assert post(client, url, {"rating": 4}).status_code == 401
    assert post(client, url, {"rating": 9}, member).status_code == 422
    assert post(client, url, {"rating": 4}, member2).status_code == 422  # never came in
    assert post(client, url, {"rating": 4}, facilitator).status_code == 422
    response = post(client, url, {"rating": 4}, member)
    assert response.status_code == 200 and response.json() == {"rating": 4}
    assert post(client, url, {"rating": 5}, member).status_code == 422


# --- Edit, cancel, archive -----------------------------------------------------------------


def patch(client, url, data, user=None, **kw):
    headers = auth(user, **kw) if user else {}
    return client.patch(url, data, content_type="application/json", **headers)


def manage_calls(group, session):
    return [
        (patch, f"/api/v1/groups/{group.pk}", {"capacity": 9}),
        (post, f"/api/v1/groups/sessions/{session.pk}/cancel", {"reason": "Unwell"}),
        (post, f"/api/v1/groups/{group.pk}/archive", {}),
    ]


def unchanged(group, session):
    group.refresh_from_db()
    session.refresh_from_db()
    return group.is_active and group.capacity == 8 and session.status == SessionStatus.SCHEDULED


@pytest.mark.parametrize("index", range(3))
def test_managing_needs_login(client, group, session, index):
    send, url, data = manage_calls(group, session)[index]
    assert send(client, url, data).status_code == 401
    assert unchanged(group, session)


@pytest.mark.parametrize("index", range(3))
@pytest.mark.parametrize("who", ["member", "other_facilitator", "moderator"])
def test_managing_is_404_for_anyone_but_its_facilitators_and_staff(
    client, request, group, session, member, index, who
):
    actions.do_join(member, group, session)
    send, url, data = manage_calls(group, session)[index]
    response = send(client, url, data, request.getfixturevalue(who))
    assert response.status_code == 404
    assert response.json()["detail"] in ("No such group.", "No such session.")
    assert unchanged(group, session)


@pytest.mark.parametrize("index", range(3))
def test_managing_needs_the_write_scope(client, group, session, facilitator, index):
    send, url, data = manage_calls(group, session)[index]
    assert send(client, url, data, facilitator, scopes=("read",)).status_code == 403
    assert unchanged(group, session)


@pytest.mark.parametrize("who", ["facilitator", "staff"])
def test_patch_a_group(client, request, who, facilitator, space):
    group = make_group(facilitator, space, capacity=2)
    session = make_session(group)
    people = [UserFactory() for _ in range(3)]
    for person in people:
        actions.do_join(person, group, session)
    response = patch(
        client,
        f"/api/v1/groups/{group.pk}",
        {"capacity": 3, "topic": "Anxiety, together", "session_minutes": 60},
        request.getfixturevalue(who),
    )
    assert response.status_code == 200
    body = response.json()
    assert body["capacity"] == 3 and body["topic"] == "Anxiety, together"
    assert body["session_minutes"] == 60 and body["archived"] is False
    assert SignUp.objects.get(user=people[2]).status == SignUpStatus.JOINED
    session.refresh_from_db()
    assert (session.ends_at - session.starts_at).total_seconds() == 3600
    group.refresh_from_db()
    assert group.description.startswith("A weekly evening group")  # not sent, kept
    assert AuditEvent.objects.filter(event="groups.group_updated").count() == 1


@pytest.mark.parametrize(
    "payload",
    [
        {"capacity": 1},
        {"capacity": "many"},
        {"session_minutes": 500},
        {"topic": ""},
        {"topic": None},
        {"topic": "   "},
        {"format": "cohort"},
    ],
)
def test_bad_patches_are_422_and_change_nothing(client, group, session, facilitator, payload):
    response = patch(client, f"/api/v1/groups/{group.pk}", payload, facilitator)
    assert response.status_code == 422 and "detail" in response.json()
    assert unchanged(group, session)


def test_patch_of_a_missing_group_is_404(client, facilitator):
    response = patch(client, "/api/v1/groups/999999", {"capacity": 4}, facilitator)
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["facilitator", "staff"])
def test_cancel_a_session(client, request, who, group, session, member, member2):
    actions.do_join(member, group, session)
    actions.do_join(member2, group, session)
    url = f"/api/v1/groups/sessions/{session.pk}/cancel"
    user = request.getfixturevalue(who)
    response = post(client, url, {"reason": "Facilitator unwell"}, user)
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "cancelled" and body["cancel_reason"] == "Facilitator unwell"
    notes = Notification.objects.filter(kind="groups.session_cancelled")
    assert sorted(notes.values_list("recipient_id", flat=True)) == sorted([member.pk, member2.pk])
    # Idempotent.
    again = post(client, url, {"reason": "Something else"}, user)
    assert again.status_code == 200 and again.json()["cancel_reason"] == "Facilitator unwell"
    assert notes.count() == 2


@pytest.mark.parametrize(
    "payload", [{}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 201}, {"reason": 1}]
)
def test_bad_cancel_input_is_422(client, group, session, facilitator, payload):
    response = post(client, f"/api/v1/groups/sessions/{session.pk}/cancel", payload, facilitator)
    assert response.status_code == 422 and "detail" in response.json()
    assert unchanged(group, session)


def test_an_ended_session_cannot_be_cancelled(client, group, session, facilitator):
    actions.do_end_session(facilitator, session)
    response = post(
        client, f"/api/v1/groups/sessions/{session.pk}/cancel", {"reason": "x"}, facilitator
    )
    assert response.status_code == 422 and "over" in response.json()["detail"]


@pytest.mark.parametrize("who", ["facilitator", "staff"])
def test_archive_a_group(client, request, who, group, session, member, member2):
    actions.do_join(member, group, session)
    response = post(client, f"/api/v1/groups/{group.pk}/archive", {}, request.getfixturevalue(who))
    assert response.status_code == 200
    body = response.json()
    assert body["archived"] is True and body["sessions_cancelled"] >= 1
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    # Gone from the list; still readable by the person who was signed up; not by others.
    assert group.pk not in [g["id"] for g in client.get("/api/v1/groups", **auth(member)).json()]
    detail = client.get(f"/api/v1/groups/{group.pk}", **auth(member)).json()
    assert detail["archived"] is True and detail["upcoming"] == []
    assert client.get(f"/api/v1/groups/{group.pk}", **auth(member2)).status_code == 404
    join = post(client, f"/api/v1/groups/{group.pk}/join", {"session": session.pk}, member)
    assert join.status_code == 422
    again = post(client, f"/api/v1/groups/{group.pk}/archive", {}, request.getfixturevalue(who))
    assert again.status_code == 200 and again.json()["sessions_cancelled"] == 0
    edit = patch(client, f"/api/v1/groups/{group.pk}", {"capacity": 9}, group.facilitators.get())
    assert edit.status_code == 422 and "archived" in edit.json()["detail"]
