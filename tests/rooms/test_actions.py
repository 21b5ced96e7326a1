"""Room operations: seq order, refusals, screening and held messages, retention."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone

from kindred.audit.models import AuditEvent
from kindred.rooms import actions
from kindred.rooms.actions import RoomError
from kindred.rooms.kinds import get_kind
from kindred.rooms.models import Room, RoomConnection, RoomMessage
from kindred.safety.models import Flag
from kindred.safety.screening import screen
from tests.rooms.factories import TEST_KIND, make_room

HIGH_RISK = "I have the pills ready and I am going to take them all tonight"


@pytest.fixture
def pushed(monkeypatch):
    """Events as they leave for the channel layer (after commit)."""
    events: list[tuple[str, dict]] = []
    monkeypatch.setattr(
        "kindred.core.events.send_event_now", lambda group, event: events.append((group, event))
    )
    return events


@pytest.fixture
def room(room_kind, member, member2):
    return make_room(room_kind, member, member2)


def test_get_or_create_room_returns_one_room_per_object(db, room_kind):
    first = actions.get_or_create_room(TEST_KIND, 7)
    assert actions.get_or_create_room(TEST_KIND, 7) == first
    assert Room.objects.filter(kind=TEST_KIND, object_id=7).count() == 1


def test_get_or_create_room_refuses_an_unknown_kind(db):
    with pytest.raises(LookupError):
        actions.get_or_create_room("nobody.registered", 1)


def test_messages_get_consecutive_seqs_and_are_encrypted_at_rest(room, member, member2):
    first = actions.do_post_message(room, member, "  hello there ")
    second = actions.do_post_message(room, member2, "hi!")
    system = actions.do_post_system(room, "The session has started.")
    assert [first.seq, second.seq, system.seq] == [1, 2, 3]
    room.refresh_from_db()
    assert room.last_seq == 3
    assert RoomMessage.objects.get(pk=first.pk).body == "hello there"
    assert system.author is None and system.kind == "system"
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM rooms_roommessage WHERE id = %s", [first.pk])
        (raw,) = cursor.fetchone()
    assert "hello" not in raw


def test_a_client_id_makes_a_resend_idempotent_per_author(room, member, member2):
    first = actions.do_post_message(room, member, "hello", client_id="abc")
    again = actions.do_post_message(room, member, "hello", client_id="abc")
    other = actions.do_post_message(room, member2, "hello", client_id="abc")
    plain = [actions.do_post_message(room, member, "hello") for _ in range(2)]
    assert again.pk == first.pk and again.seq == 1
    assert other.seq == 2  # the id is the sender's own: another author may reuse it
    assert [m.seq for m in plain] == [3, 4]  # no id, no de-duplication
    assert RoomMessage.objects.filter(room=room).count() == 4


def test_a_message_is_broadcast_only_after_it_committed(
    room, member, pushed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = actions.do_post_message(room, member, "hello")
        assert pushed == []
    for callback in callbacks:
        callback()
    assert pushed == [
        (
            f"rooms.{room.pk}",
            {
                "type": "message",
                "seq": message.seq,
                "kind": "text",
                "author": "member_maya",
                "body": "hello",
                "created_at": message.created_at.isoformat(),
            },
        )
    ]


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ("", "Write something first."),
        ("   \n ", "Write something first."),
        (None, "Write something first."),
        ("x" * 2001, "Messages can be at most 2,000 characters (this one has 2,001)."),
    ],
)
def test_empty_and_too_long_messages_are_refused_with_a_clear_error(room, member, body, detail):
    with pytest.raises(RoomError) as error:
        actions.do_post_message(room, member, body)
    assert error.value.detail == detail
    assert not RoomMessage.objects.filter(room=room).exists()


def test_the_length_limit_is_a_setting(room, member, settings):
    settings.ROOM_MAX_MESSAGE_LENGTH = 5
    actions.do_post_message(room, member, "12345")
    with pytest.raises(RoomError, match="at most 5 characters"):
        actions.do_post_message(room, member, "123456")


def test_the_rate_limit_counts_per_person_per_room(room_kind, room, member, member2, settings):
    settings.ROOM_RATE_LIMIT_MESSAGES = 3
    settings.ROOM_RATE_LIMIT_SECONDS = 60
    for n in range(3):
        actions.do_post_message(room, member, f"message {n}")
    with pytest.raises(RoomError) as error:
        actions.do_post_message(room, member, "one too many")
    assert error.value.detail == actions.RATE_DETAIL
    # Someone else, and the same person in another room, are not limited.
    actions.do_post_message(room, member2, "still fine")
    other = make_room(room_kind, member)
    actions.do_post_message(other, member, "still fine")
    assert RoomMessage.objects.filter(room=room, author=member).count() == 3


def test_a_closed_room_refuses_messages(room, member, pushed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_close_room(room)
    with pytest.raises(RoomError, match="closed"):
        actions.do_post_message(room, member, "hello?")
    assert (f"rooms.{room.pk}", {"type": "closed"}) in pushed
    assert AuditEvent.objects.filter(event="rooms.room_closed", target_id=str(room.pk)).exists()
    actions.do_open_room(room)
    assert actions.do_post_message(room, member, "back").seq == 1


def test_closing_a_room_a_stale_copy_still_sees_is_refused(room, member):
    stale = Room.objects.get(pk=room.pk)
    actions.do_close_room(room)
    # The stale copy says open; the row lock in do_post_message reads the truth.
    stale.is_open = True
    with pytest.raises(RoomError, match="closed"):
        actions.do_post_message(stale, member, "sneaky")
    assert Room.objects.get(pk=room.pk).last_seq == 0


def test_the_kinds_write_refusal_is_shown(room_kind, room, member):
    room_kind.muted.add(member.pk)
    with pytest.raises(RoomError) as error:
        actions.do_post_message(room, member, "hello")
    assert error.value.detail == "The facilitator has muted you."


def test_a_non_member_cannot_post(room, outsider):
    with pytest.raises(RoomError, match="not in this room"):
        actions.do_post_message(room, outsider, "let me in")


def test_history_returns_messages_after_a_seq_in_order(room, member, member2):
    for n in range(5):
        actions.do_post_message(room, member if n % 2 else member2, f"m{n}")
    assert [m.seq for m in actions.history(room)] == [1, 2, 3, 4, 5]
    assert [m.body for m in actions.history(room, after_seq=3)] == ["m3", "m4"]
    assert [m.seq for m in actions.history(room, after_seq=1, limit=2)] == [2, 3]


def test_history_reads_a_page_in_constant_queries(
    room, member, member2, django_assert_max_num_queries
):
    for n in range(20):
        actions.do_post_system(room, f"notice {n}")
        actions.do_post_message(room, member if n % 2 else member2, f"m{n}")
    with django_assert_max_num_queries(1):
        messages = actions.history(room)
        assert {m.author.handle for m in messages if m.author} == {"member_maya", "member_sam"}


def test_a_risky_message_calls_on_risk_and_sends_the_writer_crisis_resources(
    room_kind, room, member, pushed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = actions.do_post_message(room, member, HIGH_RISK)
    message.refresh_from_db()
    assert message.risk_level == "high" and not message.is_held
    assert room_kind.risks == [(message.seq, "high")]
    flag = Flag.objects.get(source_type="rooms.message", source_id=str(message.pk))
    assert flag.subject == member
    support = [e for g, e in pushed if g == f"rooms.{room.pk}.user.{member.pk}"]
    assert support and support[0]["type"] == "support" and support[0]["level"] == "high"
    assert support[0]["country"]["name"] == "United Kingdom"
    assert support[0]["country"]["lines"]
    # The policy for "peers" shows high risk: everyone in the room gets it.
    assert any(g == f"rooms.{room.pk}" and e["seq"] == message.seq for g, e in pushed)


@pytest.fixture
def holding_policy(settings, room_kind):
    room_kind.area = "testholding"
    settings.SAFETY_POLICIES = {
        **settings.SAFETY_POLICIES,
        "testholding": {"moderate": "show", "high": "hold"},
    }


def test_a_held_message_reaches_only_its_writer_until_released(
    holding_policy,
    room_kind,
    room,
    member,
    member2,
    moderator,
    pushed,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        held = actions.do_post_message(room, member, HIGH_RISK)
        after = actions.do_post_message(room, member2, "anyone there?")
    assert held.is_held
    room_events = [e for g, e in pushed if g == f"rooms.{room.pk}"]
    assert [e["seq"] for e in room_events] == [after.seq]
    writer_events = [e for g, e in pushed if g == f"rooms.{room.pk}.user.{member.pk}"]
    assert {"type": "message", "seq": held.seq, "held": True}.items() <= writer_events[0].items()
    assert room_kind.risks == [(held.seq, "high")]
    assert [m.seq for m in actions.history(room, viewer=member2)] == [after.seq]
    assert [m.seq for m in actions.history(room, viewer=member)] == [held.seq, after.seq]
    assert [m.seq for m in actions.history(room)] == [after.seq]

    pushed.clear()
    with django_capture_on_commit_callbacks(execute=True):
        released = actions.do_release_message(moderator, held)
    # It takes the next seq, so clients resuming after `after.seq` still get it.
    assert released.seq == after.seq + 1 and not released.is_held
    assert pushed[0][0] == f"rooms.{room.pk}"
    assert pushed[0][1]["seq"] == released.seq and pushed[0][1]["replaces"] == held.seq
    assert [m.seq for m in actions.history(room, viewer=member2, after_seq=after.seq)] == [
        released.seq
    ]
    assert AuditEvent.objects.filter(event="rooms.message_released").count() == 1


def test_broadcast_and_disconnect_send_their_events_after_commit(
    room, member, pushed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_broadcast(room, {"kind": "hands", "queue": ["member_maya"]})
        actions.do_disconnect_user(room, member.pk, "You were removed from the session.")
        assert pushed == []
    assert pushed == [
        (
            f"rooms.{room.pk}",
            {"type": "event", "event": {"kind": "hands", "queue": ["member_maya"]}},
        ),
        (
            f"rooms.{room.pk}.user.{member.pk}",
            {"type": "removed", "reason": "You were removed from the session."},
        ),
    ]


def test_presence_lists_each_connected_person_once_and_ignores_stale_rows(room, member, member2):
    actions.do_join_presence(room.pk, member, "chan-a")
    actions.do_join_presence(room.pk, member, "chan-b")
    actions.do_join_presence(room.pk, member2, "chan-c")
    assert actions.presence_handles(room.pk) == ["member_maya", "member_sam"]
    RoomConnection.objects.filter(channel_name="chan-c").update(
        seen_at=timezone.now() - timedelta(minutes=5)
    )
    assert actions.presence_handles(room.pk) == ["member_maya"]
    assert actions.purge_stale_connections() == 1
    actions.do_leave_presence(room.pk, "chan-a")
    assert actions.presence_handles(room.pk) == ["member_maya"]
    actions.do_leave_presence(room.pk, "chan-b")
    assert actions.presence_handles(room.pk) == []


def test_retention_deletes_messages_n_days_after_the_room_closed(room_kind, member, settings):
    settings.ROOM_RETENTION_DAYS = 30
    old = make_room(room_kind, member)
    recent = make_room(room_kind, member)
    still_open = make_room(room_kind, member)
    for r in (old, recent, still_open):
        actions.do_post_message(r, member, "hello")
    actions.do_close_room(old)
    actions.do_close_room(recent)
    Room.objects.filter(pk=old.pk).update(closed_at=timezone.now() - timedelta(days=31))
    Room.objects.filter(pk=recent.pk).update(closed_at=timezone.now() - timedelta(days=29))
    Room.objects.filter(pk=still_open.pk).update(created_at=timezone.now() - timedelta(days=90))

    assert actions.purge_expired_messages() == 1
    assert not RoomMessage.objects.filter(room=old).exists()
    assert RoomMessage.objects.filter(room=recent).count() == 1
    assert RoomMessage.objects.filter(room=still_open).count() == 1


def test_the_registered_kind_is_found(room_kind):
    assert get_kind(TEST_KIND) is room_kind


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_get_unique_consecutive_seqs(room_kind, settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks under real concurrency)")
    from tests.factories import UserFactory

    settings.ROOM_RATE_LIMIT_MESSAGES = 1000
    writers = [UserFactory() for _ in range(8)]
    room = make_room(room_kind, *writers)
    per_writer = 15
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(writers))

    def write(user):
        try:
            barrier.wait()
            for n in range(per_writer):
                actions.do_post_message(Room.objects.get(pk=room.pk), user, f"{user.pk}:{n}")
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(u,)) for u in writers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    seqs = list(RoomMessage.objects.filter(room=room).order_by("seq").values_list("seq", flat=True))
    total = len(writers) * per_writer
    assert seqs == list(range(1, total + 1))
    room.refresh_from_db()
    assert room.last_seq == total
    # Each writer's own messages keep their order.
    for user in writers:
        bodies = [
            m.body for m in RoomMessage.objects.filter(room=room, author=user).order_by("seq")
        ]
        assert bodies == [f"{user.pk}:{n}" for n in range(per_writer)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_racing_resends_of_one_client_id_store_one_message(room_kind, settings):
    """Sends racing past the first check meet the unique constraint; all get one message."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (row locks under real concurrency)")
    from tests.factories import UserFactory

    settings.ROOM_RATE_LIMIT_MESSAGES = 1000
    writer = UserFactory()
    room = make_room(room_kind, writer)
    attempts = 6
    barrier = threading.Barrier(attempts)
    answers: list[int] = []
    errors: list[BaseException] = []

    def resend():
        try:
            barrier.wait()
            message = actions.do_post_message(
                Room.objects.get(pk=room.pk), writer, "did this go through?", client_id="c-9"
            )
            answers.append(message.seq)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=resend) for _ in range(attempts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert RoomMessage.objects.filter(room=room).count() == 1
    assert answers == [1] * attempts
    room.refresh_from_db()
    # The losers' seqs rolled back with their transactions: no gap for the room.
    assert room.last_seq == 1


def test_history_leaves_out_people_blocked_either_way(room_kind, member, member2, peer_supporter):
    from kindred.safety.actions import do_block

    room = make_room(room_kind, member, member2, peer_supporter)
    for author, body in [(member, "maya"), (member2, "sam"), (peer_supporter, "priya")]:
        actions.do_post_message(room, author, body)
    do_block(member2, member)  # Sam blocked Maya: hidden both ways.

    def bodies(viewer):
        return [m.body for m in actions.history(room, viewer=viewer)]

    assert bodies(member) == ["maya", "priya"]
    assert bodies(member2) == ["sam", "priya"]
    assert bodies(peer_supporter) == ["maya", "sam", "priya"]
    assert actions.hidden_handles(member) == {"member_sam"}
    assert actions.hidden_handles(peer_supporter) == set()


def test_a_prescreened_verdict_is_used_for_the_text_it_was_computed_for(room, member, monkeypatch):
    prescreened = actions.prescreen_message(room, f"  {HIGH_RISK}  ")
    assert prescreened is not None and prescreened[0] == HIGH_RISK
    assert prescreened[1].level == "high"

    def no_second_screening(*args, **kwargs):
        raise AssertionError("the message was screened again on the database thread")

    monkeypatch.setattr("kindred.safety.actions.screen_for", no_second_screening)
    message = actions.do_post_message(room, member, HIGH_RISK, prescreened=prescreened)
    message.refresh_from_db()
    assert message.risk_level == "high"
    assert Flag.objects.filter(source_type="rooms.message", source_id=str(message.pk)).exists()


def test_a_prescreened_verdict_for_other_text_is_ignored(room, member):
    harmless = actions.prescreen_message(room, "the weather is lovely today")
    assert harmless is not None and harmless[1].level == "none"
    message = actions.do_post_message(room, member, HIGH_RISK, prescreened=harmless)
    message.refresh_from_db()
    assert message.risk_level == "high"


@pytest.mark.parametrize("body", [None, 3, "", "   ", "x" * 100_000])
def test_nothing_is_prescreened_for_a_body_that_will_be_refused(room, body):
    assert actions.prescreen_message(room, body) is None


DISCLOSURE = "I want to kill myself, I can't do this any more"


def test_the_screen_reads_a_message_after_the_authors_own_earlier_ones(room, member):
    actions.do_post_message(room, member, DISCLOSURE)
    message = actions.do_post_message(room, member, "tonight")
    message.refresh_from_db()
    assert message.risk_level == "high"


def test_someone_elses_disclosure_is_not_read_as_the_authors(room, member, member2):
    actions.do_post_message(room, member, DISCLOSURE)
    message = actions.do_post_message(room, member2, "tonight")
    message.refresh_from_db()
    assert message.risk_level == "none"


def test_an_old_disclosure_is_not_read_with_a_new_message(room, member):
    earlier = actions.do_post_message(room, member, DISCLOSURE)
    RoomMessage.objects.filter(pk=earlier.pk).update(
        created_at=timezone.now() - actions.SCREEN_CONTEXT_WINDOW - timedelta(seconds=1)
    )
    assert screen("tonight").level == "none"  # alone, the word is nothing
    message = actions.do_post_message(room, member, "tonight")
    message.refresh_from_db()
    assert message.risk_level == "none"


def test_recent_own_messages_are_the_last_few_oldest_first(room, member, member2):
    for body in ("one", "two", "three"):
        actions.do_post_message(room, member, body)
    actions.do_post_message(room, member2, "not mine")
    assert actions.recent_own_messages(room, member) == ["two", "three"]


def test_a_prescreen_reads_the_earlier_messages_it_is_given(room):
    alone = actions.prescreen_message(room, "tonight")
    after = actions.prescreen_message(room, "tonight", [DISCLOSURE])
    assert alone is not None and alone[1].level == "none"
    assert after is not None and after[1].level == "high"


def test_every_room_frame_matches_its_declared_schema(
    holding_policy,
    room,
    member,
    member2,
    moderator,
    capture_events,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        held = actions.do_post_message(room, member, HIGH_RISK)
        plain = actions.do_post_message(room, member2, "anyone there?")
    with django_capture_on_commit_callbacks(execute=True):
        released = actions.do_release_message(moderator, held)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_set_message_hidden(moderator, plain, True)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_dismiss_support(member, room)
        actions.do_disconnect_user(room, member2.pk, "Removed.")
        actions.do_close_room(room)
    writer = f"rooms.{room.pk}.user.{member.pk}"
    everyone = f"rooms.{room.pk}"
    # The moderators' flag and notifications go to other groups.
    frames = [(g, e) for g, e in capture_events if g.startswith("rooms.")]
    assert [(g, e["type"]) for g, e in frames] == [
        (writer, "message"),
        (writer, "support"),
        (everyone, "message"),
        (everyone, "message"),
        (everyone, "hidden"),
        (writer, "support_dismissed"),
        (f"rooms.{room.pk}.user.{member2.pk}", "removed"),
        (everyone, "closed"),
    ]
    assert frames[3][1]["replaces"] == held.seq and frames[3][1]["seq"] == released.seq
    assert capture_events.of_type("hidden") == [
        (everyone, {"type": "hidden", "seq": plain.seq, "author": member2.handle})
    ]
