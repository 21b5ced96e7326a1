"""Background work for groups: reminders, upcoming sessions, ending forgotten rooms.

Group-room messages are purged by the daily retention sweep (``groups.room_messages``
in kindred/groups/retention.py).

The periodic sweeps also run on the embedded default (the in-process consumer
started by ``serve`` runs periodic tasks).
"""

from __future__ import annotations

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task


@db_periodic_task(crontab(minute="*"))
def send_group_reminders() -> int:
    from kindred.groups.reminders import send_due_reminders

    return send_due_reminders(timezone.now())


@db_periodic_task(crontab(minute="7"))
def materialise_group_sessions() -> int:
    from kindred.groups.actions import do_materialise_sessions
    from kindred.groups.models import Group

    now = timezone.now()
    return sum(do_materialise_sessions(g, now=now) for g in Group.objects.filter(is_active=True))


@db_periodic_task(crontab(minute="*/5"))
def end_overdue_group_sessions() -> int:
    from kindred.groups.actions import end_overdue_sessions

    return end_overdue_sessions(timezone.now())
