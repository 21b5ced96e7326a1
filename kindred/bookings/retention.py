"""Retention rules of bookings (docs/retention.md)."""

from __future__ import annotations

from datetime import datetime

from kindred.bookings.models import CalendarFeed
from kindred.core.retention import RETENTION_RULES, Action, RetentionRule, delete_in_batches


def purge_revoked_feeds(cutoff: datetime, batch_size: int) -> int:
    return delete_in_batches(CalendarFeed.objects.filter(revoked_at__lte=cutoff), batch_size)


RETENTION_RULES.register(
    "bookings.calendar_feeds",
    RetentionRule(
        data="Revoked calendar-feed addresses (hash of the secret, last use)",
        action=Action.DELETE,
        setting="RETENTION_ENDED_TOKENS_DAYS",
        default_days=30,
        after="after the feed was revoked",
        purge=purge_revoked_feeds,
        why="Like an ended API token: it opens nothing, and a month is enough to see "
        "why a calendar stopped updating.",
    ),
)
RETENTION_RULES.register(
    "bookings.bookings",
    RetentionRule(
        data="Therapy bookings and attendance",
        action=Action.KEEP,
        enforced_by="account deletion (`CLINICAL_RETENTION_YEARS` for clinical records)",
        why="Part of the clinical record (when the member was seen) and of billing.",
    ),
)
