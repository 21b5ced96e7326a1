"""The optional daily email digest of unread notifications.

Titles and links only: an email leaves our servers and may be read on a shared
device, so it never carries what anyone wrote.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from kindred.accounts.models import User
from kindred.core.mail import send_mail_later
from kindred.core.models import Notification

MAX_ITEMS = 20


def send_digests(now: datetime | None = None) -> int:
    """Email each opted-in person their unread notifications since their last digest."""
    now = now or timezone.now()
    sent = 0
    for user in User.objects.filter(email_digest=True, is_active=True).iterator():
        with transaction.atomic():
            # Row lock: two workers running the schedule must not both send.
            locked = User.objects.select_for_update().get(pk=user.pk)
            unread = Notification.objects.filter(recipient=locked, read_at__isnull=True)
            if locked.digest_sent_at:
                unread = unread.filter(created_at__gt=locked.digest_sent_at)
            items = list(unread.order_by("-created_at")[:MAX_ITEMS])
            if not items:
                continue
            lines = [
                f"- {n.title}\n  {settings.SITE_URL}{n.url or '/notifications/'}" for n in items
            ]
            body = (
                gettext("Hello %(handle)s,") % {"handle": locked.handle}
                + "\n\n"
                + gettext("Here is what happened on Kindred since your last digest:")
                + "\n\n"
                + "\n".join(lines)
                + "\n\n"
                + gettext("Turn these emails off in your settings: %(url)s")
                % {"url": f"{settings.SITE_URL}/accounts/profile/"}
                + "\n"
            )
            locked.digest_sent_at = now
            locked.save(update_fields=["digest_sent_at"])
            subject = "[Kindred] " + ngettext(
                "%(count)d new notification", "%(count)d new notifications", len(items)
            ) % {"count": len(items)}
            send_mail_later("accounts.digest", subject, body, [locked.email])
            sent += 1
    return sent
