"""iCalendar (RFC 5545) files, written with the ``icalendar`` library; all times in UTC.

Apps with something to put in a person's calendar register an event source from their
``AppConfig.ready``::

    register_source("bookings", calendar.events_for)

A source answers ``(user, now)`` with :class:`CalendarEvent` values and decides what
the person sees: the calendar module knows no models. :func:`calendar_for` gathers
every source (or the ones named) into one file for a subscription feed; :func:`render`
writes given events, e.g. one session for an email attachment or a download.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from icalendar import Calendar, Event, vText

if TYPE_CHECKING:
    from kindred.accounts.models import User

PRODID = "-//Kindred//Calendar//EN"


@dataclass(frozen=True)
class CalendarEvent:
    """One VEVENT. ``uid`` must stay the same for the life of the thing it describes,
    so a subscribed calendar updates the event (or marks it cancelled) in place."""

    uid: str
    starts_at: datetime
    ends_at: datetime
    summary: str
    description: str = ""
    url: str = ""
    cancelled: bool = False


EventSource = Callable[["User", datetime], Iterable[CalendarEvent]]

_sources: dict[str, EventSource] = {}


def register_source(name: str, source: EventSource) -> None:
    _sources[name] = source


def unregister_source(name: str) -> None:
    """Remove a source (tests register their own and must take them away again)."""
    _sources.pop(name, None)


def source_names() -> list[str]:
    return list(_sources)


def events_for(
    user: User, now: datetime, *, sources: Iterable[str] | None = None
) -> list[CalendarEvent]:
    """The events of every registered source, or of the ``sources`` named, soonest first.

    An unknown name is a programming error, so it raises ``KeyError``.
    """
    chosen = list(_sources) if sources is None else list(sources)
    events = [event for name in chosen for event in _sources[name](user, now)]
    return sorted(events, key=lambda e: (e.starts_at, e.uid))


def calendar_for(
    user: User, now: datetime, *, name: str = "", sources: Iterable[str] | None = None
) -> str:
    """A whole calendar file for ``user``'s feed."""
    return render(events_for(user, now, sources=sources), now, name=name)


def _utc(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise ValueError("Calendar times must be timezone-aware.")
    # Plain UTC, so icalendar writes ``...Z`` and no VTIMEZONE is needed.
    return at.astimezone(UTC)


def _vevent(event: CalendarEvent, now: datetime) -> Event:
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", _utc(now))
    vevent.add("dtstart", _utc(event.starts_at))
    vevent.add("dtend", _utc(event.ends_at))
    vevent.add("summary", event.summary)
    if event.description:
        vevent.add("description", event.description)
    vevent.add("status", "CANCELLED" if event.cancelled else "CONFIRMED")
    if event.url:
        vevent.add("url", event.url)
    return vevent


def render(events: Iterable[CalendarEvent], now: datetime, *, name: str = "") -> str:
    """``events`` as the text of a calendar file (CRLF lines, folded at 75 octets).

    A line break in a text value, however written (``\\r\\n``, ``\\r`` or ``\\n``), is
    written as ``\\n``: the one form RFC 5545 has, so it reads back as ``"\\n"``.
    """
    cal = Calendar()
    cal.add("version", "2.0")
    cal.add("prodid", PRODID)
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    if name:
        # An X- property is written raw unless it is told it is text.
        cal.add("x-wr-calname", vText(name))
    for event in events:
        cal.add_component(_vevent(event, now))
    return cal.to_ical().decode()
