"""The care app's own sources: therapists and sessions (bookings), questionnaire
results (measures) and treatment-plan changes (plans), registered from ``CareConfig.ready``
like the groups and peers apps register theirs."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.models import User
from kindred.bookings.models import Booking, BookingStatus
from kindred.bookings.relationships import treating_therapists
from kindred.consent import sources
from kindred.consent.sources import TeamEntry, TimelineItem
from kindred.measures.definitions import get_library
from kindred.measures.models import Response
from kindred.plans.models import PlanVersion

# A timeline is for reading, not an archive: each source gives its newest items.
PER_SOURCE = 200
SESSION_STATUSES = (BookingStatus.BOOKED, BookingStatus.ATTENDED)


def therapist_team(member: User) -> Iterable[TeamEntry]:
    return [
        TeamEntry(
            person=therapist,
            relation="therapist",
            detail="Your therapist (sessions booked through Kindred)",
            url=reverse("my_therapists"),
        )
        for therapist in treating_therapists(member)
    ]


def session_timeline(member: User) -> Iterable[TimelineItem]:
    bookings = (
        Booking.objects.filter(member=member, status__in=SESSION_STATUSES)
        .select_related("therapist")
        .order_by("-starts_at")[:PER_SOURCE]
    )
    now = timezone.now()
    return [
        TimelineItem(
            when=b.starts_at,
            kind="session",
            title=(
                f"Session with {b.therapist.handle}"
                if b.starts_at <= now
                else f"Upcoming session with {b.therapist.handle}"
            ),
            detail=str(b.get_status_display()),
            url=reverse("bookings_home"),
        )
        for b in bookings
    ]


def measure_timeline(member: User) -> Iterable[TimelineItem]:
    library = get_library()
    rows = (
        Response.objects.filter(member=member)
        .order_by("-created_at", "-id")
        .values_list("id", "instrument_id", "created_at", "total")[:PER_SOURCE]
    )
    items = []
    for pk, instrument_id, created_at, total in rows:
        definition = library.get(instrument_id)
        name = definition.name if definition else instrument_id
        items.append(
            TimelineItem(
                when=created_at,
                kind="measure",
                title=f"{name} check-in",
                detail=f"Score {total}",
                url=reverse("measures_result", args=[pk]),
            )
        )
    return items


def plan_timeline(member: User) -> Iterable[TimelineItem]:
    versions = (
        PlanVersion.objects.filter(plan__member=member)
        .select_related("author")
        .defer("content", "summary")
        .order_by("-created_at")[:PER_SOURCE]
    )
    return [
        TimelineItem(
            when=v.created_at,
            kind="plan",
            title="Treatment plan written" if v.number == 1 else "Treatment plan updated",
            detail=f"Version {v.number}, by {v.author.handle}",
            url=reverse("my_plan", args=[v.plan_id]),
        )
        for v in versions
    ]


def therapy_members() -> Iterable[int]:
    """Members who have (or have had) a treating therapist: an attended session, or one
    booked and still to come. Cancelled-only bookings are not therapy."""
    now = timezone.now()
    return set(
        Booking.objects.filter(
            Q(status=BookingStatus.ATTENDED) | Q(status=BookingStatus.BOOKED, ends_at__gt=now)
        )
        .order_by()
        .values_list("member_id", flat=True)
        .distinct()
    )


def register() -> None:
    sources.register_team_source("bookings", therapist_team)
    sources.register_timeline_source("bookings", session_timeline)
    sources.register_timeline_source("measures", measure_timeline)
    sources.register_timeline_source("plans", plan_timeline)
    sources.register_service_source("bookings", sources.SERVICE_THERAPY, therapy_members)
