from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from kindred.bookings.feeds import do_create_calendar_feed
from kindred.core import calendar
from kindred.groups import actions
from kindred.groups.calendar import session_event
from tests.groups.factories import make_session

REQUIRED = ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY")


def assert_valid_ics(body: str) -> list[dict[str, str]]:
    """RFC 5545 shape: CRLF lines of at most 75 octets, balanced blocks, required properties."""
    assert body.endswith("\r\n")
    raw_lines = body.split("\r\n")[:-1]
    assert all(len(line.encode()) <= 75 for line in raw_lines)
    assert "\n" not in body.replace("\r\n", "")
    lines: list[str] = []
    for line in raw_lines:
        if line.startswith(" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    events: list[dict[str, str]] = []
    current: dict[str, str] | None = None
    for line in lines[1:-1]:
        if line == "BEGIN:VEVENT":
            assert current is None
            current = {}
        elif line == "END:VEVENT":
            assert current is not None
            for prop in REQUIRED:
                assert prop in current, prop
            for prop in ("DTSTAMP", "DTSTART", "DTEND"):
                assert re.fullmatch(r"\d{8}T\d{6}Z", current[prop])
            events.append(current)
            current = None
        elif current is not None:
            name, _, value = line.partition(":")
            current[name] = value
    assert current is None
    return events


def test_a_session_calendar_is_valid_and_names_only_the_topic(group, session):
    group.topic = "Grief, loss; and a very long topic name that needs folding across lines"
    group.save()
    session.refresh_from_db()
    events = assert_valid_ics(
        calendar.render([session_event(session, url="https://x.test/s")], timezone.now())
    )
    assert len(events) == 1
    assert events[0]["UID"] == f"group-session-{session.pk}@kindred"
    assert "Grief\\, loss\\; and" in events[0]["SUMMARY"]
    assert events[0]["DTSTART"] == session.starts_at.strftime("%Y%m%dT%H%M%SZ")


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 302),
        ("member2", 404),
        ("moderator", 404),
        ("member", 200),
        ("facilitator", 200),
    ],
)
def test_session_ics_endpoint_permissions(client, request, who, status, group, session, member):
    actions.do_join(member, group, session)
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    response = client.get(f"/groups/sessions/{session.pk}/calendar.ics")
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"].startswith("text/calendar")
        assert len(assert_valid_ics(response.content.decode())) == 1


def test_the_feed_url_lists_my_upcoming_group_sessions(client, group, session, member, member2):
    actions.do_join(member, group, session)
    make_session(group, starts_in=timedelta(days=2))
    token = do_create_calendar_feed(member)
    response = client.get(f"/groups/calendar/{token}.ics")
    assert response.status_code == 200
    events = assert_valid_ics(response.content.decode())
    assert [e["UID"] for e in events] == [f"group-session-{session.pk}@kindred"]
    assert client.get(f"/groups/calendar/{token[:-2]}xx.ics").status_code == 404
    assert client.get("/groups/calendar/nonsense.ics").status_code == 404


def test_the_personal_calendar_feed_includes_my_group_sessions(client, group, session, member):
    """One subscription covers therapy sessions and group sessions alike."""
    actions.do_join(member, group, session)
    token = do_create_calendar_feed(member)
    response = client.get(f"/calendar/{token}.ics")
    assert response.status_code == 200
    events = assert_valid_ics(response.content.decode())
    assert [e["UID"] for e in events] == [f"group-session-{session.pk}@kindred"]


def test_a_cancelled_session_stays_in_the_feed_marked_cancelled(
    client, group, session, member, facilitator
):
    actions.do_join(member, group, session)
    actions.do_cancel_session(facilitator, session, "Facilitator unwell")
    token = do_create_calendar_feed(member)
    events = assert_valid_ics(client.get(f"/groups/calendar/{token}.ics").content.decode())
    assert [(e["UID"], e["STATUS"]) for e in events] == [
        (f"group-session-{session.pk}@kindred", "CANCELLED")
    ]
    assert "unwell" not in client.get(f"/groups/calendar/{token}.ics").content.decode()
    # The personal feed (therapy and groups together) says the same.
    personal = assert_valid_ics(client.get(f"/calendar/{token}.ics").content.decode())
    assert [(e["UID"], e["STATUS"]) for e in personal] == [
        (f"group-session-{session.pk}@kindred", "CANCELLED")
    ]
    client.force_login(member)
    one = assert_valid_ics(
        client.get(f"/groups/sessions/{session.pk}/calendar.ics").content.decode()
    )
    assert one[0]["STATUS"] == "CANCELLED"
