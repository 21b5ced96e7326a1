"""Group session reminders (email and in-app) at configurable offsets before the start.

``send_due_reminders(now)`` runs every minute (``tasks.py``). Each (session,
person, offset) gets one ``ReminderSent`` row, created in the same transaction as
the notification, so a reminder goes once even when two sweeps overlap. Someone
who signed up after a reminder's moment skips that reminder.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from kindred.accounts.models import User
from kindred.bookings.reminders import describe_offset
from kindred.core.mail import send_mail_later
from kindred.core.notification_prefs import wants_email
from kindred.core.notifications import do_notify
from kindred.groups.access import participant_signups
from kindred.groups.actions import local_label
from kindred.groups.models import GroupSession, ReminderSent, SessionStatus


def reminder_offsets() -> list[int]:
    """Minutes before the start; ``GROUP_REMINDER_MINUTES`` (default 24 h and 1 h)."""
    return sorted({int(m) for m in getattr(settings, "GROUP_REMINDER_MINUTES", (24 * 60, 60))})


def send_due_reminders(now: datetime) -> int:
    sent = 0
    for minutes in reminder_offsets():
        offset = timedelta(minutes=minutes)
        sessions = GroupSession.objects.filter(
            status=SessionStatus.SCHEDULED, starts_at__gt=now, starts_at__lte=now + offset
        ).select_related("group")
        for session in sessions:
            due = (
                participant_signups(session)
                .filter(joined_at__lte=session.starts_at - offset)
                .exclude(
                    user__in=ReminderSent.objects.filter(
                        session=session, offset_minutes=minutes
                    ).values("user")
                )
                .select_related("user")
            )
            for signup in due:
                if _send_one(session, signup.user, minutes, now):
                    sent += 1
    return sent


def _send_one(session: GroupSession, user: User, minutes: int, now: datetime) -> bool:
    try:
        with transaction.atomic():
            # The unique marker is what makes the reminder go once.
            ReminderSent.objects.create(
                session=session, user=user, offset_minutes=minutes, sent_at=now
            )
            when = local_label(session.starts_at, user)
            title = (
                f"Reminder: “{session.group.topic}” starts in {describe_offset(minutes)} ({when})"
            )
            url = reverse("groups_session", args=[session.pk])
            do_notify([user], kind="groups.reminder", title=title, url=url)
            if wants_email(user, "groups.reminder"):
                send_mail_later(
                    "groups.reminder",
                    f"Reminder: group session at {when}",
                    f"{title}.\n\nThe room opens on the session's page when the facilitator "
                    "opens it.\n",
                    [user.email],
                )
    except IntegrityError:
        return False
    return True
