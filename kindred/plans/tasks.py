"""Background work for treatment plans."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="7"))
def send_plan_review_reminders() -> int:
    from kindred.plans.reminders import send_review_reminders

    return send_review_reminders(timezone.now())
