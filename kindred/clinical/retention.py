"""Retention rules of clinical records (docs/retention.md)."""

from __future__ import annotations

from kindred.core.retention import RETENTION_RULES, Action, RetentionRule

RETENTION_RULES.register(
    "clinical.records",
    RetentionRule(
        data="Intake forms, diagnoses, progress and psychotherapy notes, treatment plans",
        action=Action.KEEP,
        enforced_by="account deletion: kept `CLINICAL_RETENTION_YEARS` after it, then purged",
        why="Health-record law obliges the host to keep clinical records for years (the "
        "period differs by country and state); they are encrypted at rest.",
    ),
)
