"""Create in-app notifications and push them to the recipient's open pages."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from kindred.core.events import notification_created, send_event_on_commit, user_group
from kindred.core.models import Notification


def do_notify(
    recipients: Iterable[Any], *, kind: str, title: str, url: str = ""
) -> list[Notification]:
    rows = Notification.objects.bulk_create(
        [Notification(recipient=user, kind=kind, title=title, url=url) for user in recipients]
    )
    for row in rows:
        send_event_on_commit(
            user_group(row.recipient_id),
            notification_created(kind=kind, title=title, url=url),
        )
    return rows


def unread_count(user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def do_mark_all_read(user: Any) -> int:
    from django.utils import timezone

    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
