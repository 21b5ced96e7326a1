"""Booking, cancelling, rescheduling, attendance and session links."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from kindred.audit.models import AuditEvent
from kindred.bookings import actions
from kindred.bookings.models import Booking, BookingStatus
from kindred.core.access import NotFound
from kindred.core.models import Notification
from tests.bookings.conftest import NOW, SLOT, SLOT2, utc
from tests.care.factories import assert_sharing_ended, share_before_it_ends
from tests.factories import UserFactory


def test_booking_a_slot_records_notifies_and_emails_an_ics(
    member, therapist, tuesday_evenings, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = actions.do_book(member, therapist, SLOT, now=NOW)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.BOOKED
    assert booking.ends_at == SLOT + timedelta(minutes=50)
    assert AuditEvent.objects.filter(event="bookings.booked", target_id=str(booking.pk)).exists()
    assert Notification.objects.filter(recipient=therapist, kind="booking").count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == sorted([member.email, therapist.email])
    name, content, mimetype = mail.outbox[0].attachments[0]
    assert name == "session.ics" and mimetype.startswith("text/calendar")
    assert "DTSTART:20300108T180000Z" in content
    assert member.legal_name not in content and therapist.legal_name not in content


def test_a_time_outside_the_availability_cannot_be_booked(member, therapist, tuesday_evenings):
    with pytest.raises(actions.BookingError, match="not available"):
        actions.do_book(member, therapist, SLOT + timedelta(minutes=30), now=NOW)
    with pytest.raises(actions.BookingError, match="passed"):
        actions.do_book(member, therapist, SLOT, now=SLOT + timedelta(hours=1))


def test_a_taken_slot_says_it_was_just_taken(member, member2, therapist, tuesday_evenings):
    actions.do_book(member, therapist, SLOT, now=NOW)
    with pytest.raises(actions.BookingError, match="just taken"):
        actions.do_book(member2, therapist, SLOT, now=NOW)
    assert Booking.objects.filter(status="booked").count() == 1


def test_the_database_refuses_a_second_active_booking_even_past_the_checks(
    member, member2, therapist, tuesday_evenings, monkeypatch
):
    actions.do_book(member, therapist, SLOT, now=NOW)
    # Pretend the friendly check saw nothing (as in a race): the constraint still holds.
    monkeypatch.setattr(actions, "_overlapping", lambda qs, a, b: qs.none())
    with pytest.raises(actions.BookingError, match="just taken"):
        actions.do_book(member2, therapist, SLOT, now=NOW)
    assert Booking.objects.filter(status="booked").count() == 1


def test_a_member_cannot_hold_two_bookings_at_the_same_time(
    member, therapist, therapist2, tuesday_evenings, add_weekly
):
    add_weekly(therapist2, 1, "18:30", "20:00", tz="Europe/London")
    actions.do_book(member, therapist, SLOT, now=NOW)
    with pytest.raises(actions.BookingError, match="already have a booking"):
        actions.do_book(member, therapist2, SLOT + timedelta(minutes=30), now=NOW)


def test_unlisted_or_non_therapists_cannot_be_booked(
    member, member2, therapist, tuesday_evenings, unlist
):
    with pytest.raises(actions.BookingError):
        actions.do_book(member, member2, SLOT, now=NOW)
    with pytest.raises(actions.BookingError):
        actions.do_book(therapist, therapist, SLOT, now=NOW)
    unlist(therapist)
    with pytest.raises(actions.BookingError):
        actions.do_book(member, therapist, SLOT, now=NOW)


@pytest.mark.parametrize(
    ("hours_before", "expected"),
    [(25, BookingStatus.CANCELLED), (23, BookingStatus.CANCELLED_LATE)],
)
def test_cancelling_inside_the_notice_period_is_late(
    member, therapist, tuesday_evenings, hours_before, expected
):
    booking = actions.do_book(member, therapist, SLOT, now=NOW)
    actions.do_cancel(member, booking.pk, now=SLOT - timedelta(hours=hours_before))
    booking.refresh_from_db()
    assert booking.status == expected
    assert Notification.objects.filter(recipient=therapist, title__startswith="Session cancelled")


def test_the_notice_period_is_a_setting(member, therapist, tuesday_evenings, settings):
    settings.BOOKING_NOTICE_HOURS = 2
    booking = actions.do_book(member, therapist, SLOT, now=NOW)
    actions.do_cancel(member, booking.pk, now=SLOT - timedelta(hours=3))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_a_therapist_cancelling_late_never_counts_against_the_member(
    member, therapist, tuesday_evenings
):
    booking = actions.do_book(member, therapist, SLOT, now=NOW)
    actions.do_cancel(therapist, booking.pk, now=SLOT - timedelta(hours=1))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED


def test_strangers_cannot_cancel(member, member2, therapist2, therapist, tuesday_evenings):
    booking = actions.do_book(member, therapist, SLOT, now=NOW)
    for stranger in (member2, therapist2):
        with pytest.raises(NotFound):
            actions.do_cancel(stranger, booking.pk, now=NOW)
    booking.refresh_from_db()
    assert booking.is_active


def test_rescheduling_moves_the_booking(member, therapist, tuesday_evenings):
    old = actions.do_book(member, therapist, SLOT, now=NOW)
    new = actions.do_reschedule(member, old.pk, SLOT2, now=NOW)
    old.refresh_from_db()
    assert old.status == BookingStatus.CANCELLED
    assert new.starts_at == SLOT2 and new.rescheduled_from == old


def test_rescheduling_keeps_the_old_slot_when_the_new_one_fails(
    member, member2, therapist, tuesday_evenings
):
    old = actions.do_book(member, therapist, SLOT, now=NOW)
    actions.do_book(member2, therapist, SLOT2, now=NOW)
    with pytest.raises(actions.BookingError, match="just taken"):
        actions.do_reschedule(member, old.pk, SLOT2, now=NOW)
    old.refresh_from_db()
    assert old.status == BookingStatus.BOOKED and old.cancelled_at is None
    assert not AuditEvent.objects.filter(event="bookings.cancelled").exists()


def test_rescheduling_to_an_overlapping_time_of_the_same_member_works(
    member, therapist, add_weekly
):
    add_weekly(therapist, 1, "18:00", "19:00", tz="UTC", session=50, buffer=0)
    add_weekly(therapist, 1, "18:30", "19:30", tz="UTC", session=50, buffer=0)
    old = actions.do_book(member, therapist, SLOT, now=NOW)
    new = actions.do_reschedule(member, old.pk, SLOT + timedelta(minutes=30), now=NOW)
    assert new.is_active


def test_attendance_is_set_by_the_therapist_after_the_start(
    member, therapist, therapist2, tuesday_evenings
):
    booking = actions.do_book(member, therapist, SLOT, now=NOW)
    with pytest.raises(actions.BookingError, match="once the session has started"):
        actions.do_mark_attendance(therapist, booking.pk, "attended", now=NOW)
    with pytest.raises(NotFound):
        actions.do_mark_attendance(member, booking.pk, "attended", now=SLOT)
    with pytest.raises(NotFound):
        actions.do_mark_attendance(therapist2, booking.pk, "attended", now=SLOT)
    actions.do_mark_attendance(therapist, booking.pk, "no_show", now=SLOT + timedelta(hours=1))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.NO_SHOW
    with pytest.raises(actions.BookingError):
        actions.do_mark_attendance(therapist, booking.pk, "booked", now=SLOT)


def test_the_session_link_shows_to_participants_only_inside_its_window(
    member, member2, therapist, tuesday_evenings, settings
):
    settings.SESSION_LINK_TEMPLATE = "https://meet.example.org/kindred-{booking_id}-{secret}"
    booking = actions.do_book(member, therapist, SLOT, now=NOW)
    link = f"https://meet.example.org/kindred-{booking.pk}-{booking.link_secret}"
    assert actions.session_link(booking, member, SLOT - timedelta(minutes=16)) == ""
    assert actions.session_link(booking, member, SLOT - timedelta(minutes=15)) == link
    assert actions.session_link(booking, therapist, SLOT + timedelta(minutes=49)) == link
    assert actions.session_link(booking, therapist, booking.ends_at) == ""
    assert actions.session_link(booking, member2, SLOT) == ""
    settings.SESSION_LINK_TEMPLATE = ""
    assert actions.session_link(booking, member, SLOT) == ""


def test_the_session_link_disappears_when_cancelled(member, therapist, tuesday_evenings, settings):
    settings.SESSION_LINK_TEMPLATE = "https://meet.example.org/{booking_id}-{secret}"
    booking = actions.do_book(member, therapist, SLOT, now=NOW)
    booking = actions.do_cancel(member, booking.pk, now=NOW)
    assert actions.session_link(booking, member, SLOT) == ""


def test_times_are_labelled_in_each_persons_zone(member, therapist, tuesday_evenings):
    member.timezone = "America/New_York"
    assert actions.local_label(SLOT, member) == "8 Jan 2030, 13:00 EST"
    assert actions.local_label(utc(2030, 7, 2, 17), therapist) == "2 Jul 2030, 18:00 BST"
    member.timezone = "Not/AZone"
    assert actions.local_label(SLOT, member).endswith("18:00 UTC")


def test_availability_changes_are_audited_without_free_text(therapist, tuesday_evenings):
    event = AuditEvent.objects.get(event="bookings.availability_added")
    assert event.changes["weekday"] == 1 and event.changes["timezone"] == "Europe/London"
    actions.do_remove_weekly_availability(therapist, tuesday_evenings.pk)
    assert AuditEvent.objects.filter(event="bookings.availability_removed").exists()


def test_only_therapists_can_set_availability(member):
    with pytest.raises(NotFound):
        actions.do_add_weekly_availability(
            member, weekday=1, start_time=SLOT.time(), end_time=SLOT2.time()
        )


def test_a_nonexistent_extra_slot_time_is_refused(therapist):
    therapist.timezone = "Europe/London"
    from datetime import date, time

    with pytest.raises(actions.BookingError, match="clocks change"):
        # 28 March 2027, 01:30 does not exist in London (clocks go forward at 01:00).
        actions.do_add_extra_slot(therapist, day=date(2027, 3, 28), at=time(1, 30))


def test_a_new_user_factory_member_can_book(therapist, tuesday_evenings):
    someone = UserFactory(handle="new_nia")
    assert actions.do_book(someone, therapist, SLOT, now=NOW).is_active


# --- Sharing ends with the therapy (kindred/care/actions.py) ----------------------------


def test_cancelling_the_only_session_ends_what_the_member_shared_with_the_therapist(
    client, member, therapist, tuesday_evenings
):
    booking = actions.do_book(member, therapist, SLOT, now=NOW)
    share_before_it_ends(client, member, therapist)

    actions.do_cancel(member, booking.pk, now=NOW)

    assert_sharing_ended(client, member, therapist, "therapy_ended")


def test_a_missed_last_session_ends_it_too(client, member, therapist, tuesday_evenings):
    booking = actions.do_book(member, therapist, SLOT, now=NOW)
    share_before_it_ends(client, member, therapist)

    actions.do_mark_attendance(therapist, booking.pk, "no_show", now=SLOT + timedelta(hours=1))

    assert_sharing_ended(client, member, therapist, "therapy_ended")


def test_cancelling_one_of_several_sessions_keeps_the_sharing(
    client, member, therapist, tuesday_evenings
):
    first = actions.do_book(member, therapist, SLOT, now=NOW)
    actions.do_book(member, therapist, SLOT2, now=NOW)
    grant = share_before_it_ends(client, member, therapist)

    actions.do_cancel(member, first.pk, now=NOW)

    grant.refresh_from_db()
    assert grant.status() == "active"
    assert client.get(f"/my/care/shared/{member.pk}/").status_code == 200
