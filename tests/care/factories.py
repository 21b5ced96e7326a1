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
from kindred.consent import sources
from kindred.consent.sources import TeamEntry, TimelineItem


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


def share_before_it_ends(client: Any, member: Any, grantee: Any, scope: str = "safety_plan") -> Any:
    """``member`` shares ``scope`` with ``grantee`` (on their team through a real
    relationship), and ``grantee`` can open it: the starting point of every
    "sharing ends with the relationship" test."""
    from kindred.consent.actions import do_grant

    grant = do_grant(member, grantee.pk, scope)
    client.force_login(grantee)
    assert client.get(f"/my/care/shared/{member.pk}/").status_code == 200
    assert client.get(f"/api/v1/care/shared/{member.pk}").status_code == 200
    return grant


def assert_sharing_ended(client: Any, member: Any, grantee: Any, reason: str) -> None:
    """Everything ``member`` shared with ``grantee`` ended for ``reason``: each grant
    says so, each end is audited with the reason, and the shared page and the API
    answer 404 as for someone who never shared."""
    from kindred.audit.models import AuditEvent
    from kindred.consent.models import ConsentGrant

    grants = list(ConsentGrant.objects.filter(member=member, grantee=grantee))
    assert grants
    assert {(g.status(), g.ended_reason) for g in grants} == {("ended", reason)}
    for grant in grants:
        event = AuditEvent.objects.get(event="care.grant.revoked", target_id=str(grant.pk))
        assert event.actor_id is None and event.changes["reason"] == reason
    client.force_login(grantee)
    assert client.get(f"/my/care/shared/{member.pk}/").status_code == 404
    assert client.get(f"/api/v1/care/shared/{member.pk}").status_code == 404
    assert client.get("/api/v1/care/shared").json() == []
