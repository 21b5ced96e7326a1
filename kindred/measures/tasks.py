"""Background work for questionnaires."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/15"))
def send_measure_reminders() -> int:
    from kindred.measures.schedules import send_measure_reminders as sweep

    return sweep(timezone.now())
