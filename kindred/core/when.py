"""Dates and times for people: on their clock, in the site's one format.

Pages get the viewer's zone from :class:`kindred.accounts.middleware.TimeZoneMiddleware`
and format with the named formats of :mod:`kindred.formats`; e-mails, notifications and
other text built outside a page use :func:`format_when` with the recipient's zone.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.utils import formats

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from kindred.accounts.models import User

UTC_ZONE = ZoneInfo("UTC")


def zone_of(user: User | AnonymousUser) -> ZoneInfo:
    """The person's zone; UTC for a visitor or a zone that no longer exists."""
    try:
        return ZoneInfo(getattr(user, "timezone", "") or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return UTC_ZONE


def format_when(at: datetime, zone: ZoneInfo, *, short: bool = False) -> str:
    """``at`` on ``zone``'s clock with the zone's abbreviation: "6 Dec 2026, 14:05 GMT"."""
    local = at.astimezone(zone)
    pattern = "SHORT_DATETIME_FORMAT" if short else "DATETIME_FORMAT"
    return f"{formats.date_format(local, pattern)} {local.tzname() or zone.key}"
