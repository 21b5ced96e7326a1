"""Daily upkeep of the therapist directory."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="5", hour="*"))
def therapy_licence_upkeep() -> tuple[int, int]:
    """Hourly so a missed run costs at most an hour; both steps are idempotent."""
    from kindred.therapy.actions import unlist_expired, warn_expiring

    return len(unlist_expired()), len(warn_expiring())
