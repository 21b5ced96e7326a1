"""Audit event names of the community app: every ``record_event(event=...)`` uses one.

See :mod:`kindred.audit.audit_names` for why the values keep two styles.
"""

from __future__ import annotations

from typing import Final

MEMBER_SUSPENDED: Final = "community.member_suspended"
POST_HIDDEN: Final = "community.post_hidden"
POST_RELEASED: Final = "community.post_released"
POST_RESTORED: Final = "community.post_restored"
THREAD_LOCKED: Final = "community.thread_locked"
THREAD_MOVED: Final = "community.thread_moved"
THREAD_UNLOCKED: Final = "community.thread_unlocked"
