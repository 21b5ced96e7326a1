"""Audit event names of the plans app: every ``record_event(event=...)`` uses one.

See :mod:`kindred.audit.audit_names` for why the values keep two styles.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

COMMENT_ADDED: Final = "plans.comment_added"
PLAN_ACKNOWLEDGED: Final = "plans.plan_acknowledged"
PLAN_CREATED: Final = "plans.plan_created"
PLAN_REVISED: Final = "plans.plan_revised"
REVIEW_REMINDER_SENT: Final = "plans.review_reminder_sent"


# ``plans.objective_<kind>_recorded``, by the entry's kind (EntryKind).
OBJECTIVE_RECORDED: Final[Mapping[str, str]] = MappingProxyType(
    {
        "value": "plans.objective_value_recorded",
        "attainment": "plans.objective_attainment_recorded",
    }
)
