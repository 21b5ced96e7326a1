"""Audit event names of the groups app: every ``record_event(event=...)`` uses one.

See :mod:`kindred.audit.audit_names` for why the values keep two styles.
"""

from __future__ import annotations

from typing import Final

GROUP_ARCHIVED: Final = "groups.group_archived"
GROUP_CREATED: Final = "groups.group_created"
GROUP_UPDATED: Final = "groups.group_updated"
PARTICIPANT_MUTED: Final = "groups.participant_muted"
PARTICIPANT_REMOVED: Final = "groups.participant_removed"
PARTICIPANT_UNMUTED: Final = "groups.participant_unmuted"
POPUP_OPENED: Final = "groups.popup_opened"
ROOM_OPENED: Final = "groups.room_opened"
SESSION_CANCELLED: Final = "groups.session_cancelled"
SESSION_ENDED: Final = "groups.session_ended"
