"""Groups and sessions for tests, built through the real actions where it matters."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from kindred.groups import actions
from kindred.groups.models import Group, GroupFormat, GroupSession


def make_group(
    facilitator: Any,
    space: Any,
    *,
    format: str = GroupFormat.OPEN,
    capacity: int = 8,
    recurrence: str = "FREQ=WEEKLY;BYDAY=TU",
    first: datetime | None = None,
    tz: str = "Europe/London",
    quorum: int = 3,
    topic: str = "Living with anxiety",
    now: datetime | None = None,
) -> Group:
    return actions.do_create_group(
        facilitator,
        actions.GroupSpec(
            space=space,
            topic=topic,
            description="A weekly evening group for people living with anxiety.",
            format=format,
            capacity=capacity,
            recurrence=recurrence,
            first_starts_at_local=first or datetime(2026, 1, 6, 19, 0),
            timezone=tz,
            session_minutes=90,
            quorum=quorum,
        ),
        now=now,
    )


def make_session(group: Group, *, starts_in: timedelta = timedelta(minutes=10)) -> GroupSession:
    """A session starting soon (so its room may open now)."""
    starts_at = timezone.now().replace(microsecond=0) + starts_in
    return GroupSession.objects.create(
        group=group,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=group.session_minutes),
    )
