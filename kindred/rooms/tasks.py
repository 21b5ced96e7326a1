"""Rooms housekeeping: message retention and the presence table's stale rows."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="23", hour="3"))
def purge_expired_room_messages() -> int:
    """Delete messages ``ROOM_RETENTION_DAYS`` after their room closed (daily)."""
    from kindred.rooms.actions import purge_expired_messages

    return purge_expired_messages()


@db_periodic_task(crontab(minute="*/5"))
def purge_stale_room_connections() -> int:
    from kindred.rooms.actions import purge_stale_connections

    return purge_stale_connections()
