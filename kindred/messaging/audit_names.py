"""Audit event names of the messaging app: every ``record_event(event=...)`` uses one.

See :mod:`kindred.audit.audit_names` for why the values keep two styles.
"""

from __future__ import annotations

from typing import Final

CONVERSATION_STARTED: Final = "messaging.conversation_started"
MESSAGE_SENT: Final = "messaging.message_sent"
