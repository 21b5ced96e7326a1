"""Background work for the care app."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="35", hour="3"))
def end_lapsed_therapy_grants() -> int:
    """Daily: what members share with a therapist they have had no session with for
    ``THERAPY_ACCESS_LAPSE_DAYS`` ends (a cancellation ends it at once; time passing
    needs this sweep)."""
    from kindred.care.actions import do_end_lapsed_therapy_grants

    return do_end_lapsed_therapy_grants()
