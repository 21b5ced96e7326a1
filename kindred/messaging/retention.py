"""Retention rules of secure messaging (docs/retention.md)."""

from __future__ import annotations

from kindred.core.retention import RETENTION_RULES, Action, RetentionRule

RETENTION_RULES.register(
    "messaging.messages",
    RetentionRule(
        data="Secure messages between a member and their therapist",
        action=Action.KEEP,
        enforced_by="account deletion (`CLINICAL_RETENTION_YEARS` for clinical records)",
        why="Part of the clinical record of the therapy.",
    ),
)
RETENTION_RULES.register(
    "messaging.drafts",
    RetentionRule(
        data="Unsent secure-message drafts",
        action=Action.DELETE,
        enforced_by="the browser: kept in the tab's `sessionStorage` only, cleared at "
        "sign-out and when the tab closes; never sent to the server",
        why="Words the member has not decided to send are nobody's record.",
    ),
)
