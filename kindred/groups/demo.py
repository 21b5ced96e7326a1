"""Demo groups run by the "facilitator" persona, so the groups pages are not empty."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from kindred.accounts.demo import DemoContext
from kindred.accounts.models import User
from kindred.community.models import Space
from kindred.groups.actions import GroupSpec, do_create_group, do_join, upcoming_sessions
from kindred.groups.models import Group, GroupFormat


def _specs(today: datetime) -> list[tuple[str, dict[str, Any]]]:
    start = datetime.combine(today.date(), datetime.min.time())
    return [
        (
            "depression-anxiety",
            {
                "topic": "Tuesday evening: living with anxiety",
                "description": "A weekly drop-in for anyone living with anxiety or low mood. "
                "Come when you can; listening without sharing is welcome.",
                "format": GroupFormat.OPEN,
                "capacity": 10,
                "recurrence": "FREQ=WEEKLY;BYDAY=TU",
                "first_starts_at_local": start.replace(hour=19),
                "session_minutes": 90,
            },
        ),
        (
            "addiction-recovery",
            {
                "topic": "Early recovery circle (8 weeks)",
                "description": "A closed group for people in their first months of recovery: the "
                "same small group every Saturday morning for eight weeks.",
                "format": GroupFormat.COHORT,
                "capacity": 8,
                "recurrence": "FREQ=WEEKLY;BYDAY=SA;COUNT=8",
                "first_starts_at_local": start.replace(hour=10) + timedelta(days=1),
                "session_minutes": 75,
            },
        ),
        (
            "grief-loss",
            {
                "topic": "Pop-up: first year after a loss",
                "description": "Opens as soon as three people say they would come. Sunday afternoons.",
                "format": GroupFormat.POPUP,
                "capacity": 6,
                "recurrence": "FREQ=WEEKLY;BYDAY=SU",
                "first_starts_at_local": start.replace(hour=16),
                "session_minutes": 60,
                "quorum": 3,
            },
        ),
    ]


def create_demo_groups(users: dict[str, User]) -> int:
    """Three groups by the facilitator persona; the member personas have places. Idempotent."""
    facilitator = users["facilitator"]
    created = 0
    for slug, spec in _specs(timezone.now()):
        space = Space.objects.filter(slug=slug).first()
        if space is None or Group.objects.filter(topic=spec["topic"]).exists():
            continue
        group = do_create_group(
            facilitator, GroupSpec(space=space, timezone=facilitator.timezone, **spec)
        )
        created += 1
        if group.format == GroupFormat.OPEN:
            first = upcoming_sessions(group).first()
            if first is not None:
                do_join(users["member"], group, first)
                do_join(users["member2"], group, first)
        elif group.format == GroupFormat.COHORT:
            do_join(users["member"], group)
        else:
            do_join(users["member2"], group)
    return created


def load(ctx: DemoContext) -> None:
    ctx.say(f"Groups: {create_demo_groups(ctx.users)} demo group(s) created.")
