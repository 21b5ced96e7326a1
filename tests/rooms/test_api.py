"""/api/v1/rooms/…: the room's participants read and post, nobody else learns it exists."""

from __future__ import annotations

import pytest

from kindred.api.actions import do_create_token
from kindred.rooms import actions
from kindred.rooms.models import RoomMessage
from tests.api.conftest import bearer
from tests.rooms.factories import make_room

pytestmark = pytest.mark.django_db

API = "/api/v1"
NOT_FOUND = {"detail": "No such room."}


@pytest.fixture
def room(room_kind, member, member2):
    room = make_room(room_kind, member, member2)
    actions.do_post_message(room, member, "first")
    actions.do_post_system(room, "The session has started.")
    actions.do_post_message(room, member2, "second")
    return room


def post_json(client, url, body, **extra):
    return client.post(url, body, content_type="application/json", **extra)


@pytest.mark.parametrize(
    "persona",
    ["anonymous", "outsider", "peer_supporter", "facilitator", "therapist", "moderator", "staff"],
    indirect=True,
)
def test_only_participants_can_read_or_post(login, room, persona):
    client = login(persona)
    read = client.get(f"{API}/rooms/{room.pk}/messages")
    write = post_json(client, f"{API}/rooms/{room.pk}/messages", {"body": "hi"})
    if persona is None:
        assert read.status_code == write.status_code == 401
    else:
        assert read.status_code == write.status_code == 404
        assert read.json() == write.json() == NOT_FOUND
    assert RoomMessage.objects.filter(room=room).count() == 3


def test_a_missing_room_answers_like_a_forbidden_one(login, room, member):
    response = login(member).get(f"{API}/rooms/{room.pk + 1000}/messages")
    assert response.status_code == 404 and response.json() == NOT_FOUND


def test_a_participant_reads_the_history_after_a_seq(
    login, room, member, django_assert_max_num_queries
):
    client = login(member)
    with django_assert_max_num_queries(12):
        response = client.get(f"{API}/rooms/{room.pk}/messages")
    assert response.status_code == 200
    data = response.json()
    assert data["room"] == {
        "id": room.pk,
        "kind": "tests.room",
        "label": f"Test room {room.object_id}",
        "is_open": True,
        "last_seq": 3,
    }
    assert [(m["seq"], m["kind"], m["author"], m["body"]) for m in data["messages"]] == [
        (1, "text", "member_maya", "first"),
        (2, "system", None, "The session has started."),
        (3, "text", "member_sam", "second"),
    ]
    later = client.get(f"{API}/rooms/{room.pk}/messages", {"after": 2, "limit": 5}).json()
    assert [m["seq"] for m in later["messages"]] == [3]


def test_earlier_messages_load_in_pages_before_a_seq(login, room, member, member2, settings):
    settings.ROOM_RATE_LIMIT_MESSAGES = 100
    for n in range(5):
        actions.do_post_message(room, member2, f"more {n}")
    client = login(member)
    page = client.get(f"{API}/rooms/{room.pk}/messages", {"before": 7, "limit": 3}).json()
    assert [m["seq"] for m in page["messages"]] == [4, 5, 6]
    page = client.get(f"{API}/rooms/{room.pk}/messages", {"before": 4, "limit": 3}).json()
    assert [m["seq"] for m in page["messages"]] == [1, 2, 3]
    page = client.get(f"{API}/rooms/{room.pk}/messages", {"before": 1, "limit": 3}).json()
    assert page["messages"] == []


def test_the_page_query_costs_the_same_for_more_messages(
    login, room, member, member2, django_assert_max_num_queries, settings
):
    settings.ROOM_RATE_LIMIT_MESSAGES = 100
    for n in range(30):
        actions.do_post_message(room, member if n % 2 else member2, f"more {n}")
    client = login(member)
    client.get(f"{API}/rooms/{room.pk}/messages")
    with django_assert_max_num_queries(12):
        response = client.get(f"{API}/rooms/{room.pk}/messages")
    assert len(response.json()["messages"]) == 33


@pytest.mark.parametrize(
    "query",
    [{"after": -1}, {"limit": 0}, {"limit": 501}, {"after": "x"}, {"before": 0}, {"before": 2**63}],
)
def test_bad_paging_is_a_422(login, room, member, query):
    assert login(member).get(f"{API}/rooms/{room.pk}/messages", query).status_code == 422


