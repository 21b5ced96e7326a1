"""Every page tried as anonymous, the right people and the wrong ones."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from kindred.bookings import actions
from kindred.bookings.models import Booking, BookingStatus
from kindred.bookings.slots import slots_for
from tests.factories import UserFactory


@pytest.fixture
def open_all_week(therapist, add_weekly):
    add_weekly(therapist, 0, "00:00", "23:59", tz="UTC")
    for day in range(1, 7):
        add_weekly(therapist, day, "00:00", "23:59")


def next_slots(therapist, n=2):
    now = timezone.now()
    return slots_for(therapist, now + timedelta(hours=30), now + timedelta(days=10))[:n]


@pytest.fixture
def booking(member, therapist, open_all_week):
    return actions.do_book(member, therapist, next_slots(therapist)[0].starts_at)


MEMBER_PAGES = ["bookings_home", "bookings_calendar"]
THERAPIST_PAGES = ["therapist_availability", "therapist_bookings"]


@pytest.mark.parametrize("name", MEMBER_PAGES + THERAPIST_PAGES)
def test_anonymous_visitors_are_sent_to_log_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "login" in response["Location"]


def test_anonymous_cannot_see_a_therapists_slots(client, therapist, open_all_week):
    response = client.get(reverse("bookings_therapist", args=[therapist.pk]))
    assert response.status_code == 302


@pytest.mark.parametrize("name", THERAPIST_PAGES)
def test_members_get_404_in_the_therapist_area(client, member, name):
    client.force_login(member)
    assert client.get(reverse(name)).status_code == 404


def test_my_bookings_lists_mine_in_my_timezone(
    client, member, booking, django_assert_max_num_queries
):
    member.timezone = "America/New_York"
    member.save()
    client.force_login(member)
    with django_assert_max_num_queries(12):
        body = client.get(reverse("bookings_home")).content.decode()
    assert actions.local_label(booking.starts_at, member) in body
    assert "dr_ellis" in body


def test_my_bookings_has_bounded_queries(
    client, member, therapist, open_all_week, django_assert_max_num_queries
):
    client.force_login(member)
    client.get(reverse("bookings_home"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("bookings_home"))
    for slot in next_slots(therapist, 6):
        b = actions.do_book(member, therapist, slot.starts_at)
    actions.do_cancel(member, b.pk)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("bookings_home"))


def test_therapist_schedule_has_bounded_queries(
    client, member, therapist, open_all_week, django_assert_max_num_queries
):
    client.force_login(therapist)
    client.get(reverse("therapist_bookings"))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("therapist_bookings"))
    for slot in next_slots(therapist, 6):
        actions.do_book(UserFactory(), therapist, slot.starts_at)
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(reverse("therapist_bookings")).content.decode()
    assert body.count("Cancel this session") == 6


def test_booking_through_the_page(client, member, therapist, open_all_week):
    client.force_login(member)
    url = reverse("bookings_therapist", args=[therapist.pk])
    page = client.get(url)
    assert page.status_code == 200
    slot = next_slots(therapist)[0]
    assert slot.starts_at.isoformat() in page.content.decode()
    response = client.post(url, {"starts_at": slot.starts_at.isoformat()})
    assert response.status_code == 302
    assert Booking.objects.get(member=member).starts_at == slot.starts_at
    # The same time again: a clear message, no second booking.
    response = client.post(url, {"starts_at": slot.starts_at.isoformat()}, follow=True)
    assert "just taken" in response.content.decode() or "already have" in response.content.decode()
    assert Booking.objects.count() == 1


def test_a_bad_time_is_refused_politely(client, member, therapist, open_all_week):
    client.force_login(member)
    url = reverse("bookings_therapist", args=[therapist.pk])
    response = client.post(url, {"starts_at": "not a time"}, follow=True)
    assert "Choose a time" in response.content.decode()
    assert not Booking.objects.exists()


def test_non_therapists_and_unlisted_therapists_are_404(client, member, member2, therapist, unlist):
    client.force_login(member)
    assert client.get(reverse("bookings_therapist", args=[member2.pk])).status_code == 404
    assert client.get(reverse("bookings_therapist", args=[999999])).status_code == 404
    unlist(therapist)
    assert client.get(reverse("bookings_therapist", args=[therapist.pk])).status_code == 404


def test_rescheduling_through_the_page(client, member, therapist, booking):
    client.force_login(member)
    new = next_slots(therapist)[0]
    url = reverse("bookings_therapist", args=[therapist.pk])
    assert "Moving your session" in client.get(f"{url}?reschedule={booking.pk}").content.decode()
    client.post(url, {"starts_at": new.starts_at.isoformat(), "reschedule": booking.pk})
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    assert Booking.objects.get(status="booked").starts_at == new.starts_at


def test_another_member_cannot_reschedule_or_cancel_my_booking(client, member2, therapist, booking):
    client.force_login(member2)
    url = reverse("bookings_therapist", args=[therapist.pk])
    assert client.get(f"{url}?reschedule={booking.pk}").status_code == 404
    assert client.post(reverse("bookings_cancel", args=[booking.pk])).status_code == 404
    booking.refresh_from_db()
    assert booking.is_active


def test_cancel_through_the_page(client, member, booking):
    client.force_login(member)
    response = client.post(reverse("bookings_cancel", args=[booking.pk]))
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status in (BookingStatus.CANCELLED, BookingStatus.CANCELLED_LATE)
    assert client.post(reverse("bookings_cancel", args=[999999])).status_code == 404


def test_therapist2_cannot_touch_therapists_schedule(client, therapist2, booking):
    client.force_login(therapist2)
    assert "member_maya" not in client.get(reverse("therapist_bookings")).content.decode()
    for name in ("therapist_bookings_attendance", "therapist_bookings_cancel"):
        response = client.post(reverse(name, args=[booking.pk]), {"status": "attended"})
        assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.is_active


def test_therapist_cancels_and_marks_attendance(client, therapist, member, booking):
    client.force_login(therapist)
    assert "member_maya" in client.get(reverse("therapist_bookings")).content.decode()
    client.post(reverse("therapist_bookings_cancel", args=[booking.pk]))
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    past = Booking.objects.create(
        therapist=therapist,
        member=member,
        starts_at=timezone.now() - timedelta(hours=2),
        ends_at=timezone.now() - timedelta(hours=1),
    )
    client.post(reverse("therapist_bookings_attendance", args=[past.pk]), {"status": "attended"})
    past.refresh_from_db()
    assert past.status == BookingStatus.ATTENDED


def test_therapist_edits_availability(client, therapist, therapist2):
    client.force_login(therapist)
    data = {
        "weekday": 1,
        "start_time": "09:00",
        "end_time": "12:00",
        "session_minutes": 50,
        "buffer_minutes": 10,
    }
    assert client.post(reverse("therapist_availability_weekly"), data).status_code == 302
    soon = timezone.localdate() + timedelta(days=30)
    client.post(
        reverse("therapist_availability_off"),
        {"first_day": soon.isoformat(), "last_day": (soon + timedelta(days=1)).isoformat()},
    )
    client.post(
        reverse("therapist_availability_extra"),
        {"day": (soon + timedelta(days=4)).isoformat(), "at": "08:00", "session_minutes": 50},
    )
    rule = therapist.weekly_availability.get()
    exc = therapist.availability_exceptions.first()
    page = client.get(reverse("therapist_availability")).content.decode()
    assert "Tuesday" in page and "Time off" in page and "Extra session" in page
    bad = client.post(reverse("therapist_availability_weekly"), {**data, "end_time": "08:00"})
    assert bad.status_code == 200 and "after the start" in bad.content.decode()
    client.force_login(therapist2)
    assert "No weekly times yet" in client.get(reverse("therapist_availability")).content.decode()
    assert (
        client.post(reverse("therapist_availability_weekly_delete", args=[rule.pk])).status_code
        == 404
    )
    assert (
        client.post(reverse("therapist_availability_exception_delete", args=[exc.pk])).status_code
        == 404
    )
    client.force_login(therapist)
    client.post(reverse("therapist_availability_weekly_delete", args=[rule.pk]))
    client.post(reverse("therapist_availability_exception_delete", args=[exc.pk]))
    assert not therapist.weekly_availability.exists()
    assert therapist.availability_exceptions.count() == 1


def test_calendar_page_creates_shows_once_and_revokes(client, member):
    client.force_login(member)
    body = client.post(reverse("bookings_calendar"), {"action": "create"}).content.decode()
    assert "/calendar/" in body and ".ics" in body
    assert ".ics" not in client.get(reverse("bookings_calendar")).content.decode()
    client.post(reverse("bookings_calendar"), {"action": "revoke"})
    assert not member.calendar_feeds.filter(revoked_at__isnull=True).exists()


def test_session_link_shows_on_my_bookings_page_in_its_window(client, member, therapist, settings):
    settings.SESSION_LINK_TEMPLATE = "https://meet.example.org/kindred-{booking_id}-{secret}"
    now = timezone.now()
    b = Booking.objects.create(
        therapist=therapist,
        member=member,
        starts_at=now + timedelta(minutes=10),
        ends_at=now + timedelta(minutes=60),
    )
    client.force_login(member)
    assert b.link_secret in client.get(reverse("bookings_home")).content.decode()
    b.starts_at = now + timedelta(minutes=20)
    b.save()
    assert b.link_secret not in client.get(reverse("bookings_home")).content.decode()


@pytest.mark.parametrize("starts_at", ["9999-12-31T23:59:59+14:00", "1999-12-31T10:00:00+00:00"])
def test_a_time_outside_the_calendar_is_refused_politely(
    client, member, therapist, open_all_week, starts_at
):
    client.force_login(member)
    url = reverse("bookings_therapist", args=[therapist.pk])
    response = client.post(url, {"starts_at": starts_at}, follow=True)
    assert response.status_code in (200, 422)
    assert "Choose a date" in response.content.decode()
    assert not Booking.objects.exists()


def test_the_booking_page_says_who_what_it_costs_and_how(
    client, member, therapist, staff, open_all_week
):
    from decimal import Decimal

    from kindred.therapy import actions as therapy
    from tests.therapy.conftest import profile_data

    therapist.legal_name = "Dr Jordan Ellis"
    therapist.save(update_fields=["legal_name"])
    profile = therapy.do_save_profile(
        therapist,
        profile_data(
            format=["video", "in_person"],
            in_person_location="Leeds",
            fee=Decimal(70),
            sliding_scale_min=Decimal(35),
            sliding_scale_max=Decimal(70),
        ),
    ).profile
    therapy.do_submit_for_verification(therapist)
    therapy.do_verify(staff, profile, evidence_notes="Register checked.")
    client.force_login(member)
    body = client.get(reverse("bookings_therapist", args=[therapist.pk])).content.decode()
    assert "Book a session with Dr Jordan Ellis" in body
    assert "£70 a session; sliding scale £35 to £70" in body
    assert "Video sessions, In-person sessions (in person: Leeds)" in body
    assert "link appears on your sessions page" in body


def test_a_time_chosen_on_the_profile_arrives_ticked(client, member, therapist, open_all_week):
    client.force_login(member)
    slot = next_slots(therapist)[1]
    url = reverse("bookings_therapist", args=[therapist.pk])
    body = client.get(url, {"at": slot.starts_at.isoformat()}).content.decode()
    assert f'value="{slot.starts_at.isoformat()}" required checked' in body
    assert body.count(" checked") == 1
    # Nonsense in ``at`` ticks nothing and breaks nothing.
    body = client.get(url, {"at": "tomorrow-ish"}).content.decode()
    assert " checked" not in body
    assert client.get(url, {"at": "tomorrow-ish"}).status_code == 200
