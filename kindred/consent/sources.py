"""What other apps tell the care app about a member: their team, their timeline.

The care app must not import groups, peers or bookings models directly (they
would import it back for consent checks), so each app registers plain functions
here from its ``AppConfig.ready``. A source answers for one member and never
decides access: the care app's views do that before calling it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from kindred.core.registry import Registry

if TYPE_CHECKING:
    from kindred.accounts.models import User


@dataclass(frozen=True)
class TeamEntry:
    """Someone involved in a member's care."""

    person: User
    relation: str  # "therapist", "peer_supporter" or "facilitator"
    detail: str  # e.g. "Weekly sessions since March", "Tuesday evening group"
    since: datetime | None = None
    url: str | None = None


@dataclass(frozen=True)
class TimelineItem:
    """One thing that happened in a member's care, for their own timeline."""

    when: datetime
    kind: str  # "session", "group", "measure", "plan", "connection", …
    title: str
    detail: str = ""
    url: str | None = None


TeamSource = Callable[["User"], Iterable[TeamEntry]]
TimelineSource = Callable[["User"], Iterable[TimelineItem]]

TEAM_SOURCES = Registry[TeamSource]("care team sources")
TIMELINE_SOURCES = Registry[TimelineSource]("care timeline sources")


def register_team_source(name: str, source: TeamSource) -> None:
    TEAM_SOURCES.register(name, source)


def register_timeline_source(name: str, source: TimelineSource) -> None:
    TIMELINE_SOURCES.register(name, source)


def team_for(member: User) -> list[TeamEntry]:
    entries = [entry for source in TEAM_SOURCES.values() for entry in source(member)]
    return sorted(entries, key=lambda e: (e.relation, e.person.handle))


def timeline_for(member: User) -> list[TimelineItem]:
    items = [item for source in TIMELINE_SOURCES.values() for item in source(member)]
    return sorted(items, key=lambda i: i.when, reverse=True)


def unregister_team_source(name: str) -> None:
    """Remove a team source (tests register their own and must take them away again)."""
    TEAM_SOURCES.unregister(name)


def unregister_timeline_source(name: str) -> None:
    TIMELINE_SOURCES.unregister(name)


def timeline_of_kind(member: User, kind: str) -> list[TimelineItem]:
    """The member's timeline items of one kind (``"group"`` for group attendance)."""
    return [item for item in timeline_for(member) if item.kind == kind]


# --- Services, for the de-identified outcomes dashboard ------------------------------
#
# Which members use which kind of help. A service source takes no member: it returns
# the ids of every member who uses the service, in one query, so the dashboard's query
# count stays the same however many members there are.

SERVICE_THERAPY = "therapy"
SERVICE_PEER_SUPPORT = "peer_support"
SERVICES = (SERVICE_THERAPY, SERVICE_PEER_SUPPORT)

ServiceSource = Callable[[], Iterable[int]]

SERVICE_SOURCES = Registry[tuple[str, ServiceSource]]("care service sources")


def register_service_source(name: str, service: str, source: ServiceSource) -> None:
    """``service`` is :data:`SERVICE_THERAPY` or :data:`SERVICE_PEER_SUPPORT`; e.g. groups
    registers ("groups", SERVICE_PEER_SUPPORT, members_who_attended_a_group)."""
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}")
    SERVICE_SOURCES.register(name, (service, source))


def unregister_service_source(name: str) -> None:
    SERVICE_SOURCES.unregister(name)


def members_by_service() -> dict[str, set[int]]:
    """Member ids per service, one query per registered source."""
    result: dict[str, set[int]] = {service: set() for service in SERVICES}
    for service, source in SERVICE_SOURCES.values():
        result[service].update(source())
    return result
