"""Retention rules of the audit log (docs/retention.md)."""

from __future__ import annotations

from kindred.core.retention import RETENTION_RULES, Action, RetentionRule

RETENTION_RULES.register(
    "audit.events",
    RetentionRule(
        data="Audit log: who read or changed what, when (ids, states and counts, no content)",
        action=Action.KEEP,
        enforced_by="never deleted: the database refuses it",
        why="Hash-chained: deleting a row would break `kindred verify_audit` for every row "
        "after it, and the log is the evidence that the rules on this page and on access "
        "were followed. HIPAA asks for such records to be kept six years; they hold no "
        "content, and a deleted account's rows keep only its numeric id.",
    ),
)
RETENTION_RULES.register(
    "audit.who_looked",
    RetentionRule(
        data='The member\'s "who looked at what" log (reads of their data by others, their grants)',
        action=Action.KEEP,
        enforced_by="built from the audit log; the page shows the latest 200 entries",
        why="The member's right to know who saw their data (GDPR Art. 15, HIPAA's "
        "accounting of disclosures, which covers six years) outlasts any period we would "
        "choose; it is made of audit rows, which are kept, so it cannot be shorter than "
        "the audit log without breaking the chain.",
    ),
)
