"""Demo availability: every demo therapist has free times from the moment the demo runs.

Weekly windows repeat, so there are free times over the next two weeks (and after)
whenever the demo was loaded. The hours differ per therapist, on their own clock, so
the directory's "next free time" and the booking page have something real to show.
"""

from __future__ import annotations

from datetime import time

from kindred.accounts.demo import DemoContext
from kindred.bookings.actions import do_add_weekly_availability
from kindred.bookings.models import WeeklyAvailability
from kindred.core.roles import Role

# (weekdays, start, end, session minutes, buffer minutes); Monday is 0.
SCHEDULES: tuple[tuple[tuple[int, ...], time, time, int, int], ...] = (
    ((0, 1, 2, 3, 4), time(9), time(17), 50, 10),
    ((0, 2, 4), time(8), time(13), 50, 10),
    ((1, 3, 5), time(10), time(18), 60, 15),
    ((0, 1, 2, 3), time(12), time(20), 50, 10),
    ((2, 3, 4, 5), time(9, 30), time(15, 30), 50, 10),
    ((0, 1, 3, 4, 6), time(7), time(11), 50, 10),
)


def create_demo_availability(ctx: DemoContext) -> int:
    """Weekly windows for each demo therapist without any yet. Idempotent."""
    therapists = sorted(
        (u for u in ctx.users.values() if u.has_role(Role.THERAPIST)), key=lambda u: u.pk
    )
    created = 0
    for index, therapist in enumerate(therapists):
        if WeeklyAvailability.objects.filter(therapist=therapist).exists():
            continue
        days, start, end, session, buffer = SCHEDULES[index % len(SCHEDULES)]
        for weekday in days:
            do_add_weekly_availability(
                therapist,
                weekday=weekday,
                start_time=start,
                end_time=end,
                session_minutes=session,
                buffer_minutes=buffer,
            )
            created += 1
    return created


def load(ctx: DemoContext) -> None:
    ctx.say(f"Bookings: {create_demo_availability(ctx)} demo weekly availability window(s) added.")
