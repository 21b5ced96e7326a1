"""Revoked calendar feeds are deleted a while after revocation; the live one stays."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from kindred.bookings.feeds import do_create_calendar_feed
from kindred.bookings.models import CalendarFeed
from kindred.bookings.retention import purge_revoked_feeds


def test_feeds_revoked_before_the_cutoff_go(member):
    do_create_calendar_feed(member)
    do_create_calendar_feed(member)  # revokes the first
    do_create_calendar_feed(member)  # revokes the second
    old, recent, live = CalendarFeed.objects.order_by("pk")
    CalendarFeed.objects.filter(pk=old.pk).update(revoked_at=timezone.now() - timedelta(days=31))
    cutoff = timezone.now() - timedelta(days=30)
    assert purge_revoked_feeds(cutoff, 500) == 1
    assert list(CalendarFeed.objects.order_by("pk")) == [recent, live]
    assert live.revoked_at is None
    assert purge_revoked_feeds(cutoff, 500) == 0
