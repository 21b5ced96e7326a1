"""Read-only questions about groups and their sessions.

The group pages and ``GET /api/v1/groups/{id}`` both count places here, so what "places
left" means (a drop-in session's own places; a cohort's or pop-up's for the whole group)
is decided once, in a constant number of queries however many groups or sessions.
Pages outside this app (Today) ask :func:`next_group_session`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, Exists, OuterRef, Q

from kindred.groups.actions import upcoming_sessions
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


@dataclass(frozen=True, slots=True)
class Places:
    """Places taken in some groups, read at once by :func:`places`."""

    # Joined sign-ups keyed (group id, session id), session id 0 for whole-group sign-ups.
    taken: Mapping[tuple[int, int], int]

    def left(self, group: Group, session: GroupSession | None = None) -> int:
        """Places left in ``session`` of a drop-in group; in the whole group otherwise."""
        key = (group.pk, session.pk if session is not None and group.per_session else 0)
        return max(group.capacity - self.taken.get(key, 0), 0)


def places(groups: Iterable[Group]) -> Places:
    """Places taken in every session of ``groups`` and in each group as a whole: one query."""
    rows = (
        SignUp.objects.filter(group__in=list(groups), status=SignUpStatus.JOINED)
        .values("group_id", "session_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return Places(taken={(r["group_id"], r["session_id"] or 0): r["n"] for r in rows})


@dataclass(frozen=True, slots=True)
class SessionPlaces:
    session: GroupSession
    # Places left in this session of a drop-in group; None where places are the group's.
    places_left: int | None


@dataclass(frozen=True, slots=True)
class UpcomingSessions:
    sessions: list[SessionPlaces]
    # Places left in a cohort or pop-up group; None for a drop-in group (see each session).
    places_left: int | None


def upcoming_with_places(
    group: Group, now: datetime, *, shown: int, include_cancelled: bool = False
) -> UpcomingSessions:
    """The next ``shown`` sessions of ``group`` and the places left: two queries."""
    sessions = list(upcoming_sessions(group, now, include_cancelled=include_cancelled)[:shown])
    counted = places([group])
    return UpcomingSessions(
        sessions=[
            SessionPlaces(s, counted.left(group, s) if group.per_session else None)
            for s in sessions
        ],
        places_left=None if group.per_session else counted.left(group),
    )
