"""Availability and bookings. Every instant is stored in UTC.

Weekly availability is kept as wall-clock times in the therapist's IANA zone (the
zone is copied onto the rule), because "Tuesdays at 18:00" means 18:00 on the
therapist's clock whatever the season; :mod:`kindred.bookings.slots` turns it
into UTC instants date by date.
"""

from __future__ import annotations

import secrets
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class WeeklyAvailability(models.Model):
    """A recurring window, cut into sessions of ``session_minutes`` + ``buffer_minutes``."""

    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weekly_availability"
    )
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()
    timezone = models.CharField(max_length=64)
    session_minutes = models.PositiveSmallIntegerField(default=50)
    buffer_minutes = models.PositiveSmallIntegerField(default=10)
    created_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        ordering: ClassVar = ["weekday", "start_time"]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")),
                name="bookings_weekly_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(session_minutes__gte=10), name="bookings_weekly_session_min"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time}-{self.end_time} {self.timezone}"


class ExceptionKind(models.TextChoices):
    OFF = "off", _("Time off")
    EXTRA = "extra", _("Extra session")


class AvailabilityException(models.Model):
    """``off``: no sessions start or run inside [starts_at, ends_at).
    ``extra``: one bookable session exactly at [starts_at, ends_at)."""

    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="availability_exceptions"
    )
    kind = models.CharField(max_length=5, choices=ExceptionKind.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    created_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        ordering: ClassVar = ["starts_at"]
        indexes: ClassVar = [models.Index(fields=["therapist", "ends_at"])]
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="bookings_exception_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.starts_at:%Y-%m-%d %H:%M}"


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CANCELLED = "cancelled", _("Cancelled")
    CANCELLED_LATE = "cancelled_late", _("Cancelled late")
    ATTENDED = "attended", _("Attended")
    NO_SHOW = "no_show", _("Did not attend")


# Statuses that keep the therapist's time taken (a cancelled slot is free again).
OCCUPYING = (BookingStatus.BOOKED, BookingStatus.ATTENDED, BookingStatus.NO_SHOW)
# What a therapist may record once a session has started.
ATTENDANCE = (BookingStatus.ATTENDED, BookingStatus.NO_SHOW, BookingStatus.CANCELLED_LATE)


def new_link_secret() -> str:
    return secrets.token_urlsafe(16)


class Booking(models.Model):
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="therapist_bookings"
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="member_bookings"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    status = models.CharField(
        max_length=14, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )
    created_at = models.DateTimeField(default=now, editable=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attendance_marked_at = models.DateTimeField(null=True, blank=True)
    rescheduled_from = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="rescheduled_to"
    )
    # Set on every booking of the pair when the therapist discharges the member
    # (kindred.care.actions.do_discharge): from then on none of them makes the therapist
    # treat the member (kindred.bookings.relationships). A later booking starts afresh.
    discharged_at = models.DateTimeField(null=True, blank=True)
    # Part of the video link; never shown to anyone but the two participants.
    link_secret = models.CharField(max_length=32, default=new_link_secret, editable=False)

    class Meta:
        ordering: ClassVar = ["starts_at"]
        indexes: ClassVar = [
            models.Index(fields=["therapist", "starts_at"]),
            models.Index(fields=["member", "starts_at"]),
            models.Index(fields=["status", "starts_at"]),
        ]
        constraints: ClassVar = [
            # The database, not the application, is what makes double booking
            # impossible. PostgreSQL also gets exclusion constraints against
            # overlapping ranges (migration 0002).
            models.UniqueConstraint(
                fields=["therapist", "starts_at"],
                condition=Q(status="booked"),
                name="bookings_one_active_per_therapist_start",
            ),
            models.UniqueConstraint(
                fields=["member", "starts_at"],
                condition=Q(status="booked"),
                name="bookings_one_active_per_member_start",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="bookings_booking_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"booking {self.pk} {self.status}"

    @property
    def is_active(self) -> bool:
        return self.status == BookingStatus.BOOKED


class ReminderSent(models.Model):
    """One row per (booking, offset): the marker that makes each reminder go once."""

    booking = models.ForeignKey(Booking, on_delete=models.CASCADE, related_name="reminders")
    offset_minutes = models.PositiveIntegerField()
    sent_at = models.DateTimeField()

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["booking", "offset_minutes"], name="bookings_reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"reminder {self.booking_id} -{self.offset_minutes}m"


class CalendarFeed(models.Model):
    """A secret calendar URL. Only the SHA-256 of the secret is stored (like API
    tokens: the secret is 256 random bits, so a fast hash is enough)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feeds"
    )
    public_id = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(default=now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="bookings_one_live_feed_per_user",
            ),
        ]

    def __str__(self) -> str:
        return f"feed {self.public_id}"
