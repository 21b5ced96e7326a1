"""Audit event names of the today app: every ``record_event(event=...)`` uses one.

See :mod:`kindred.audit.audit_names` for why the values keep two styles.
"""

from __future__ import annotations

from typing import Final

MOOD_RECORDED: Final = "today.mood_recorded"
ONBOARDING_FINISHED: Final = "today.onboarding_finished"
