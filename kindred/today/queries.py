"""Everything the Today page shows, gathered in a fixed number of queries.

Each app answers its own question (``<app>/queries.py`` and existing query
functions); this module only composes them. Counters are scalar subqueries on one
query of the person's own row, so the page costs the same whatever their history:
see ``tests/today/test_queries.py``.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import OuterRef, Value
from django.db.models.functions import Coalesce

from kindred.accounts.age import today_for
from kindred.bookings.actions import local_label, session_link, upcoming_for
from kindred.bookings.models import Booking
from kindred.core.models import Notification
from kindred.core.roles import Role
from kindred.groups.models import GroupSession
from kindred.groups.queries import next_group_session
from kindred.guide.queries import latest_saved_guide
from kindred.measures.definitions import UnknownInstrument, get_definition
from kindred.measures.schedules import DueMeasure, due_assignments
from kindred.messaging.queries import unread_messages_count
from kindred.peers.queries import pending_requests_count
from kindred.safety.queries import open_flags_count
from kindred.today.models import MoodCheckIn

if TYPE_CHECKING:
    from kindred.accounts.models import User

MOOD_DAYS = 7
NOTIFICATIONS_SHOWN = 5
BOOKINGS_SHOWN = 3


@dataclass(frozen=True)
class MoodDay:
    day: datetime.date
    score: int | None


@dataclass(frozen=True)
class Counters:
    unread_notifications: int = 0
    unread_messages: int = 0
    connection_requests: int = 0
    open_flags: int = 0
    saved_guide_id: int | None = None
    saved_guide_at: datetime.datetime | None = None


@dataclass(frozen=True)
class NextBooking:
    booking: Booking
    link: str
    with_therapist: bool
    # On the person's own clock, with the zone.
    when: str


@dataclass(frozen=True)
class DueRow:
    instrument_id: str
    name: str
    due_at: datetime.datetime


@dataclass(frozen=True)
class TodayData:
    today: datetime.date
    is_member: bool
    is_therapist: bool
    is_moderator: bool
    counters: Counters
    bookings: list[NextBooking] = field(default_factory=list)
    group_session: GroupSession | None = None
    group_when: str = ""
    due: list[DueRow] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)
    mood: list[MoodDay] = field(default_factory=list)

    @property
    def mood_today(self) -> int | None:
        return self.mood[-1].score if self.mood else None


def counters(user: User, *, moderator: bool) -> Counters:
    """Every number on the page, in one query."""
    from kindred.accounts.models import User as UserModel

    me = OuterRef("pk")
    row = (
        UserModel.objects.filter(pk=user.pk)
        .annotate(
            unread_notifications=_unread_notifications(me),
            unread_messages=unread_messages_count(me),
            connection_requests=pending_requests_count(me),
            open_flags=open_flags_count() if moderator else Value(0),
            saved_guide_id=latest_saved_guide(me, "pk"),
            saved_guide_at=latest_saved_guide(me, "created_at"),
        )
        .values(
            "unread_notifications",
            "unread_messages",
            "connection_requests",
            "open_flags",
            "saved_guide_id",
            "saved_guide_at",
        )
        .first()
    )
    return Counters(**row) if row else Counters()


def _unread_notifications(user_ref: OuterRef) -> Coalesce:
    from django.db.models import Count, IntegerField, Subquery

    unread = (
        Notification.objects.filter(recipient_id=user_ref, read_at__isnull=True)
        .order_by()
        .values("recipient_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(unread, output_field=IntegerField()), 0)


def mood_week(user: User, today: datetime.date) -> list[MoodDay]:
    """The last :data:`MOOD_DAYS` days, oldest first, with the score or None (one query)."""
    first = today - datetime.timedelta(days=MOOD_DAYS - 1)
    scores = {
        row.day: int(row.score)
        for row in MoodCheckIn.objects.filter(owner_id=user.pk, day__gte=first, day__lte=today)
    }
    return [
        MoodDay(day=day, score=scores.get(day))
        for day in (first + datetime.timedelta(days=n) for n in range(MOOD_DAYS))
    ]


def today_for_user(user: User, now: datetime.datetime) -> TodayData:
    roles = user.role_names()
    is_member = Role.MEMBER in roles
    is_therapist = Role.THERAPIST in roles
    is_moderator = Role.MODERATOR in roles or Role.STAFF in roles
    today = today_for(user, now)
    bookings = [
        NextBooking(
            booking=b,
            link=session_link(b, user, now),
            with_therapist=b.member_id == user.pk,
            when=local_label(b.starts_at, user),
        )
        for b in upcoming_for(user, now)[:BOOKINGS_SHOWN]
    ]
    unread = list(
        Notification.objects.filter(recipient_id=user.pk, read_at__isnull=True).order_by(
            "-created_at", "-pk"
        )[:NOTIFICATIONS_SHOWN]
    )
    group_session = next_group_session(user, now)
    return TodayData(
        today=today,
        is_member=is_member,
        is_therapist=is_therapist,
        is_moderator=is_moderator,
        counters=counters(user, moderator=is_moderator),
        bookings=bookings,
        group_session=group_session,
        group_when=local_label(group_session.starts_at, user) if group_session else "",
        due=_due_rows(due_assignments(user, now)) if is_member else [],
        notifications=unread,
        mood=mood_week(user, today) if is_member else [],
    )


def _due_rows(due: list[DueMeasure]) -> list[DueRow]:
    rows = []
    seen = set()
    for item in due:
        instrument = item.assignment.instrument_id
        # Two open occurrences of one questionnaire are one thing to do.
        if instrument in seen:
            continue
        seen.add(instrument)
        try:
            name = get_definition(instrument).name
        except UnknownInstrument:
            continue
        rows.append(DueRow(instrument_id=instrument, name=name, due_at=item.due_at))
    return rows
