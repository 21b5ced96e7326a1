"""Group sessions as calendar events, for :mod:`kindred.core.calendar`.

Only the group's topic appears in them: no handles of other members, no norms, and
no reason for a cancellation.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from django.conf import settings

from kindred.accounts.models import User
from kindred.core.calendar import CalendarEvent
from kindred.groups.actions import calendar_for
from kindred.groups.models import GroupSession, SessionStatus


def session_event(session: GroupSession, *, url: str = "") -> CalendarEvent:
    """``session`` as an event; ``url`` is its page."""
    site = getattr(settings, "SITE_NAME", "Kindred")
    return CalendarEvent(
        uid=f"group-session-{session.pk}@{site.lower()}",
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        summary=f"Group: {session.group.topic} ({site})",
        url=url,
        cancelled=session.status == SessionStatus.CANCELLED,
    )


def events_for(user: User, now: datetime) -> Iterator[CalendarEvent]:
    """The calendar source: ``user``'s group sessions ahead. Cancelled ones stay in,
    marked cancelled, so subscribed calendars drop them rather than keep a stale copy."""
    for session in calendar_for(user, now):
        yield session_event(session)
