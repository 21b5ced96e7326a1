"""The export's part about bookings and availability (see kindred/core/export.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kindred.accounts.models import User
from kindred.bookings.models import AvailabilityException, Booking, CalendarFeed, WeeklyAvailability
from kindred.core.export import EXPORT_SECTIONS, ExportSection, handle_of


def export_for(user: User) -> dict[str, Any]:
    as_member = [
        {
            "therapist": handle_of(b.therapist),
            "starts_at": b.starts_at,
            "ends_at": b.ends_at,
            "status": b.status,
            "created_at": b.created_at,
            "cancelled_at": b.cancelled_at,
            "cancelled_by_you": b.cancelled_by_id == user.pk,
            "attendance_marked_at": b.attendance_marked_at,
        }
        for b in Booking.objects.filter(member=user)
        .select_related("therapist")
        .order_by("starts_at", "pk")
    ]
    # A therapist's own calendar: when and what state, not who the client is (that is
    # the client's data, in their export).
    as_therapist = list(
        Booking.objects.filter(therapist=user)
        .order_by("starts_at", "pk")
        .values("starts_at", "ends_at", "status", "created_at", "cancelled_at")
    )
    return {
        "bookings": as_member,
        "sessions_given": as_therapist,
        "weekly_availability": list(
            WeeklyAvailability.objects.filter(therapist=user).values(
                "weekday",
                "start_time",
                "end_time",
                "timezone",
                "session_minutes",
                "buffer_minutes",
            )
        ),
        "availability_exceptions": list(
            AvailabilityException.objects.filter(therapist=user).values(
                "kind", "starts_at", "ends_at"
            )
        ),
        # The public part of each feed address; only a hash of the secret is kept.
        "calendar_feeds": list(
            CalendarFeed.objects.filter(user=user)
            .order_by("created_at", "pk")
            .values("public_id", "created_at", "last_used_at", "revoked_at")
        ),
    }


EXPORT_SECTIONS.register(
    "bookings",
    ExportSection(
        title=_("Bookings"),
        export_for=export_for,
        parts={
            "bookings": _("Your therapy bookings"),
            "sessions_given": _("Sessions you give (as a therapist)"),
            "weekly_availability": _("Your weekly availability"),
            "availability_exceptions": _("Time off and extra sessions"),
            "calendar_feeds": _("Calendar feeds"),
        },
        covers=(
            "bookings.Booking.member",
            "bookings.Booking.therapist",
            "bookings.Booking.cancelled_by",
            "bookings.WeeklyAvailability.therapist",
            "bookings.AvailabilityException.therapist",
            "bookings.CalendarFeed.user",
        ),
    ),
)
