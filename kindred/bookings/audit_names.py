"""Audit event names of the bookings app: every ``record_event(event=...)`` uses one.

See :mod:`kindred.audit.audit_names` for why the values keep two styles.
"""

from __future__ import annotations

from typing import Final

ATTENDANCE_MARKED: Final = "bookings.attendance_marked"
AVAILABILITY_ADDED: Final = "bookings.availability_added"
AVAILABILITY_REMOVED: Final = "bookings.availability_removed"
BOOKED: Final = "bookings.booked"
CANCELLED: Final = "bookings.cancelled"
EXCEPTION_ADDED: Final = "bookings.exception_added"
EXCEPTION_REMOVED: Final = "bookings.exception_removed"
FEED_CREATED: Final = "bookings.feed_created"
FEED_REVOKED: Final = "bookings.feed_revoked"
