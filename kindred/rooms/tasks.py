"""Rooms housekeeping: the presence table's stale rows.

Message retention is a rule of the daily retention sweep (kindred/rooms/retention.py).
"""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*/5"))
def purge_stale_room_connections() -> int:
    from kindred.rooms.actions import purge_stale_connections

    return purge_stale_connections()
