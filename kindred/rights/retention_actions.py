"""Apply every retention rule (:data:`kindred.core.retention.RETENTION_RULES`) once.

Lives here, above every app, because it audits (``kindred.audit`` sits above core) and
because the rules come from every app. The daily task (``retention_tasks``) calls it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from kindred.audit.actions import record_event
from kindred.core.retention import BATCH_SIZE, RETENTION_RULES
from kindred.rights import audit_names


def do_apply_retention(
    now: datetime | None = None, *, batch_size: int = BATCH_SIZE
) -> dict[str, int]:
    """Run each rule that purges with its cut-off; returns rows changed per rule key.

    Idempotent: a rule changes only what is past its period and not yet handled, so a
    second run the same day returns zeros. One audit event per run holds the counts
    and the periods used (never content), also when nothing was due, so the log shows
    the sweep ran.
    """
    now = now or timezone.now()
    counts: dict[str, int] = {}
    periods: dict[str, int] = {}
    for key, rule in RETENTION_RULES.items():
        if rule.purge is None:
            continue
        days = rule.days()
        periods[key] = days
        counts[key] = rule.purge(now - timedelta(days=days), batch_size)
    with transaction.atomic():
        record_event(
            actor=None,
            event=audit_names.RETENTION_APPLIED,
            changes={"counts": counts, "days": periods},
        )
    return counts
