"""The calendar module: its source registry and the files it writes with icalendar."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from kindred.core import calendar
from kindred.core.calendar import CalendarEvent

NOW = datetime(2030, 1, 8, 12, 0, tzinfo=UTC)


def event(uid: str, hours: int = 1, **kwargs) -> CalendarEvent:
    start = NOW + timedelta(hours=hours)
    return CalendarEvent(uid=uid, starts_at=start, ends_at=start + timedelta(hours=1), **kwargs)


@pytest.fixture
def sources(monkeypatch):
    """Register test sources; the apps' own registry is back as it was afterwards."""

    # An empty registry of their own, so the apps' sources (which need a database) stay out.
    monkeypatch.setattr(calendar, "_sources", {})
    yield calendar.register_source


def parsed(text: str) -> Calendar:
    return Calendar.from_ical(text)


def test_the_apps_register_their_sources():
    assert {"bookings", "groups"} <= set(calendar.source_names())


def test_calendar_for_gathers_every_source_soonest_first(sources):
    sources("test-a", lambda user, now: [event("late@test", hours=5, summary="Late")])
    sources("test-b", lambda user, now: [event("soon@test", hours=2, summary="Soon")])
    found = calendar.events_for(object(), NOW, sources=["test-a", "test-b"])
    assert [e.uid for e in found] == ["soon@test", "late@test"]
    text = calendar.calendar_for(object(), NOW, name="Mine", sources=["test-a", "test-b"])
    cal = parsed(text)
    assert str(cal["X-WR-CALNAME"]) == "Mine"
    assert [str(e["UID"]) for e in cal.walk("VEVENT")] == ["soon@test", "late@test"]


def test_a_source_is_asked_with_the_user_and_the_time(sources):
    calls = []
    sources("test-a", lambda user, now: calls.append((user, now)) or [])
    user = object()
    calendar.calendar_for(user, NOW, sources=["test-a"])
    assert calls == [(user, NOW)]


def test_only_the_named_sources_are_asked(sources):
    sources("test-a", lambda user, now: [event("a@test", summary="A")])
    sources("test-b", lambda user, now: pytest.fail("not asked for"))
    assert [e.uid for e in calendar.events_for(None, NOW, sources=["test-a"])] == ["a@test"]


def test_all_sources_are_asked_when_none_are_named(sources):
    sources("test-a", lambda user, now: [event("a@test", summary="A")])
    sources("test-b", lambda user, now: [event("b@test", hours=0, summary="B")])
    assert calendar.source_names() == ["test-a", "test-b"]
    assert [e.uid for e in calendar.events_for(None, NOW)] == ["b@test", "a@test"]


def test_registering_a_name_again_replaces_it_and_unregistering_removes_it(sources):
    sources("test-a", lambda user, now: [event("old@test", summary="Old")])
    sources("test-a", lambda user, now: [event("new@test", summary="New")])
    assert [e.uid for e in calendar.events_for(None, NOW, sources=["test-a"])] == ["new@test"]
    calendar.unregister_source("test-a")
    assert "test-a" not in calendar.source_names()
    calendar.unregister_source("test-a")  # a second time is harmless
    with pytest.raises(KeyError):
        calendar.events_for(None, NOW, sources=["test-a"])


def test_special_characters_round_trip_through_icalendar():
    summary = 'Line one\r\nline two; with, commas \\ and a backslash "quoted"'
    description = "Bring: tea, biscuits; a pen\\paper\r\nand yourself"
    text = calendar.render(
        [event("x@test", summary=summary, description=description)], NOW, name="A, b; c\\d"
    )
    # The line breaks are escaped, never raw: every physical line ends in CRLF.
    assert "\n" not in text.replace("\r\n", "") and "\r" not in text.replace("\r\n", "")
    cal = parsed(text)
    (vevent,) = cal.walk("VEVENT")
    # RFC 5545 has one escaped line break, \n, so CRLF reads back as LF.
    assert str(vevent["SUMMARY"]) == summary.replace("\r\n", "\n")
    assert str(vevent["DESCRIPTION"]) == description.replace("\r\n", "\n")
    # icalendar reads an X- property back raw, so the name is checked as written.
    assert "X-WR-CALNAME:A\\, b\\; c\\\\d\r\n" in text
    assert "SUMMARY:Line one\\nline two\\; with\\, commas \\\\ and" in text.replace("\r\n ", "")


def test_a_lone_carriage_return_is_escaped_too():
    text = calendar.render([event("x@test", summary="one\rtwo")], NOW)
    assert "\r" not in text.replace("\r\n", "")
    (vevent,) = parsed(text).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "one\ntwo"


def test_long_lines_are_folded_at_75_octets():
    summary = "Ünïcödé topic " * 12
    text = calendar.render([event("x@test", summary=summary)], NOW)
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    (vevent,) = parsed(text).walk("VEVENT")
    assert str(vevent["SUMMARY"]) == summary


def test_times_are_written_in_utc_with_a_stamp():
    paris = ZoneInfo("Europe/Paris")
    start = datetime(2030, 6, 1, 18, 30, tzinfo=paris)
    happening = CalendarEvent(
        uid="x@test", starts_at=start, ends_at=start + timedelta(minutes=50), summary="S"
    )
    text = calendar.render([happening], NOW.astimezone(paris))
    unfolded = text.replace("\r\n ", "")
    assert "DTSTART:20300601T163000Z\r\n" in unfolded
    assert "DTEND:20300601T172000Z\r\n" in unfolded
    assert "DTSTAMP:20300108T120000Z\r\n" in unfolded
    assert "TZID" not in text and "VTIMEZONE" not in text


def test_a_naive_time_is_refused():
    naive = CalendarEvent(
        uid="x@test", starts_at=datetime(2030, 1, 1), ends_at=datetime(2030, 1, 2), summary="S"
    )
    with pytest.raises(ValueError):
        calendar.render([naive], NOW)


def test_status_url_and_the_calendar_header():
    text = calendar.render(
        [
            event("on@test", summary="On", url="https://x.test/on"),
            event("off@test", hours=2, summary="Off", cancelled=True),
        ],
        NOW,
    )
    cal = parsed(text)
    assert str(cal["VERSION"]) == "2.0" and str(cal["PRODID"]) == calendar.PRODID
    assert str(cal["METHOD"]) == "PUBLISH" and "X-WR-CALNAME" not in cal
    on, off = cal.walk("VEVENT")
    assert (str(on["STATUS"]), str(on["URL"])) == ("CONFIRMED", "https://x.test/on")
    assert str(off["STATUS"]) == "CANCELLED" and "URL" not in off
    assert "DESCRIPTION" not in on
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
