"""Turning weekly availability into bookable UTC instants.

The DST rule (deliberate, and tested for Europe/London and America/New_York):

* A rule's times are wall-clock times in the rule's zone. "Tuesday 18:00
  Europe/London" is 17:00 UTC in summer and 18:00 UTC in winter.
* A start time that does not exist that day (inside the spring-forward gap, e.g.
  01:30 in London on the last Sunday of March) is **skipped**, not shifted: moving
  it to 02:30 would collide with the next slot and promise a time nobody chose.
* A start time that happens twice (fall-back, e.g. 01:30 in New York on the first
  Sunday of November) is offered **once, at its first occurrence** (``fold=0``,
  still on summer time).
* Sessions last real minutes: the end is start + ``session_minutes`` in UTC, so a
  session that spans a transition is still 50 minutes long. A generated slot that
  would then overlap the previous one (start + session + buffer) is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from kindred.accounts.models import User
from kindred.bookings.models import (
    OCCUPYING,
    AvailabilityException,
    Booking,
    ExceptionKind,
    WeeklyAvailability,
)


@dataclass(frozen=True, order=True)
class Slot:
    starts_at: datetime
    ends_at: datetime


def local_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime | None:
    """The UTC instant of wall-clock ``at`` on ``day`` in ``zone``; None if it does
    not exist (spring-forward gap); the first occurrence if it happens twice."""
    naive = datetime.combine(day, at)
    first = naive.replace(tzinfo=zone, fold=0)
    as_utc = first.astimezone(UTC)
    # A time in the gap does not survive the round trip back to wall-clock time.
    if as_utc.astimezone(zone).replace(tzinfo=None) != naive:
        return None
    return as_utc


def _rule_slots(rule: WeeklyAvailability, day: date) -> list[Slot]:
    zone = ZoneInfo(rule.timezone)
    session = timedelta(minutes=rule.session_minutes)
    step = session + timedelta(minutes=rule.buffer_minutes)
    window_end = datetime.combine(day, rule.end_time)
    wall = datetime.combine(day, rule.start_time)
    slots: list[Slot] = []
    last_free_at: datetime | None = None
    while wall + session <= window_end:
        start = local_to_utc(day, wall.time(), zone)
        if start is not None and (last_free_at is None or start >= last_free_at):
            slots.append(Slot(start, start + session))
            last_free_at = start + step
        wall += step
    return slots


def candidate_slots(therapist: User, start: datetime, end: datetime) -> list[Slot]:
    """Slots starting in [start, end) from the availability, ignoring bookings."""
    rules = list(WeeklyAvailability.objects.filter(therapist=therapist))
    exceptions = list(
        AvailabilityException.objects.filter(
            therapist=therapist, ends_at__gt=start - timedelta(days=1), starts_at__lt=end
        )
    )
    return _candidates(rules, exceptions, start, end)


def _candidates(
    rules: list[Any], exceptions: list[Any], start: datetime, end: datetime
) -> list[Slot]:
    found: set[Slot] = set()
    for rule in rules:
        zone = ZoneInfo(rule.timezone)
        # Local dates that can hold a slot starting in [start, end).
        day = start.astimezone(zone).date() - timedelta(days=1)
        last = end.astimezone(zone).date() + timedelta(days=1)
        while day <= last:
            if day.weekday() == rule.weekday:
                found.update(_rule_slots(rule, day))
            day += timedelta(days=1)
    for exc in exceptions:
        if exc.kind == ExceptionKind.EXTRA:
            found.add(Slot(exc.starts_at, exc.ends_at))
    offs = [e for e in exceptions if e.kind == ExceptionKind.OFF]
    return sorted(
        s
        for s in found
        if start <= s.starts_at < end
        and not any(s.starts_at < o.ends_at and o.starts_at < s.ends_at for o in offs)
    )


def free_slots_for_many(
    therapist_ids: list[int], start: datetime, end: datetime, *, limit: int = 1
) -> dict[int, list[Slot]]:
    """The first ``limit`` bookable slots in [start, end) of each therapist (user ids).

    Three queries however many therapists, so a page listing therapists with their
    next free time costs the same for one as for twenty. Therapists with no free slot
    are left out of the result.
    """
    rules: dict[int, list[Any]] = {}
    for rule in WeeklyAvailability.objects.filter(therapist_id__in=therapist_ids):
        rules.setdefault(rule.therapist_id, []).append(rule)
    exceptions: dict[int, list[Any]] = {}
    for exc in AvailabilityException.objects.filter(
        therapist_id__in=therapist_ids, ends_at__gt=start - timedelta(days=1), starts_at__lt=end
    ):
        exceptions.setdefault(exc.therapist_id, []).append(exc)
    taken: dict[int, list[tuple[datetime, datetime]]] = {}
    for therapist_id, t_start, t_end in Booking.objects.filter(
        therapist_id__in=therapist_ids,
        status__in=OCCUPYING,
        ends_at__gt=start,
        starts_at__lt=end + timedelta(days=1),
    ).values_list("therapist_id", "starts_at", "ends_at"):
        taken.setdefault(therapist_id, []).append((t_start, t_end))
    free: dict[int, list[Slot]] = {}
    for therapist_id in set(rules) | set(exceptions):
        booked = taken.get(therapist_id, [])
        for slot in _candidates(
            rules.get(therapist_id, []), exceptions.get(therapist_id, []), start, end
        ):
            if not any(
                slot.starts_at < b_end and b_start < slot.ends_at for b_start, b_end in booked
            ):
                found = free.setdefault(therapist_id, [])
                found.append(slot)
                if len(found) >= limit:
                    break
    return free


def therapists_with_free_slots(
    therapist_ids: list[int], start: datetime, end: datetime
) -> set[int]:
    """Which of these therapists (user ids) have at least one bookable slot in [start, end).

    Three queries however many therapists: the directory filters on this.
    """
    return set(free_slots_for_many(therapist_ids, start, end))


def slots_for(therapist: User, start: datetime, end: datetime) -> list[Slot]:
    """Bookable slots starting in [start, end): the availability minus bookings."""
    taken = list(
        Booking.objects.filter(
            therapist=therapist,
            status__in=OCCUPYING,
            ends_at__gt=start,
            starts_at__lt=end + timedelta(days=1),
        ).values_list("starts_at", "ends_at")
    )
    return [
        s
        for s in candidate_slots(therapist, start, end)
        if not any(s.starts_at < t_end and t_start < s.ends_at for t_start, t_end in taken)
    ]
