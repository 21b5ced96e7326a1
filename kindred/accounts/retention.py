"""Retention rules of sign-in (docs/retention.md)."""

from __future__ import annotations

from datetime import datetime

from django.contrib.sessions.models import Session

from kindred.core.retention import RETENTION_RULES, Action, RetentionRule, delete_in_batches


def purge_expired_sessions(cutoff: datetime, batch_size: int) -> int:
    return delete_in_batches(Session.objects.filter(expire_date__lte=cutoff), batch_size)


RETENTION_RULES.register(
    "accounts.sessions",
    RetentionRule(
        data="Expired sign-in sessions",
        action=Action.DELETE,
        setting="RETENTION_ENDED_TOKENS_DAYS",
        default_days=30,
        after="after the session expired",
        purge=purge_expired_sessions,
        why="An expired session signs nobody in; Django never removes the rows by itself.",
    ),
)
