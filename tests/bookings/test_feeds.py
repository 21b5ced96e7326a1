"""Calendar feed tokens and the iCalendar text."""

from __future__ import annotations

import hashlib

from django.urls import reverse
from django.utils import timezone

from kindred.bookings import actions, feeds
from kindred.bookings.calendar import booking_event
from kindred.bookings.models import CalendarFeed
from kindred.core import calendar
from tests.bookings.conftest import NOW, SLOT


def feed_url(token):
    return reverse("bookings_calendar_feed", args=[token])


def test_the_feed_token_works_and_is_hashed_at_rest(client, member, therapist, add_weekly):
    soon = timezone.now().replace(second=0, microsecond=0)
    add_weekly(therapist, 0, "00:00", "23:59", tz="UTC", session=50, buffer=10)
    for day in range(1, 7):
        add_weekly(therapist, day, "00:00", "23:59")
    from datetime import timedelta

    from kindred.bookings.slots import slots_for

    slot = slots_for(therapist, soon + timedelta(hours=2), soon + timedelta(days=2))[0]
    actions.do_book(member, therapist, slot.starts_at)
    token = feeds.do_create_calendar_feed(member)
    feed = CalendarFeed.objects.get(user=member)
    secret = token.split("_", 1)[1]
    assert secret not in feed.secret_hash
    assert feed.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    response = client.get(feed_url(token))
    assert response.status_code == 200
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert "Therapy session with dr_ellis" in body
    assert therapist.legal_name not in body and therapist.email not in body
    # The therapist's own feed names the member by handle only.
    therapist_token = feeds.do_create_calendar_feed(therapist)
    body = client.get(feed_url(therapist_token)).content.decode()
    assert "Session with member_maya" in body and member.legal_name not in body


def test_a_revoked_or_replaced_token_stops_working(client, member):
    token = feeds.do_create_calendar_feed(member)
    assert client.get(feed_url(token)).status_code == 200
    newer = feeds.do_create_calendar_feed(member)
    assert client.get(feed_url(token)).status_code == 404
    assert client.get(feed_url(newer)).status_code == 200
    assert feeds.do_revoke_calendar_feed(member)
    assert client.get(feed_url(newer)).status_code == 404
    assert CalendarFeed.objects.filter(user=member, revoked_at__isnull=True).count() == 0


def test_a_wrong_or_malformed_token_is_404(client, member):
    token = feeds.do_create_calendar_feed(member)
    public_id = token.split("_", 1)[0]
    assert client.get(feed_url(f"{public_id}_{'x' * 43}")).status_code == 404
    assert client.get(feed_url("nonsense")).status_code == 404


def test_ics_lines_are_folded_and_escaped(member, therapist, tuesday_evenings):
    booking = actions.do_book(member, therapist, SLOT, now=NOW)
    therapist.handle = "dr_" + "x" * 27
    text = calendar.render([booking_event(booking, member)], NOW, name="A, b; c")
    assert "X-WR-CALNAME:A\\, b\\; c\r\n" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    assert "UID:booking-" in text and "DTEND:20300108T185000Z" in text
