"""The groups API: every endpoint as anonymous, the wrong person, the wrong role, the right one."""

from __future__ import annotations

import pytest

from kindred.api.actions import do_create_token
from kindred.groups import actions, tools
from kindred.groups.models import SignUp, SignUpStatus
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
    room = tools.do_open_session_room(facilitator, session)
    tools.do_check_in(member, session, passed=True)
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
    tools.do_end_session(facilitator, session)
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
    tools.do_end_session(facilitator, session)
    assert post(client, url, {"rating": 4}).status_code == 401
    assert post(client, url, {"rating": 9}, member).status_code == 422
    assert post(client, url, {"rating": 4}, member2).status_code == 422  # never came in
    assert post(client, url, {"rating": 4}, facilitator).status_code == 422
    response = post(client, url, {"rating": 4}, member)
    assert response.status_code == 200 and response.json() == {"rating": 4}
    assert post(client, url, {"rating": 5}, member).status_code == 422
