"""Read-only questions about group sessions, for pages outside this app (Today)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Q

from kindred.groups.models import (
    Group,
    GroupFormat,
    GroupSession,
    SessionStatus,
    SignUp,
    SignUpStatus,
)

if TYPE_CHECKING:
    from kindred.accounts.models import User


def next_group_session(user: User, now: datetime) -> GroupSession | None:
    """The next scheduled session ``user`` holds a place in, or facilitates (one query).

    A place is a joined sign-up for that session, or for the whole group when the
    group is not signed up per session (see :func:`kindred.groups.access.participant_signups`).
    """
    per_session = SignUp.objects.filter(
        session_id=OuterRef("pk"), user_id=user.pk, status=SignUpStatus.JOINED
    )
    whole_group = SignUp.objects.filter(
        group_id=OuterRef("group_id"),
        session__isnull=True,
        user_id=user.pk,
        status=SignUpStatus.JOINED,
    )
    facilitates = Group.facilitators.through.objects.filter(
        group_id=OuterRef("group_id"), user_id=user.pk
    )
    return (
        GroupSession.objects.filter(
            status=SessionStatus.SCHEDULED, ends_at__gt=now, group__is_active=True
        )
        .alias(
            has_place=Exists(per_session),
            has_group_place=Exists(whole_group),
            facilitates=Exists(facilitates),
        )
        .filter(
            Q(group__format=GroupFormat.OPEN, has_place=True)
            | (~Q(group__format=GroupFormat.OPEN) & Q(has_group_place=True))
            | Q(facilitates=True)
        )
        .select_related("group")
        .order_by("starts_at", "pk")
        .first()
    )
