"""Assigned questionnaires: when they are due, reminders once per due moment, and the
link from a submitted response to the therapist who asked for it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from kindred.audit.models import AuditEvent
from kindred.bookings.models import Booking, BookingStatus
from kindred.core.access import NotFound
from kindred.core.models import Notification
from kindred.measures.actions import (
    AssignmentError,
    do_assign_measure,
    do_stop_assignment,
    do_submit_response,
)
from kindred.measures.models import Assignment, AssignmentReminder, Response
from kindred.measures.schedules import due_assignments, send_measure_reminders

pytestmark = pytest.mark.django_db

PHQ9 = {f"q{i}": 1 for i in range(1, 10)} | {"q9": 0}
BASE = timezone.now().replace(microsecond=0)


def book(member, therapist, starts_at, status=BookingStatus.BOOKED):
    return Booking.objects.create(
        member=member,
        therapist=therapist,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=50),
        status=status,
        created_at=BASE - timedelta(days=1),
    )


def assign(therapist, member, *, created_at=BASE, **schedule):
    assignment = do_assign_measure(therapist, member.pk, "phq9", **schedule)
    Assignment.objects.filter(pk=assignment.pk).update(created_at=created_at)
    # Assigned at ``created_at``: so was the notice that stands for the first reminder.
    AssignmentReminder.objects.filter(assignment=assignment).update(due_at=created_at)
    assignment.refresh_from_db()
    return assignment


def respond(member, at):
    response = do_submit_response(member, "phq9", PHQ9).response
    Response.objects.filter(pk=response.pk).update(created_at=at)
    return response


@pytest.fixture
def treating(member, therapist):
    # A session far enough ahead to keep the relationship current all through the tests.
    return book(member, therapist, BASE + timedelta(days=60))


def test_every_n_days_is_reminded_once_per_occurrence(
    member, therapist, treating, django_capture_on_commit_callbacks
):
    assign(therapist, member, every_days=7)
    with django_capture_on_commit_callbacks(execute=True):  # mail is queued after commit
        # The first occurrence was told by the assignment notice itself.
        assert send_measure_reminders(BASE + timedelta(minutes=1)) == 0
        assert send_measure_reminders(BASE + timedelta(days=6, hours=23)) == 0
        assert send_measure_reminders(BASE + timedelta(days=7, minutes=1)) == 1  # the next one
        assert send_measure_reminders(BASE + timedelta(days=7, hours=5)) == 0  # same occurrence
        assert send_measure_reminders(BASE + timedelta(days=14, minutes=1)) == 1
    assert AssignmentReminder.objects.count() == 3
    assert len(mail.outbox) == 2
    assert Notification.objects.filter(recipient=member, kind="measure_reminder").count() == 2


def test_a_completed_occurrence_is_not_reminded(member, therapist, treating):
    assign(therapist, member, every_days=7)
    respond(member, BASE + timedelta(days=14, hours=1))
    assert send_measure_reminders(BASE + timedelta(days=14, hours=2)) == 0
    assert due_assignments(member, BASE + timedelta(days=14, hours=2)) == []
    # The next occurrence is due again.
    assert len(due_assignments(member, BASE + timedelta(days=21))) == 1


def test_the_reminder_names_the_instrument_and_nothing_else(
    member, therapist, treating, django_capture_on_commit_callbacks
):
    respond(member, BASE - timedelta(days=30))  # a result exists: it must not leak
    assign(therapist, member, every_days=7)
    with django_capture_on_commit_callbacks(execute=True):
        send_measure_reminders(BASE + timedelta(days=7, minutes=1))
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert "PHQ-9" in message.subject
    text = message.subject + message.body
    assert therapist.handle not in text
    assert "9" not in text.replace("PHQ-9", "")  # no score, no total
    note = Notification.objects.get(recipient=member, kind="measure_reminder")
    assert note.title == message.subject and note.url == "/measures/phq9/"


def test_before_each_session_is_due_24_hours_before(member, therapist, treating):
    session = book(member, therapist, BASE + timedelta(days=3))
    assign(therapist, member, before_sessions=True)
    assert due_assignments(member, BASE + timedelta(days=1)) == []
    (due,) = due_assignments(member, BASE + timedelta(days=2, minutes=1))
    assert due.due_at == session.starts_at - timedelta(hours=24) and due.reason == "session"
    assert send_measure_reminders(BASE + timedelta(days=2, minutes=1)) == 1
    assert send_measure_reminders(BASE + timedelta(days=2, hours=12)) == 0
    # Once the session has started the occurrence is over.
    assert due_assignments(member, session.starts_at + timedelta(minutes=1)) == []


def test_each_session_is_its_own_occurrence(member, therapist, treating):
    first = book(member, therapist, BASE + timedelta(days=3))
    second = book(member, therapist, BASE + timedelta(days=10))
    assign(therapist, member, before_sessions=True)
    assert send_measure_reminders(first.starts_at - timedelta(hours=20)) == 1
    assert send_measure_reminders(second.starts_at - timedelta(hours=20)) == 1
    assert set(AssignmentReminder.objects.values_list("due_at", flat=True)) == {
        first.starts_at - timedelta(hours=24),
        second.starts_at - timedelta(hours=24),
    }


def test_sessions_with_another_therapist_do_not_count(member, therapist, therapist2, treating):
    book(member, therapist2, BASE + timedelta(days=3))
    assign(therapist, member, before_sessions=True)
    assert due_assignments(member, BASE + timedelta(days=2, hours=1)) == []


def test_a_cancelled_session_is_not_due(member, therapist, treating):
    book(member, therapist, BASE + timedelta(days=3), status=BookingStatus.CANCELLED)
    assign(therapist, member, before_sessions=True)
    assert due_assignments(member, BASE + timedelta(days=2, hours=1)) == []


def test_nothing_is_due_once_the_therapist_no_longer_treats_the_member(member, therapist, treating):
    assign(therapist, member, every_days=7)
    Booking.objects.filter(pk=treating.pk).update(status=BookingStatus.CANCELLED)
    assert send_measure_reminders(BASE + timedelta(minutes=1)) == 0


def test_a_stopped_assignment_is_not_reminded(member, therapist, treating):
    assignment = assign(therapist, member, every_days=7)
    do_stop_assignment(therapist, assignment.pk)
    assignment.refresh_from_db()
    assert not assignment.active and assignment.stopped_at is not None
    assert send_measure_reminders(BASE + timedelta(minutes=1)) == 0
    assert AuditEvent.objects.filter(event="measures.assignment_stopped").count() == 1


def test_a_response_to_a_due_assignment_is_linked_to_the_therapist(member, therapist, treating):
    do_assign_measure(therapist, member.pk, "phq9", every_days=7)  # due now
    response = do_submit_response(member, "phq9", PHQ9).response
    response.refresh_from_db()
    assert response.assigned_by == therapist
    # The occurrence is done; a second response in the same period is not "assigned".
    again = do_submit_response(member, "phq9", PHQ9).response
    assert again.assigned_by is None


def test_an_unassigned_response_has_no_therapist(member, therapist, treating):
    do_assign_measure(therapist, member.pk, "gad7", every_days=7)
    assert do_submit_response(member, "phq9", PHQ9).response.assigned_by is None


def test_assigning_is_audited(member, therapist, treating):
    assignment = do_assign_measure(
        therapist, member.pk, "phq9", every_days=14, before_sessions=True
    )
    event = AuditEvent.objects.get(event="measures.assigned")
    assert event.actor_id == therapist.pk and event.target_id == str(assignment.pk)
    assert event.changes["instrument"] == "phq9" and event.changes["every_days"] == 14


@pytest.mark.parametrize(
    "schedule", [{}, {"every_days": 0}, {"before_sessions": False, "every_days": None}]
)
def test_an_assignment_needs_a_schedule(member, therapist, treating, schedule):
    with pytest.raises(AssignmentError):
        do_assign_measure(therapist, member.pk, "phq9", **schedule)
    assert not Assignment.objects.exists()


def test_one_active_assignment_per_instrument(member, therapist, treating):
    do_assign_measure(therapist, member.pk, "phq9", every_days=7)
    with pytest.raises(AssignmentError):
        do_assign_measure(therapist, member.pk, "phq9", before_sessions=True)


@pytest.mark.parametrize("who", ["therapist2", "peer_supporter", "moderator", "staff", "member2"])
def test_only_the_treating_therapist_can_assign(request, member, treating, who):
    with pytest.raises(NotFound):
        do_assign_measure(request.getfixturevalue(who), member.pk, "phq9", every_days=7)


def test_another_therapist_cannot_stop_an_assignment(member, therapist, therapist2, treating):
    book(member, therapist2, BASE + timedelta(days=5))  # treats the member too
    assignment = assign(therapist, member, every_days=7)
    with pytest.raises(NotFound):
        do_stop_assignment(therapist2, assignment.pk)
    assignment.refresh_from_db()
    assert assignment.active


def test_the_sweep_queries_are_bounded_per_member(
    member, member2, therapist, treating, django_assert_max_num_queries
):
    book(member2, therapist, BASE + timedelta(days=61))
    for who in (member, member2):
        assign(therapist, who, every_days=7)
    send_measure_reminders(BASE + timedelta(minutes=1))
    # Nothing left to send: per member, four reads (assignments, sessions, latest, markers).
    with django_assert_max_num_queries(2 + 4 * 2):
        assert send_measure_reminders(BASE + timedelta(minutes=2)) == 0


def test_the_periodic_task_runs_the_sweep(member, therapist, treating):
    from kindred.measures.tasks import send_measure_reminders as task

    # Assigned eight days ago: the second occurrence is due and not yet reminded.
    assign(therapist, member, every_days=7, created_at=timezone.now() - timedelta(days=8))
    assert task.call_local() == 1
    assert task.call_local() == 0


def test_an_assignment_tells_the_member_and_shows_on_their_questionnaires_page(
    client, member, therapist, treating, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assign(therapist, member, every_days=14)
    note = Notification.objects.get(recipient=member, kind="measures.assigned")
    assert note.title == "New questionnaire to complete: PHQ-9"
    assert note.url == "/measures/phq9/"
    assert [m.to for m in mail.outbox] == [[member.email]]
    client.force_login(member)
    body = client.get("/measures/").content.decode()
    assert "Asked of you by your therapist" in body and 'href="/measures/phq9/"' in body
    respond(member, timezone.now())
    assert "Asked of you by your therapist" not in client.get("/measures/").content.decode()


def test_another_members_assignment_is_not_on_my_page(client, member, member2, therapist, treating):
    assign(therapist, member, every_days=14)
    client.force_login(member2)
    assert "Asked of you by your therapist" not in client.get("/measures/").content.decode()


def test_the_assignment_notice_stands_for_the_first_reminder(
    member, therapist, treating, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        do_assign_measure(therapist, member.pk, "phq9", every_days=7)
    assert send_measure_reminders(timezone.now() + timedelta(minutes=1)) == 0
    assert Notification.objects.filter(recipient=member).count() == 1
    assert len(mail.outbox) == 1