def test_a_participant_posts_and_the_message_is_stored_with_the_next_seq(
    login, room, member2, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = post_json(login(member2), f"{API}/rooms/{room.pk}/messages", {"body": " Hello "})
    assert response.status_code == 201, response.content
    assert {k: response.json()[k] for k in ("seq", "author", "body", "held")} == {
        "seq": 4,
        "author": "member_sam",
        "body": "Hello",
        "held": False,
    }
    assert RoomMessage.objects.get(room=room, seq=4).body == "Hello"
    assert len(callbacks) == 1  # The broadcast to the room's sockets.


def test_a_token_can_post(room, member, client):
    _, plaintext = do_create_token(member, name="script", scopes=("read", "write"))
    response = post_json(
        client, f"{API}/rooms/{room.pk}/messages", {"body": "from a script"}, **bearer(plaintext)
    )
    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ({"body": "   "}, 422, "Write something first."),
        (
            {"body": "x" * 2001},
            422,
            "Messages can be at most 2,000 characters (this one has 2,001).",
        ),
    ],
)
def test_refused_messages_say_why(login, room, member, body, status, detail):
    response = post_json(login(member), f"{API}/rooms/{room.pk}/messages", body)
    assert response.status_code == status
    assert response.json() == {"detail": detail}


@pytest.mark.parametrize("body", [{}, {"body": 5}, {"text": "hi"}, "not json"])
def test_malformed_input_is_a_4xx_never_a_500(login, room, member, body):
    client = login(member)
    if isinstance(body, str):
        response = client.post(
            f"{API}/rooms/{room.pk}/messages", body, content_type="application/json"
        )
    else:
        response = post_json(client, f"{API}/rooms/{room.pk}/messages", body)
    assert 400 <= response.status_code < 500


def test_sending_too_fast_gets_the_apis_429_with_when_to_try_again(login, room, member, settings):
    settings.ROOM_RATE_LIMIT_MESSAGES = 1
    settings.ROOM_RATE_LIMIT_SECONDS = 60
    client = login(member)
    url = f"{API}/rooms/{room.pk}/messages"
    assert post_json(client, url, {"body": "one"}).status_code == 201
    too_fast = post_json(client, url, {"body": "two"})
    assert too_fast.status_code == 429
    body = too_fast.json()
    assert body == {
        "detail": actions.RATE_DETAIL,
        "code": "rate_limited",
        "retry_after": body["retry_after"],
    }
    assert 1 <= body["retry_after"] <= 60
    assert too_fast["Retry-After"] == str(body["retry_after"])
    assert [m.body for m in RoomMessage.objects.filter(room=room)].count("two") == 0


def test_muted_closed_and_rate_limited(login, room_kind, room, member, member2, settings):
    settings.ROOM_RATE_LIMIT_MESSAGES = 1
    settings.ROOM_RATE_LIMIT_SECONDS = 60
    client = login(member)
    url = f"{API}/rooms/{room.pk}/messages"
    assert post_json(client, url, {"body": "one"}).status_code == 201
    too_fast = post_json(client, url, {"body": "two"})
    assert too_fast.status_code == 429 and too_fast.json()["detail"] == actions.RATE_DETAIL
    room_kind.muted.add(member.pk)
    muted = post_json(client, url, {"body": "three"})
    assert muted.status_code == 422
    assert muted.json() == {"detail": "The facilitator has muted you."}
    actions.do_close_room(room)
    closed = post_json(login(member2), url, {"body": "four"})
    assert closed.status_code == 422 and closed.json() == {"detail": "This room is closed."}
    # Closed rooms stay readable to their participants.
    assert login(member2).get(url).status_code == 200


def test_posting_works_when_the_rate_limit_cache_is_down(
    login, room, member2, cache_down, django_capture_on_commit_callbacks, caplog
):
    # Fail open: a room may be where someone asks for help.
    with django_capture_on_commit_callbacks(execute=True):
        response = post_json(login(member2), f"{API}/rooms/{room.pk}/messages", {"body": "hi"})
    assert response.status_code == 201, response.content
    assert RoomMessage.objects.get(room=room, seq=response.json()["seq"]).body == "hi"
