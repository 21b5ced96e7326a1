"""What every group operation shares: the error it raises, the text limits, the clock."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AnonymousUser

from kindred.core.when import format_when, zone_of

if TYPE_CHECKING:
    from kindred.accounts.models import User


MAX_TOPIC = 120


MAX_DESCRIPTION = 2000


MAX_NORMS = 4000


class GroupError(Exception):
    """A rule stops this action; the message is for the person."""


def horizon() -> timedelta:
    """How far ahead sessions are materialised."""
    return timedelta(days=getattr(settings, "GROUPS_SESSION_HORIZON_DAYS", 28))


def local_label(at: datetime, user: User | AnonymousUser) -> str:
    """``at`` on ``user``'s clock, e.g. "14 Jan 2025, 19:00 GMT"."""
    return format_when(at, zone_of(user))
