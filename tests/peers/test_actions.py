"""Peer actions: profile, requests, private declines, caseload, end, rate, block, report."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import numpy as np
import pytest
from django.db import connection as db_connection
from django.db import connections
from django.utils import timezone

from kindred.accounts.models import AgeBand
from kindred.audit.models import AuditEvent
from kindred.core.access import NotFound
from kindred.core.models import Notification
from kindred.core.roles import Role
from kindred.peers import actions
from kindred.peers.access import status_for
from kindred.peers.models import (
    Connection,
    ConnectionStatus,
    PeerProfile,
    ProfileRemoval,
    ProfileTag,
    Training,
)
from kindred.safety.models import Block, Flag
from tests.factories import UserFactory
from tests.peers.factories import connect, connected, make_member, make_profile, make_supporter
from tests.sealed import assert_sealed

HIGH_RISK = "I have the pills ready and I am going to take them all tonight"
pytestmark = pytest.mark.django_db

STORY = "My mum died last spring and I still can't sleep. I'm also newly sober."


# --- Profile ---------------------------------------------------------------------


def test_it_saves_the_story_encrypted_with_its_vector_and_themes(member):
    profile = make_profile(member, story=STORY, tags=["bereavement.parent", "recovery.early"])
    profile.refresh_from_db()
    assert profile.story == STORY
    assert profile.tag_ids == ["bereavement.parent", "recovery.early"]
    vector = np.frombuffer(bytes(profile.story_vector), dtype="<f4")
    assert vector.shape == (384,)
    assert abs(float(np.linalg.norm(vector)) - 1.0) < 1e-3
    assert "lost_parent" in profile.story_themes
    with db_connection.cursor() as cursor:
        cursor.execute(
            "SELECT story, story_themes FROM peers_peerprofile WHERE user_id = %s", [member.pk]
        )
        raw_story, raw_themes = cursor.fetchone()
    assert_sealed(raw_story, STORY)
    assert_sealed(raw_themes, profile.story_themes)


def test_the_audit_log_names_fields_never_the_story(member):
    make_profile(member, story=STORY)
    event = AuditEvent.objects.get(event="peers.profile_created")
    assert "mum" not in str(event.changes)
    make_profile(member, story="Something else entirely.")
    updated = AuditEvent.objects.get(event="peers.profile_updated")
    assert updated.changes == {"fields": ["story"]}


def test_a_risky_story_raises_a_flag_and_asks_for_support(member):
    saved = actions.do_save_profile(
        member,
        {"languages": ["en"], "story": HIGH_RISK, "tags": []},
    )
    assert saved.screen is not None and saved.screen.support
    assert Flag.objects.filter(subject=member, source_type="peers.profile").exists()


def test_bad_input_names_the_field(member):
    with pytest.raises(actions.PeersError) as exc:
        make_profile(member, tags=["not.a.tag"])
    assert exc.value.field == "tags"
    with pytest.raises(actions.PeersError) as exc:
        make_profile(member, languages=[])
    assert exc.value.field == "languages"
    with pytest.raises(actions.PeersError) as exc:
        make_profile(member, availability=["someday"])
    assert exc.value.field == "availability"
    assert not PeerProfile.objects.filter(user=member).exists()


def test_only_supporters_set_a_caseload_limit(member, peer_supporter):
    assert make_profile(member, caseload_limit=9).caseload_limit == 3
    assert make_profile(peer_supporter, caseload_limit=9).caseload_limit == 9


@pytest.mark.parametrize("persona", ["therapist", "moderator", "staff"], indirect=True)
def test_people_without_a_peer_role_cannot_have_a_profile(persona):
    with pytest.raises(NotFound):
        make_profile(persona)


def test_deleting_removes_story_vector_and_tags_for_good(member, member2):
    make_profile(member, story=STORY)
    pending_out = connect(member, make_member(seeks="both"))
    pending_in = connect(make_member(seeks="both"), member)
    assert actions.do_delete_profile(member)
    assert not PeerProfile.objects.filter(user=member).exists()
    assert not ProfileTag.objects.filter(profile_id=member.pk).exists()
    assert ProfileRemoval.objects.filter(user_id=member.pk).exists()
    pending_out.refresh_from_db()
    pending_in.refresh_from_db()
    assert pending_out.status == ConnectionStatus.WITHDRAWN
    # The person who asked sees "not available", as for any decline.
    assert status_for(pending_in.requester, pending_in) == "not_available"
    assert not actions.do_delete_profile(member)


def test_expired_training_is_kept_and_shown_as_expired(peer_supporter):
    make_profile(peer_supporter, seeks="give_support")
    today = timezone.localdate()
    old = actions.do_add_training(
        peer_supporter,
        name="Intentional Peer Support",
        completed_on=today - timedelta(days=800),
        expires_on=today - timedelta(days=1),
    )
    current = actions.do_add_training(
        peer_supporter, name="Mental Health First Aid", completed_on=today
    )
    assert old.is_expired(today) and not current.is_expired(today)
    with pytest.raises(actions.PeersError):
        actions.do_add_training(
            peer_supporter,
            name="Backwards",
            completed_on=today,
            expires_on=today - timedelta(days=1),
        )


def test_members_cannot_add_training(member):
    make_profile(member)
    with pytest.raises(NotFound):
        actions.do_add_training(member, name="x", completed_on=timezone.localdate())


def test_nobody_removes_someone_elses_training(peer_supporter, member):
    make_profile(peer_supporter)
    training = actions.do_add_training(
        peer_supporter, name="MHFA", completed_on=timezone.localdate()
    )
    with pytest.raises(NotFound):
        actions.do_remove_training(member, training.pk)
    assert Training.objects.filter(pk=training.pk).exists()


# --- Requests ----------------------------------------------------------------------


def test_a_request_notifies_the_recipient_and_encrypts_the_note(member):
    supporter = make_supporter("helper_hana")
    make_profile(member)
    note = "Hello, I lost my dad too."
    sent = actions.do_request(member, supporter.pk, note)
    assert sent.connection.status == ConnectionStatus.PENDING
    assert sent.connection.supporter_id == supporter.pk
    assert Notification.objects.filter(recipient=supporter, kind="peers.request").exists()
    with db_connection.cursor() as cursor:
        cursor.execute("SELECT note FROM peers_connection WHERE id = %s", [sent.connection.pk])
        assert_sealed(cursor.fetchone()[0], note)


def test_a_second_request_to_the_same_person_either_way_is_refused(member):
    other = make_member(seeks="both")
    make_profile(member, seeks="both")
    connect(member, other)
    with pytest.raises(actions.PeersError):
        actions.do_request(member, other.pk)
    with pytest.raises(actions.PeersError):
        actions.do_request(other, member.pk)


def test_requests_to_incompatible_people_read_not_available(member):
    make_profile(member, languages=["en"])
    other = make_member(languages=["fr"], seeks="give_support")
    with pytest.raises(actions.PeersError, match="not available"):
        actions.do_request(member, other.pk)


def test_requests_to_blocked_suspended_or_unlisted_people_are_not_found(member, moderator):
    from kindred.community.actions import do_suspend
    from kindred.safety.actions import do_block

    make_profile(member)
    blocked = make_supporter()
    do_block(blocked, member)
    suspended = make_supporter()
    do_suspend(moderator, suspended, days=3, reason="Harassment")
    unlisted = make_supporter(is_listed=False)
    inactive = make_supporter()
    inactive.is_active = False
    inactive.save()
    for peer in (blocked, suspended, unlisted, inactive, member):
        with pytest.raises(NotFound):
            actions.do_request(member, peer.pk)


def test_a_suspended_member_cannot_ask(member, moderator):
    from kindred.community.actions import do_suspend

    make_profile(member)
    supporter = make_supporter()
    do_suspend(moderator, member, days=1, reason="Spam")
    with pytest.raises(actions.PeersError, match="suspended"):
        actions.do_request(member, supporter.pk)


def test_a_member_without_a_profile_cannot_ask(member):
    supporter = make_supporter()
    with pytest.raises(actions.PeersError, match="profile first"):
        actions.do_request(member, supporter.pk)


def test_too_many_unanswered_requests_are_refused(member):
    make_profile(member, seeks="both")
    for _ in range(actions.MAX_PENDING_REQUESTS):
        connect(member, make_supporter())
    with pytest.raises(actions.PeersError, match="waiting for an answer"):
        actions.do_request(member, make_supporter().pk)


# --- Answers ------------------------------------------------------------------------


def test_accepting_opens_the_chat_and_tells_the_requester(member):
    supporter = make_supporter()
    make_profile(member)
    conn = connected(member, supporter)
    assert conn.status == ConnectionStatus.ACTIVE and conn.started_at is not None
    assert Notification.objects.filter(recipient=member, kind="peers.accepted").exists()
    from kindred.rooms.models import Room

    room = Room.objects.get(kind="peers.connection", object_id=conn.pk)
    assert room.is_open and room.last_seq == 1


def test_accepting_and_ending_tell_both_people_live(
    member, capture_events, django_capture_on_commit_callbacks
):
    supporter = make_supporter()
    make_profile(member)
    conn = connect(member, supporter)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_accept(supporter, conn)
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_end(member, conn)
    assert capture_events.of_type("connection.updated") == [
        (f"user.{uid}", {"type": "connection.updated", "id": conn.pk, "status": status})
        for status in ("active", "ended")
        for uid in (member.pk, supporter.pk)
    ]


def test_declines_are_private(member):
    supporter = make_supporter()
    make_profile(member)
    conn = connect(member, supporter)
    before = Notification.objects.filter(recipient=member).count()
    actions.do_decline(supporter, conn)
    conn.refresh_from_db()
    assert conn.status == ConnectionStatus.DECLINED
    assert Notification.objects.filter(recipient=member).count() == before
    assert status_for(member, conn) == "not_available"
    assert status_for(supporter, conn) == "declined"


def test_only_the_recipient_answers_and_only_once(member):
    supporter = make_supporter()
    make_profile(member)
    conn = connect(member, supporter)
    with pytest.raises(NotFound):
        actions.do_accept(member, conn)
    with pytest.raises(NotFound):
        actions.do_decline(UserFactory(), conn)
    actions.do_accept(supporter, conn)
    with pytest.raises(actions.PeersError, match="already been answered"):
        actions.do_decline(supporter, conn)


def test_the_requester_can_withdraw_but_not_the_recipient(member):
    supporter = make_supporter()
    make_profile(member)
    conn = connect(member, supporter)
    with pytest.raises(NotFound):
        actions.do_withdraw(supporter, conn)
    assert actions.do_withdraw(member, conn).status == ConnectionStatus.WITHDRAWN


# --- Caseload -----------------------------------------------------------------------


def test_a_supporter_cannot_accept_beyond_their_caseload():
    supporter = make_supporter(caseload_limit=2)
    members = [make_member() for _ in range(3)]
    pending = [connect(m, supporter) for m in members]
    actions.do_accept(supporter, pending[0])
    actions.do_accept(supporter, pending[1])
    with pytest.raises(actions.PeersError, match=r"caseload is full \(2 of 2\)"):
        actions.do_accept(supporter, pending[2])
    assert Connection.objects.filter(supporter=supporter, status="active").count() == 2
    # Ending one makes room again.
    actions.do_end(members[0], pending[0])
    actions.do_accept(supporter, pending[2])


def test_a_full_supporter_is_not_available_for_new_requests():
    supporter = make_supporter(caseload_limit=1)
    connected(make_member(), supporter)
    with pytest.raises(actions.PeersError, match="not available"):
        actions.do_request(make_member(), supporter.pk)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_never_exceed_the_caseload():
    if db_connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite's in-memory test database is not shared by threads")
    limit, racers = 2, 8
    supporter = make_supporter(caseload_limit=limit)
    pending = [connect(make_member(), supporter) for _ in range(racers)]
    barrier = threading.Barrier(racers)
    outcomes: list[str] = []
    lock = threading.Lock()

    def race(conn):
        try:
            barrier.wait(timeout=30)
            try:
                actions.do_accept(supporter, conn)
                result = "accepted"
            except actions.PeersError as exc:
                result = str(exc)
            with lock:
                outcomes.append(result)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=race, args=(c,)) for c in pending]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert len(outcomes) == racers
    assert outcomes.count("accepted") == limit
    assert Connection.objects.filter(supporter=supporter, status="active").count() == limit


# --- End, rate, block, report ----------------------------------------------------------


def test_either_side_can_end_and_the_chat_closes(member):
    from kindred.rooms.models import Room

    supporter = make_supporter()
    make_profile(member)
    conn = connected(member, supporter)
    actions.do_end(supporter, conn)
    assert conn.status == ConnectionStatus.ENDED and conn.ended_by == supporter
    assert not Room.objects.get(kind="peers.connection", object_id=conn.pk).is_open
    assert Notification.objects.filter(recipient=member, kind="peers.ended").exists()
    with pytest.raises(actions.PeersError):
        actions.do_end(member, conn)


def test_rating_needs_a_started_connection_and_updates_in_place(member):
    supporter = make_supporter()
    make_profile(member)
    pending = connect(member, supporter)
    with pytest.raises(actions.PeersError):
        actions.do_rate(member, pending, stars=5)
    conn = actions.do_accept(supporter, pending)
    actions.do_rate(member, conn, stars=4, comment="Kind and patient")
    rating = actions.do_rate(member, conn, stars=5)
    assert rating.stars == 5 and conn.ratings.count() == 1
    with pytest.raises(actions.PeersError):
        actions.do_rate(member, conn, stars=6)
    with pytest.raises(NotFound):
        actions.do_rate(UserFactory(), conn, stars=3)


def test_blocking_ends_the_connection_and_blocks(member):
    supporter = make_supporter()
    make_profile(member)
    conn = connected(member, supporter)
    actions.do_block_peer(member, conn)
    conn.refresh_from_db()
    assert conn.status == ConnectionStatus.ENDED
    assert Block.objects.filter(blocker=member, blocked=supporter).exists()


def test_blocking_a_pending_request_declines_it_privately(member):
    supporter = make_supporter()
    make_profile(member)
    conn = connect(member, supporter)
    actions.do_block_peer(supporter, conn)
    conn.refresh_from_db()
    assert status_for(member, conn) == "not_available"


def test_reporting_flags_the_other_person_with_the_note(member):
    supporter = make_supporter()
    make_profile(member)
    conn = connect(member, supporter, note="Pushy note")
    flag = actions.do_report_peer(supporter, conn, reason="harassment")
    assert flag.subject == member and flag.text == "Pushy note"
    assert flag.source_type == "peers.connection"
    with pytest.raises(NotFound):
        actions.do_report_peer(UserFactory(roles=[Role.MEMBER]), conn, reason="harassment")


# --- Sharing ends with the connection -------------------------------------------


def _live_grants(member, grantee):
    from kindred.consent.grants import MEASURE_TRENDS, has_grant

    return has_grant(grantee, member, MEASURE_TRENDS)


def test_ending_a_connection_ends_what_the_member_shared_with_their_peer(db, client):
    from kindred.consent.grants import MEASURE_TRENDS
    from tests.care.factories import assert_sharing_ended, share_before_it_ends

    seeker = make_member("seeker_end")
    supporter = make_supporter("supporter_end")
    link = connected(seeker, supporter)
    share_before_it_ends(client, seeker, supporter, MEASURE_TRENDS)
    assert _live_grants(seeker, supporter)

    actions.do_end(seeker, link)

    assert not _live_grants(seeker, supporter)
    assert_sharing_ended(client, seeker, supporter, "connection_ended")


def test_blocking_a_peer_ends_what_the_member_shared_with_them(db, client):
    from kindred.consent.grants import MEASURE_TRENDS
    from tests.care.factories import assert_sharing_ended, share_before_it_ends

    seeker = make_member("seeker_block")
    supporter = make_supporter("supporter_block")
    link = connected(seeker, supporter)
    share_before_it_ends(client, seeker, supporter, MEASURE_TRENDS)

    actions.do_block_peer(supporter, link)

    assert not _live_grants(seeker, supporter)
    # The block ends the connection first; the connection's end ends the sharing.
    assert_sharing_ended(client, seeker, supporter, "connection_ended")


# --- A teen turning 18 -----------------------------------------------------------------

BIRTHDAY = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


def test_turning_18_ends_connections_and_requests_with_teens_only(time_machine):
    from kindred.accounts.actions import do_move_to_adult

    time_machine.move_to(BIRTHDAY - timedelta(days=1), tick=False)

    def teen(handle, born=None):
        user = UserFactory(handle=handle, age_band=AgeBand.TEEN)
        if born is not None:
            user.date_of_birth = born
            user.save(update_fields=["date_of_birth"])
        make_profile(user, seeks="both")
        return user

    turning = teen("teen_tia", date(2009, 3, 10))
    twin = teen("teen_tom", date(2009, 3, 10))  # 18 the same day
    talking = teen("teen_ada")
    asked = teen("teen_ben")
    asking = teen("teen_cal")
    with_twin = connected(turning, twin)
    with_teen = connected(turning, talking)
    sent = connect(turning, asked)
    received = connect(asking, turning)

    time_machine.move_to(BIRTHDAY, tick=False)
    assert do_move_to_adult(turning)
    for row in (with_twin, with_teen, sent, received):
        row.refresh_from_db()
    assert with_twin.status == ConnectionStatus.ACTIVE
    assert with_teen.status == ConnectionStatus.ENDED
    assert with_teen.ended_by is None  # Kindred ended it, not Tia
    assert sent.status == ConnectionStatus.WITHDRAWN
    assert received.status == ConnectionStatus.DECLINED
    told = Notification.objects.get(recipient=talking, kind="peers.ended")
    assert "different age groups" in told.title
    # A closed request is quiet, like any decline.
    assert not Notification.objects.filter(recipient__in=[asked, asking], kind="peers.ended")
    ended = AuditEvent.objects.get(event="peers.connection_ended", target_id=str(with_teen.pk))
    assert (ended.actor_id, ended.changes) == (None, {"reason": "age_band"})
    assert AuditEvent.objects.filter(event="peers.request_closed").count() == 2
    band = AuditEvent.objects.get(event="account.age_band_changed")
    assert band.changes["peer_connections_ended"] == 1
    assert band.changes["peer_requests_closed"] == 2


def test_ending_by_hand_still_names_who_ended_it(member):
    supporter = make_supporter()
    make_profile(member)
    conn = actions.do_end(member, connected(member, supporter))
    event = AuditEvent.objects.get(event="peers.connection_ended", target_id=str(conn.pk))
    assert (conn.ended_by, event.actor_id, event.changes) == (member, member.pk, {})
