"""Reminders go at each offset, once, on a controlled clock."""

from __future__ import annotations

from datetime import timedelta

from django.core import mail

from kindred.bookings import actions
from kindred.bookings.models import ReminderSent
from kindred.bookings.reminders import send_due_reminders
from kindred.core.models import Notification
from tests.bookings.conftest import NOW, SLOT


def reminder_titles(user):
    return list(
        Notification.objects.filter(recipient=user, kind="booking_reminder")
        .order_by("pk")
        .values_list("title", flat=True)
    )


def test_each_reminder_fires_once_at_its_offset(
    member, therapist, tuesday_evenings, django_capture_on_commit_callbacks
):
    booking = actions.do_book(member, therapist, SLOT, now=NOW)
    mail.outbox.clear()
    # The mail is queued after each reminder's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders(SLOT - timedelta(hours=25)) == 0
        assert send_due_reminders(SLOT - timedelta(hours=24)) == 1
        assert send_due_reminders(SLOT - timedelta(hours=23, minutes=59)) == 0
    assert len(mail.outbox) == 2  # member and therapist
    with django_capture_on_commit_callbacks(execute=True):
        assert send_due_reminders(SLOT - timedelta(hours=2)) == 0
        assert send_due_reminders(SLOT - timedelta(minutes=59)) == 1
        assert send_due_reminders(SLOT - timedelta(minutes=30)) == 0
        assert send_due_reminders(SLOT + timedelta(minutes=1)) == 0
    assert len(mail.outbox) == 4
    assert len(reminder_titles(member)) == 2 and len(reminder_titles(therapist)) == 2
    assert "in 24 hours" in reminder_titles(member)[0]
    assert "dr_ellis" in reminder_titles(member)[0]
    assert ReminderSent.objects.filter(booking=booking).count() == 2


def test_cancelled_bookings_get_no_reminders(member, therapist, tuesday_evenings):
    booking = actions.do_book(member, therapist, SLOT, now=NOW)
    actions.do_cancel(member, booking.pk, now=NOW)
    assert send_due_reminders(SLOT - timedelta(minutes=30)) == 0
    assert reminder_titles(member) == []


def test_a_late_booking_skips_reminders_whose_moment_had_passed(
    member, therapist, tuesday_evenings
):
    actions.do_book(member, therapist, SLOT, now=SLOT - timedelta(hours=3))
    assert send_due_reminders(SLOT - timedelta(hours=2)) == 0
    assert send_due_reminders(SLOT - timedelta(minutes=60)) == 1


def test_offsets_are_a_setting(member, therapist, tuesday_evenings, settings):
    settings.BOOKING_REMINDER_MINUTES = [15]
    actions.do_book(member, therapist, SLOT, now=NOW)
    assert send_due_reminders(SLOT - timedelta(hours=1)) == 0
    assert send_due_reminders(SLOT - timedelta(minutes=15)) == 1


def test_the_periodic_task_runs_the_sweep(member, therapist, tuesday_evenings):
    from kindred.bookings.tasks import send_booking_reminders

    # Immediate mode in tests: calling the task runs it now (nothing due yet).
    assert send_booking_reminders.call_local() == 0
