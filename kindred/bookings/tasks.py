"""Background work for bookings. The periodic sweep also runs on the embedded
default (the in-process consumer started by ``serve`` runs periodic tasks)."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*"))
def send_booking_reminders() -> int:
    from kindred.bookings.reminders import send_due_reminders

    return send_due_reminders(timezone.now())
