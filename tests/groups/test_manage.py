"""Editing a group, cancelling a session, archiving a group: what each does."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kindred.audit.models import AuditEvent
from kindred.core.models import Notification
from kindred.core.roles import Role
from kindred.groups import actions, tasks
from kindred.groups.models import GroupFormat, GroupSession, SessionStatus, SignUp, SignUpStatus
from kindred.rooms.models import Room
from tests.care.factories import assert_sharing_ended, share_before_it_ends
from tests.factories import UserFactory
from tests.groups.factories import make_group, make_session


def members(n):
    return [UserFactory(roles=[Role.MEMBER]) for _ in range(n)]


def changes(group, **kw):
    data = {
        "topic": group.topic,
        "description": group.description,
        "norms": group.norms,
        "capacity": group.capacity,
        "session_minutes": group.session_minutes,
    }
    return actions.GroupChanges(**{**data, **kw})


def statuses(**filters):
    return dict(SignUp.objects.filter(**filters).values_list("user_id", "status"))


# --- Edit ------------------------------------------------------------------------------


def test_raising_capacity_promotes_each_sessions_waitlist_in_order_and_tells_them(
    facilitator, space
):
    group = make_group(facilitator, space, capacity=2)
    session = make_session(group)
    a, b, c, d, e = members(5)
    for person in (a, b, c, d, e):
        actions.do_join(person, group, session)
    result = actions.do_update_group(facilitator, group, changes(group, capacity=4))
    assert result.changed == ["capacity"] and result.promoted == 2
    assert statuses(session=session) == {
        a.pk: SignUpStatus.JOINED,
        b.pk: SignUpStatus.JOINED,
        c.pk: SignUpStatus.JOINED,
        d.pk: SignUpStatus.JOINED,
        e.pk: SignUpStatus.WAITLISTED,
    }
    promoted = Notification.objects.filter(kind="groups.promoted")
    assert sorted(promoted.values_list("recipient_id", flat=True)) == sorted([c.pk, d.pk])
    group.refresh_from_db()
    assert group.capacity == 4


def test_raising_capacity_promotes_a_cohort_waitlist(cohort):
    a, b, c = members(3)
    for person in (a, b, c):
        actions.do_join(person, cohort)
    assert SignUp.objects.get(user=c).status == SignUpStatus.WAITLISTED
    assert actions.do_update_group(cohort.facilitators.get(), cohort, changes(cohort, capacity=3))
    assert SignUp.objects.get(user=c).status == SignUpStatus.JOINED
    assert Notification.objects.filter(recipient=c, kind="groups.promoted").exists()


def test_a_popup_still_waiting_for_quorum_promotes_nobody(facilitator, space):
    group = make_group(facilitator, space, format=GroupFormat.POPUP, capacity=4, quorum=3)
    a, b = members(2)
    actions.do_join(a, group)
    actions.do_join(b, group)
    result = actions.do_update_group(facilitator, group, changes(group, capacity=6))
    assert result.promoted == 0
    assert set(statuses(group=group).values()) == {SignUpStatus.WAITLISTED}
    with pytest.raises(actions.GroupError, match="at least 3"):
        actions.do_update_group(facilitator, group, changes(group, capacity=2))


def test_lowering_capacity_keeps_everyone_and_new_joins_wait(facilitator, space):
    group = make_group(facilitator, space, capacity=4)
    session = make_session(group)
    a, b, c, d = members(4)
    for person in (a, b, c):
        actions.do_join(person, group, session)
    actions.do_update_group(facilitator, group, changes(group, capacity=2))
    assert set(statuses(session=session).values()) == {SignUpStatus.JOINED}
    assert actions.do_join(d, group, session).status == SignUpStatus.WAITLISTED
    # Someone leaving frees no place while more people hold one than there is room for.
    actions.do_leave(a, group, session)
    assert SignUp.objects.get(user=d).status == SignUpStatus.WAITLISTED


def test_session_length_applies_to_sessions_not_started(facilitator, space):
    group = make_group(facilitator, space)
    started = make_session(group, starts_in=timedelta(minutes=-10))
    ahead = make_session(group, starts_in=timedelta(days=1, hours=1))
    actions.do_update_group(facilitator, group, changes(group, session_minutes=60))
    started.refresh_from_db()
    ahead.refresh_from_db()
    assert started.ends_at - started.starts_at == timedelta(minutes=90)
    assert ahead.ends_at - ahead.starts_at == timedelta(minutes=60)
    future = GroupSession.objects.filter(group=group, starts_at__gt=timezone.now())
    assert all(s.ends_at - s.starts_at == timedelta(minutes=60) for s in future)


def test_an_edit_is_audited_with_field_names_and_numbers_only(facilitator, space):
    group = make_group(facilitator, space)
    actions.do_update_group(
        facilitator,
        group,
        changes(group, topic="New topic", description="Private words here", capacity=12),
    )
    event = AuditEvent.objects.get(event="groups.group_updated", target_id=str(group.pk))
    assert event.changes == {
        "capacity": [8, 12],
        "fields": ["capacity", "description", "topic"],
    }
    assert "Private words" not in str(event.changes)
    assert event.actor_id == facilitator.pk


def test_an_edit_that_changes_nothing_writes_nothing(facilitator, space):
    group = make_group(facilitator, space)
    assert actions.do_update_group(facilitator, group, changes(group)).changed == []
    assert not AuditEvent.objects.filter(event="groups.group_updated").exists()


def test_empty_norms_mean_the_standard_norms(facilitator, space):
    group = make_group(facilitator, space)
    actions.do_update_group(facilitator, group, changes(group, norms="Be kind."))
    actions.do_update_group(facilitator, group, changes(group, norms="  "))
    group.refresh_from_db()
    assert "What is said here stays here" in group.norms


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"capacity": 1}, "2 to 50"),
        ({"capacity": 51}, "2 to 50"),
        ({"session_minutes": 10}, "15 minutes"),
        ({"topic": "  "}, "topic"),
        ({"description": "x" * 2001}, "too long"),
    ],
)
def test_bad_changes_are_refused_and_nothing_changes(facilitator, space, change, message):
    group = make_group(facilitator, space)
    with pytest.raises(actions.GroupError, match=message):
        actions.do_update_group(facilitator, group, changes(group, **change))
    group.refresh_from_db()
    assert group.capacity == 8 and group.session_minutes == 90


# --- Cancel one session -------------------------------------------------------------------


@pytest.fixture
def busy(facilitator, space):
    """A drop-in session with two places taken and one person waiting."""
    group = make_group(facilitator, space, capacity=2)
    session = make_session(group)
    people = members(3)
    for person in people:
        actions.do_join(person, group, session)
    return group, session, people


def test_cancelling_a_session_closes_its_room_and_tells_each_person_once(busy, facilitator):
    group, session, people = busy
    room = actions.do_open_session_room(facilitator, session)
    assert actions.do_cancel_session(facilitator, session, "  Facilitator is   unwell ")
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert session.cancel_reason == "Facilitator is unwell"
    assert session.cancelled_at is not None
    room.refresh_from_db()
    assert not room.is_open
    notes = Notification.objects.filter(kind="groups.session_cancelled")
    assert sorted(notes.values_list("recipient_id", flat=True)) == sorted(p.pk for p in people)
    assert all("Facilitator is unwell" in n.title and group.topic in n.title for n in notes)
    assert not notes.filter(recipient=facilitator).exists()
    event = AuditEvent.objects.get(event="groups.session_cancelled")
    assert event.target_id == str(session.pk) and "unwell" not in str(event.changes)
    # Again: nothing new.
    assert actions.do_cancel_session(facilitator, session, "Another reason") is False
    assert notes.count() == 3
    session.refresh_from_db()
    assert session.cancel_reason == "Facilitator is unwell"
    assert AuditEvent.objects.filter(event="groups.session_cancelled").count() == 1


def test_each_person_reads_the_cancelled_time_on_their_own_clock(busy, facilitator):
    _group, session, people = busy
    people[0].timezone = "America/New_York"
    people[0].save(update_fields=["timezone"])
    people[1].timezone = "Asia/Tokyo"
    people[1].save(update_fields=["timezone"])
    actions.do_cancel_session(facilitator, session, "Holiday")
    titles = dict(
        Notification.objects.filter(kind="groups.session_cancelled").values_list(
            "recipient_id", "title"
        )
    )
    for person in people:
        label = actions.local_label(session.starts_at, person)
        assert label in titles[person.pk]
    assert len({titles[p.pk] for p in people[:2]}) == 2


def test_cancelling_a_session_without_a_room_is_fine(busy, facilitator):
    _, session, _ = busy
    assert actions.do_cancel_session(facilitator, session, "Holiday")
    assert not Room.objects.exists()


def test_cancelling_a_cohort_session_tells_the_cohort(cohort, facilitator):
    a, b, c = members(3)
    for person in (a, b, c):
        actions.do_join(person, cohort)
    actions.do_leave(a, cohort)  # c moves up; a is gone
    session = make_session(cohort)
    actions.do_cancel_session(facilitator, session, "Room booking fell through")
    recipients = Notification.objects.filter(kind="groups.session_cancelled").values_list(
        "recipient_id", flat=True
    )
    assert sorted(recipients) == sorted([b.pk, c.pk])


@pytest.mark.parametrize("reason", ["", "   ", "x" * 201])
def test_a_cancel_needs_a_short_reason(busy, facilitator, reason):
    _, session, _ = busy
    with pytest.raises(actions.GroupError):
        actions.do_cancel_session(facilitator, session, reason)
    session.refresh_from_db()
    assert session.status == SessionStatus.SCHEDULED


def test_an_ended_or_past_session_cannot_be_cancelled(busy, facilitator, group):
    _, session, _ = busy
    actions.do_end_session(facilitator, session)
    with pytest.raises(actions.GroupError, match="over"):
        actions.do_cancel_session(facilitator, session, "Too late")
    past = make_session(group, starts_in=timedelta(hours=-3))
    with pytest.raises(actions.GroupError, match="over"):
        actions.do_cancel_session(facilitator, past, "Too late")
    session.refresh_from_db()
    past.refresh_from_db()
    assert session.status == SessionStatus.ENDED and past.status == SessionStatus.SCHEDULED


def test_a_cancelled_session_takes_no_sign_ups(busy, facilitator, member):
    group, session, _ = busy
    actions.do_cancel_session(facilitator, session, "Holiday")
    with pytest.raises(actions.GroupError, match="closed"):
        actions.do_join(member, group, session)


def test_a_cancelled_session_leaves_the_upcoming_list_but_stays_in_the_calendar(busy, facilitator):
    _group, session, people = busy
    actions.do_cancel_session(facilitator, session, "Holiday")
    assert session not in actions.upcoming_for(people[0])
    assert session in actions.calendar_for(people[0])


# --- Archive ---------------------------------------------------------------------------------


def test_archiving_cancels_only_the_sessions_ahead_and_tells_each_person_once(facilitator, space):
    group = make_group(facilitator, space, capacity=2)
    ended = make_session(group, starts_in=timedelta(hours=-4))
    actions.do_end_session(facilitator, ended)
    in_the_past = make_session(group, starts_in=timedelta(hours=-3))
    first = make_session(group)
    second = make_session(group, starts_in=timedelta(days=1, hours=2))
    a, b, c = members(3)
    for person in (a, b, c):
        actions.do_join(person, group, first)
    actions.do_join(a, group, second)
    ahead = GroupSession.objects.filter(group=group, starts_at__gt=timezone.now()).count()
    assert ahead >= 2

    assert actions.do_archive_group(facilitator, group) == ahead
    group.refresh_from_db()
    assert group.is_active is False
    by_status = dict(GroupSession.objects.filter(group=group).values_list("pk", "status"))
    assert by_status[ended.pk] == SessionStatus.ENDED
    assert by_status[in_the_past.pk] == SessionStatus.SCHEDULED
    assert by_status[first.pk] == by_status[second.pk] == SessionStatus.CANCELLED
    assert not GroupSession.objects.filter(
        group=group, starts_at__gt=timezone.now(), status=SessionStatus.SCHEDULED
    ).exists()
    archived = Notification.objects.filter(kind="groups.group_archived")
    assert sorted(archived.values_list("recipient_id", flat=True)) == sorted([a.pk, b.pk, c.pk])
    assert not Notification.objects.filter(kind="groups.session_cancelled").exists()
    event = AuditEvent.objects.get(event="groups.group_archived")
    assert event.changes == {"is_active": [True, False], "sessions_cancelled": ahead}
    assert AuditEvent.objects.filter(event="groups.session_cancelled").count() == ahead
    # Again: nothing new.
    assert actions.do_archive_group(facilitator, group) == 0
    assert archived.count() == 3


def test_an_archived_group_takes_no_sign_ups_edits_or_new_sessions(facilitator, space, member):
    group = make_group(facilitator, space, format=GroupFormat.COHORT)
    actions.do_archive_group(facilitator, group)
    with pytest.raises(actions.GroupError, match="not meeting"):
        actions.do_join(member, group)
    with pytest.raises(actions.GroupError, match="archived"):
        actions.do_update_group(facilitator, group, changes(group, capacity=9))
    GroupSession.objects.filter(group=group).delete()
    assert actions.do_materialise_sessions(group) == 0
    assert tasks.materialise_group_sessions.call_local() == 0
    assert not GroupSession.objects.filter(group=group).exists()


def test_archiving_a_popup_tells_the_people_waiting(facilitator, space):
    group = make_group(facilitator, space, format=GroupFormat.POPUP, quorum=3)
    a, b = members(2)
    actions.do_join(a, group)
    actions.do_join(b, group)
    assert actions.do_archive_group(facilitator, group) == 0
    assert Notification.objects.filter(kind="groups.group_archived").count() == 2


def test_archiving_ends_what_members_shared_with_the_facilitator(
    client, cohort, facilitator, member, member2
):
    actions.do_join(member, cohort)
    actions.do_join(member2, cohort)
    share_before_it_ends(client, member, facilitator)
    share_before_it_ends(client, member2, facilitator, "group_attendance")

    actions.do_archive_group(facilitator, cohort)

    assert_sharing_ended(client, member, facilitator, "group_archived")
    assert_sharing_ended(client, member2, facilitator, "group_archived")
