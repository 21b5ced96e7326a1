"""Background work of the safety pathway."""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from kindred.core.taskqueue import PRIORITY_SAFETY


@db_task(priority=PRIORITY_SAFETY)
def escalate_flag(flag_id: int) -> bool:
    """Runs at the flag's deadline; a no-op if someone acknowledged it in time."""
    from kindred.safety.actions import _escalate_one

    return _escalate_one(flag_id, timezone.now()) is not None


@db_periodic_task(crontab(minute="*"), priority=PRIORITY_SAFETY)
def escalate_overdue() -> int:
    """Safety net for timers lost in a restart: sweep every minute."""
    from kindred.safety.actions import escalate_overdue_flags

    return len(escalate_overdue_flags())
