"""Per-user calendar feed URLs: ``/calendar/<public_id>_<secret>.ics``.

Only the SHA-256 of the secret is stored, so the URL can be shown once, then
revoked or regenerated, never read back.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from kindred.accounts.models import User
from kindred.audit.actions import record_event
from kindred.bookings import audit_names as bookings_audit
from kindred.bookings.models import CalendarFeed
from kindred.core.secrets import hash_secret, new_public_id, new_secret, secret_matches

_TOKEN = re.compile(r"^(?P<public_id>[0-9a-f]{16})_(?P<secret>[A-Za-z0-9_-]{20,128})$")


def live_feed(user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).first()


def _revoke(user: User, now: datetime) -> int:
    return CalendarFeed.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)


def do_create_calendar_feed(user: User, *, request: HttpRequest | None = None) -> str:
    """A new feed URL token (replacing any live one). Show it to the user once."""
    now = timezone.now()
    secret = new_secret()
    with transaction.atomic():
        _revoke(user, now)
        feed = CalendarFeed.objects.create(
            user=user, public_id=new_public_id(), secret_hash=hash_secret(secret), created_at=now
        )
        record_event(actor=user, event=bookings_audit.FEED_CREATED, target=feed, request=request)
    return f"{feed.public_id}_{secret}"


def do_revoke_calendar_feed(user: User, *, request: HttpRequest | None = None) -> bool:
    with transaction.atomic():
        feed = live_feed(user)
        if feed is None:
            return False
        _revoke(user, timezone.now())
        record_event(actor=user, event=bookings_audit.FEED_REVOKED, target=feed, request=request)
    return True


def get_feed_user(token: str) -> User | None:
    """The owner of a live feed token, or None (same answer for every failure)."""
    match = _TOKEN.match(token)
    if match is None:
        return None
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(public_id=match["public_id"], revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if feed is None or not secret_matches(match["secret"], feed.secret_hash):
        return None
    now = timezone.now()
    if feed.last_used_at is None or (now - feed.last_used_at).total_seconds() > 3600:
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
    return feed.user
