"""Audit event names of the rooms app: every ``record_event(event=...)`` uses one.

See :mod:`kindred.audit.audit_names` for why the values keep two styles.
"""

from __future__ import annotations

from typing import Final

MESSAGE_HIDDEN: Final = "rooms.message_hidden"
MESSAGE_RELEASED: Final = "rooms.message_released"
MESSAGE_UNHIDDEN: Final = "rooms.message_unhidden"
ROOM_CLOSED: Final = "rooms.room_closed"
ROOM_OPENED: Final = "rooms.room_opened"
SUPPORT_DISMISSED: Final = "rooms.support_dismissed"
