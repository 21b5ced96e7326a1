"""Create in-app notifications, push them to the recipient's open pages, and e-mail
those who asked for that kind by e-mail (kindred.core.notification_prefs)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from kindred.core.access import access_notification
from kindred.core.events import notification_created, send_event_on_commit, user_group
from kindred.core.mail import send_mail_later
from kindred.core.models import Notification
from kindred.core.notification_kinds import EMAILED_BY_SENDER
from kindred.core.notification_prefs import choices_for

if TYPE_CHECKING:
    from kindred.accounts.models import User


def do_notify(
    recipients: Iterable[User], *, kind: str, title: str, url: str = ""
) -> list[Notification]:
    """Notify each recipient who has not switched ``kind`` off; e-mail those who want it."""
    people = list(recipients)
    if not people:
        return []
    choices = choices_for([p.pk for p in people], kind)
    rows = Notification.objects.bulk_create(
        [
            Notification(recipient=user, kind=kind, title=title, url=url)
            for user in people
            if choices[user.pk].in_app
        ]
    )
    for row in rows:
        _push(row)
    if kind not in EMAILED_BY_SENDER:
        for user in people:
            if choices[user.pk].email and user.email:
                _email_on_commit(user, title, url)
    return rows


def do_notify_grouped(recipient: User, *, kind: str, key: str, title: str, url: str = "") -> None:
    """One notification per ``(recipient, key)``, brought back to the top and marked
    unread with the new ``title`` each time ("3 people reacted to your post"), so that
    many small events do not bury everything else. Never e-mailed: these are the
    frequent, low-stakes kinds."""
    if not choices_for([recipient.pk], kind)[recipient.pk].in_app:
        return
    now = timezone.now()
    with transaction.atomic():
        updated = Notification.objects.filter(recipient=recipient, key=key).update(
            title=title, url=url, kind=kind, created_at=now, read_at=None
        )
        if not updated:
            Notification.objects.create(
                recipient=recipient, kind=kind, key=key, title=title, url=url
            )
    send_event_on_commit(
        user_group(recipient.pk), notification_created(kind=kind, title=title, url=url)
    )


def _push(row: Notification) -> None:
    send_event_on_commit(
        user_group(row.recipient_id),
        notification_created(kind=row.kind, title=row.title, url=row.url),
    )


def _email_on_commit(user: User, title: str, url: str) -> None:
    # The title and a link only: an e-mail leaves our servers and may be read on a
    # shared device, so it never carries what anyone wrote.
    link = f"{settings.SITE_URL}{url or '/notifications/'}"
    body = (
        f"{title}\n\n{link}\n\n"
        f"Choose which notifications reach you by e-mail: "
        f"{settings.SITE_URL}/notifications/settings/\n"
    )
    subject = f"[{settings.SITE_NAME}] {title}"
    send_mail_later("notification", subject, body, [user.email])


def visible_notifications(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient_id=user.pk)


def unread_count(user: User) -> int:
    return visible_notifications(user).filter(read_at__isnull=True).count()


def latest_notifications(
    user: User, *, unread_only: bool = False, limit: int = 100
) -> list[Notification]:
    rows = visible_notifications(user)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return list(rows.order_by("-created_at", "-pk")[:limit])


def do_mark_all_read(user: User) -> int:
    return visible_notifications(user).filter(read_at__isnull=True).update(read_at=timezone.now())


def do_mark_read(user: User, notification_id: int) -> Notification:
    """Mark one of ``user``'s notifications read (NotFound for another's or a missing id)."""
    row = access_notification(user, notification_id)
    if row.read_at is None:
        row.read_at = timezone.now()
        row.save(update_fields=["read_at"])
    return row
