"""Helpers for care tests: a test team source and group timeline, a treating booking.

Sources registered here are process-wide, so every helper takes them away again
(``unregister_*``) when the test ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.utils import timezone

from kindred.bookings.models import Booking, BookingStatus
from kindred.care import sources
from kindred.care.sources import TeamEntry, TimelineItem


def book(
    member: Any, therapist: Any, *, days: int = 3, status: str = BookingStatus.BOOKED
) -> Booking:
    """A booking that makes ``therapist`` treat ``member`` (upcoming, or attended if past)."""
    start = timezone.now() + timedelta(days=days)
    return Booking.objects.create(
        member=member,
        therapist=therapist,
        starts_at=start,
        ends_at=start + timedelta(minutes=50),
        status=status,
    )


class TestTeam:
    """A registered team source: ``add(member, person, relation)`` puts someone on a
    member's team; ``remove`` takes them off (as an ended connection would)."""

    __test__ = False
    name = "test_team"

    def __init__(self) -> None:
        self.people: dict[int, list[tuple[Any, str]]] = {}

    def add(self, member: Any, person: Any, relation: str = "peer_supporter") -> None:
        self.people.setdefault(member.pk, []).append((person, relation))

    def remove(self, member: Any, person: Any) -> None:
        self.people[member.pk] = [p for p in self.people.get(member.pk, []) if p[0] != person]

    def __call__(self, member: Any) -> list[TeamEntry]:
        return [
            TeamEntry(person=person, relation=relation, detail="Test connection")
            for person, relation in self.people.get(member.pk, [])
        ]


@contextmanager
def registered_team() -> Iterator[TestTeam]:
    team = TestTeam()
    sources.register_team_source(team.name, team)
    try:
        yield team
    finally:
        sources.unregister_team_source(team.name)


class TestGroups:
    """A registered timeline source of attended group sessions."""

    __test__ = False
    name = "test_groups"

    def __init__(self) -> None:
        self.items: dict[int, list[TimelineItem]] = {}

    def attend(self, member: Any, title: str = "Tuesday evening circle", days_ago: int = 2) -> None:
        when = timezone.now() - timedelta(days=days_ago)
        self.items.setdefault(member.pk, []).append(
            TimelineItem(when=when, kind="group", title=title, detail="Attended")
        )

    def __call__(self, member: Any) -> list[TimelineItem]:
        return list(self.items.get(member.pk, []))


@contextmanager
def registered_groups() -> Iterator[TestGroups]:
    groups = TestGroups()
    sources.register_timeline_source(groups.name, groups)
    try:
        yield groups
    finally:
        sources.unregister_timeline_source(groups.name)
