"""Retention rules of data exports (docs/retention.md)."""

from __future__ import annotations

from kindred.core.retention import RETENTION_RULES, Action, RetentionRule

RETENTION_RULES.register(
    "rights.exports",
    RetentionRule(
        data="Data-export archives built for a download link",
        action=Action.DELETE,
        enforced_by="the export task, every 15 minutes: file and row go when the link "
        "expires (`KINDRED_EXPORT_LINK_HOURS`, default 24 hours)",
        why="A complete copy of everything the member told us: it must not outlive the download.",
    ),
)
