"""iCalendar (RFC 5545) text for group sessions, with the bookings app's writers.

Only the group's topic appears in it: no handles of other members, no norms.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings

from kindred.bookings.ics import escape, fold_line, stamp
from kindred.groups.models import GroupSession, SessionStatus


def session_event(session: GroupSession, now: datetime, *, url: str = "") -> list[str]:
    """One VEVENT (as unfolded lines) for ``session``; ``url`` is its page."""
    site = getattr(settings, "SITE_NAME", "Kindred")
    lines = [
        "BEGIN:VEVENT",
        f"UID:group-session-{session.pk}@{escape(site.lower())}",
        f"DTSTAMP:{stamp(now)}",
        f"DTSTART:{stamp(session.starts_at)}",
        f"DTEND:{stamp(session.ends_at)}",
        f"SUMMARY:{escape(f'Group: {session.group.topic} ({site})')}",
        "STATUS:" + ("CANCELLED" if session.status == SessionStatus.CANCELLED else "CONFIRMED"),
    ]
    if url:
        lines.append(f"URL:{url}")
    lines.append("END:VEVENT")
    return lines


def calendar(
    sessions: Iterable[GroupSession],
    now: datetime,
    *,
    name: str = "",
    urls: dict[int, str] | None = None,
) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Kindred//Groups//EN"]
    lines += ["CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    if name:
        lines.append(f"X-WR-CALNAME:{escape(name)}")
    for session in sessions:
        lines += session_event(session, now, url=(urls or {}).get(session.pk, ""))
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + "\r\n" for line in lines)


def folded(lines: Iterable[str]) -> str:
    """Lines as they go into a calendar file (for a feed that merges several sources)."""
    return "".join(fold_line(line) + "\r\n" for line in lines)
