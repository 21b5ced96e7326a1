"""Bookings fixtures: a therapist with weekly availability, a controlled clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, time

import pytest

from kindred.bookings import actions
from kindred.bookings.directory import DIRECTORIES, DIRECTORY


@pytest.fixture(autouse=True)
def _therapists_are_listed(monkeypatch):
    """The directory listing belongs to the therapy app; here every therapist is
    listed unless a test says otherwise (``unlist``)."""
    listed: dict[int, bool] = {}
    installed = DIRECTORIES.get(DIRECTORY)
    monkeypatch.setitem(
        DIRECTORIES,
        DIRECTORY,
        replace(installed, is_listed=lambda user: listed.get(user.pk, True)),
    )
    yield listed


@pytest.fixture
def unlist(_therapists_are_listed):
    def _unlist(user):
        _therapists_are_listed[user.pk] = False

    return _unlist


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


# Monday 7 January 2030, 09:00 UTC: winter everywhere, far from any clock change.
NOW = utc(2030, 1, 7, 9, 0)


@pytest.fixture
def add_weekly():
    def _add(therapist, weekday, start="18:00", end="20:00", tz=None, session=50, buffer=10):
        if tz is not None:
            therapist.timezone = tz
            therapist.save(update_fields=["timezone"])
        h1, m1 = map(int, start.split(":"))
        h2, m2 = map(int, end.split(":"))
        return actions.do_add_weekly_availability(
            therapist,
            weekday=weekday,
            start_time=time(h1, m1),
            end_time=time(h2, m2),
            session_minutes=session,
            buffer_minutes=buffer,
        )

    return _add


@pytest.fixture
def tuesday_evenings(therapist, add_weekly):
    """dr_ellis: Tuesdays 18:00-20:00 London, two 50-minute sessions (18:00, 19:00)."""
    return add_weekly(therapist, 1, tz="Europe/London")


# Tuesday 8 January 2030, 18:00 London = 18:00 UTC.
SLOT = utc(2030, 1, 8, 18, 0)
SLOT2 = utc(2030, 1, 8, 19, 0)
