"""Audit event names of the safety app: every ``record_event(event=...)`` uses one.

See :mod:`kindred.audit.audit_names` for why the values keep two styles.
"""

from __future__ import annotations

from typing import Final

BLOCKED: Final = "safety.blocked"
DUTY_CHANGED: Final = "safety.duty_changed"
FLAG_ACKNOWLEDGED: Final = "safety.flag_acknowledged"
FLAG_CONTENT_HIDDEN: Final = "safety.flag_content_hidden"
FLAG_CONTENT_RELEASED: Final = "safety.flag_content_released"
FLAG_CONTENT_UNHIDDEN: Final = "safety.flag_content_unhidden"
FLAG_ESCALATED: Final = "safety.flag_escalated"
FLAG_HANDED_OVER: Final = "safety.flag_handed_over"
FLAG_RAISED: Final = "safety.flag_raised"
FLAG_READ: Final = "safety.flag.read"
FLAG_REPORT_ADDED: Final = "safety.flag_report_added"
FLAG_RESOLVED: Final = "safety.flag_resolved"
FLAG_ROUTED: Final = "safety.flag_routed"
HANDOVER_ACKNOWLEDGED: Final = "safety.handover_acknowledged"
HANDOVER_MESSAGED: Final = "safety.handover_messaged"
PLAN_SAVED: Final = "safety.plan_saved"
REACHED_OUT: Final = "safety.reached_out"
SUPPORT_MESSAGE_SENT: Final = "safety.support_message_sent"
SUPPORT_REPLY: Final = "safety.support_reply"
UNBLOCKED: Final = "safety.unblocked"
