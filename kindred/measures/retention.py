"""Retention rules of questionnaires (docs/retention.md)."""

from __future__ import annotations

from datetime import datetime

from kindred.core.retention import RETENTION_RULES, Action, RetentionRule, delete_in_batches
from kindred.measures.models import ResponseDraft


def purge_stale_drafts(cutoff: datetime, batch_size: int) -> int:
    return delete_in_batches(ResponseDraft.objects.filter(updated_at__lte=cutoff), batch_size)


RETENTION_RULES.register(
    "measures.drafts",
    RetentionRule(
        data="Questionnaires answered part-way (saved drafts)",
        action=Action.DELETE,
        setting="RETENTION_DRAFTS_DAYS",
        default_days=30,
        after="after the last answer",
        purge=purge_stale_drafts,
        why="Answers the member never submitted: nobody else sees them, and after a month "
        "the member starts again rather than resuming an old state of mind.",
    ),
)
RETENTION_RULES.register(
    "measures.responses",
    RetentionRule(
        data="Submitted questionnaires (answers, totals, bands)",
        action=Action.KEEP,
        enforced_by="account deletion (`CLINICAL_RETENTION_YEARS` for clinical records)",
        why="Part of the member's health record and of their therapist's outcome charts; "
        "kept while the account exists, then as long as the host's law requires.",
    ),
)
