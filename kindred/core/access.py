"""Shared pieces of the authorization pattern.

Each app has an ``access.py`` with one ``access_<model>(user, id, *, write=False)``
function per protected model. They all raise :class:`NotFound` both when the
object does not exist and when the user may not see it, so an id never tells
anyone that something exists.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.http import Http404

from kindred.core.roles import Role

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from kindred.accounts.models import User
    from kindred.core.models import Notification


class NotFound(Http404):
    """The object does not exist *or* the user may not access it (deliberately one error)."""

    def __init__(self, what: str = "object") -> None:
        super().__init__(f"No such {what}.")


def access_notification(user: object, notification_id: object) -> Notification:
    """One of ``user``'s own notifications, else :class:`NotFound` (missing or another's)."""
    from kindred.core.models import Notification

    try:
        pk = int(notification_id)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise NotFound("notification") from None
    row = Notification.objects.filter(recipient_id=getattr(user, "pk", None), pk=pk).first()
    if row is None:
        raise NotFound("notification")
    return row


def check_styleguide(user: User | AnonymousUser) -> None:
    """The style guide is for the people who build and run the site: staff, or anyone
    on a development server (``DEBUG``). Others get the answer for a missing page."""
    if settings.DEBUG:
        return
    if not (user.is_authenticated and user.has_role(Role.STAFF)):
        raise NotFound("page")
