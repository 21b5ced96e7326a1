"""Session reminders (email and in-app) at configurable offsets before the start.

``send_due_reminders(now)`` runs every minute (``tasks.py``). Each (booking,
offset) gets one ``ReminderSent`` row, created in the same transaction as the
notification, so a reminder goes once even when two sweeps overlap. A booking
made after a reminder's moment skips that reminder (its confirmation said it).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse

from kindred.bookings.actions import local_label
from kindred.bookings.models import Booking, BookingStatus, ReminderSent
from kindred.core.mail import send_mail_later
from kindred.core.notification_prefs import wants_email
from kindred.core.notifications import do_notify


def reminder_offsets() -> list[int]:
    """Minutes before the start; ``BOOKING_REMINDER_MINUTES`` (default 24 h and 1 h)."""
    return sorted({int(m) for m in getattr(settings, "BOOKING_REMINDER_MINUTES", (24 * 60, 60))})


def describe_offset(minutes: int) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return f"{hours} hour{'s' if hours != 1 else ''}"
    return f"{minutes} minutes"


def send_due_reminders(now: datetime) -> int:
    sent = 0
    for minutes in reminder_offsets():
        offset = timedelta(minutes=minutes)
        due = (
            Booking.objects.filter(
                status=BookingStatus.BOOKED,
                starts_at__gt=now,
                starts_at__lte=now + offset,
                created_at__lte=F("starts_at") - offset,
            )
            .exclude(reminders__offset_minutes=minutes)
            .values_list("pk", flat=True)
        )
        for booking_id in list(due):
            if _send_one(booking_id, minutes, now):
                sent += 1
    return sent


def _send_one(booking_id: int, minutes: int, now: datetime) -> bool:
    try:
        with transaction.atomic():
            booking = (
                Booking.objects.select_related("therapist", "member")
                .filter(pk=booking_id, status=BookingStatus.BOOKED)
                .first()
            )
            if booking is None:
                return False
            # The unique marker is what makes the reminder go once.
            ReminderSent.objects.create(booking=booking, offset_minutes=minutes, sent_at=now)
            for user, other, url in (
                (booking.member, booking.therapist, reverse("bookings_home")),
                (booking.therapist, booking.member, reverse("therapist_bookings")),
            ):
                when = local_label(booking.starts_at, user)
                title = (
                    f"Reminder: session with {other.handle} in {describe_offset(minutes)} ({when})"
                )
                do_notify([user], kind="booking_reminder", title=title, url=url)
                if wants_email(user, "booking_reminder"):
                    send_mail_later(
                        "bookings.reminder",
                        f"Reminder: session at {when}",
                        f"{title}.\n\nYour bookings page has the session link from 15 minutes "
                        "before the start.\n",
                        [user.email],
                    )
    except IntegrityError:
        return False
    return True
