"""iCalendar (RFC 5545) text, written by hand: a handful of properties, all UTC.

Only handles appear in it, never a legal name or an email address.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings

from kindred.bookings.models import Booking, BookingStatus


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold_line(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space."""
    out: list[str] = []
    current = b""
    for char in line:
        encoded = char.encode()
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode())
            current = b""
        current += encoded
    out.append(current.decode())
    return "\r\n ".join(out)


def stamp(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _event(booking: Booking, viewer: Any, now: datetime) -> list[str]:
    if viewer.pk == booking.therapist_id:
        summary = f"Session with {booking.member.handle}"
    else:
        summary = f"Therapy session with {booking.therapist.handle}"
    site = getattr(settings, "SITE_NAME", "Kindred")
    return [
        "BEGIN:VEVENT",
        f"UID:booking-{booking.pk}@{escape(site.lower())}",
        f"DTSTAMP:{stamp(now)}",
        f"DTSTART:{stamp(booking.starts_at)}",
        f"DTEND:{stamp(booking.ends_at)}",
        f"SUMMARY:{escape(f'{summary} ({site})')}",
        "STATUS:" + ("CONFIRMED" if booking.status == BookingStatus.BOOKED else "CANCELLED"),
        "END:VEVENT",
    ]


def calendar(
    bookings: Iterable[Booking],
    viewer: Any,
    now: datetime,
    *,
    name: str = "",
    extra_events: Iterable[list[str]] = (),
) -> str:
    """A calendar of ``bookings``; ``extra_events`` are other apps' VEVENTs (unfolded
    lines), so one subscription covers a person's group sessions too."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Kindred//Bookings//EN"]
    lines += ["CALSCALE:GREGORIAN", "METHOD:PUBLISH"]
    if name:
        lines.append(f"X-WR-CALNAME:{escape(name)}")
    for booking in bookings:
        lines += _event(booking, viewer, now)
    for event in extra_events:
        lines += event
    lines.append("END:VCALENDAR")
    return "".join(fold_line(line) + "\r\n" for line in lines)
