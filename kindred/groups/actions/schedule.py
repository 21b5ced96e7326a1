"""Starting a group and the sessions it materialises, and whose calendar they are on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.audit.actions import record_event
from kindred.community.models import Space
from kindred.core.roles import Role
from kindred.groups import audit_names as groups_audit
from kindred.groups.actions.base import MAX_DESCRIPTION, MAX_NORMS, MAX_TOPIC, GroupError, horizon
from kindred.groups.models import (
    Group,
    GroupFormat,
    GroupSession,
    SessionStatus,
    SignUp,
    SignUpStatus,
)
from kindred.groups.schedule import ScheduleError, occurrences, parse_rule, zone

if TYPE_CHECKING:
    from kindred.accounts.models import User


@dataclass(frozen=True)
class GroupSpec:
    space: Space
    topic: str
    description: str
    format: str
    capacity: int
    recurrence: str
    first_starts_at_local: datetime
    timezone: str
    session_minutes: int = 90
    norms: str = ""
    quorum: int = 3


def check_group_spec(spec: GroupSpec) -> None:
    if not spec.topic.strip() or len(spec.topic) > MAX_TOPIC:
        raise GroupError(
            _("Give the group a topic of at most %(limit)s characters.") % {"limit": MAX_TOPIC}
        )
    if len(spec.description) > MAX_DESCRIPTION or len(spec.norms) > MAX_NORMS:
        raise GroupError(_("The description or the norms are too long."))
    if spec.format not in GroupFormat.values:
        raise GroupError(_("Choose open drop-in, closed cohort or pop-up."))
    if not 2 <= spec.capacity <= 50:
        raise GroupError(_("A group has room for 2 to 50 people."))
    if not 15 <= spec.session_minutes <= 240:
        raise GroupError(_("Sessions last 15 minutes to 4 hours."))
    if spec.format == GroupFormat.POPUP and not 2 <= spec.quorum <= spec.capacity:
        raise GroupError(_("A pop-up group opens with 2 or more people, at most its capacity."))
    try:
        zone(spec.timezone)
        parse_rule(spec.recurrence, spec.first_starts_at_local)
    except ScheduleError as exc:
        raise GroupError(str(exc)) from None


def do_create_group(creator: User, spec: GroupSpec, *, now: datetime | None = None) -> Group:
    """A new group run by ``creator`` (a facilitator), with its upcoming sessions."""
    if not creator.has_role(Role.FACILITATOR):
        raise GroupError(_("Only facilitators can start groups."))
    check_group_spec(spec)
    with transaction.atomic():
        group = Group.objects.create(
            space=spec.space,
            topic=spec.topic.strip(),
            description=spec.description.strip(),
            format=spec.format,
            capacity=spec.capacity,
            recurrence=spec.recurrence.strip().removeprefix("RRULE:"),
            starts_on=spec.first_starts_at_local.date(),
            start_time=spec.first_starts_at_local.time().replace(second=0, microsecond=0),
            timezone=spec.timezone,
            session_minutes=spec.session_minutes,
            norms=spec.norms.strip() or Group._meta.get_field("norms").get_default(),
            quorum=spec.quorum,
            created_by=creator,
        )
        group.facilitators.add(creator)
        record_event(actor=creator, event=groups_audit.GROUP_CREATED, target=group)
        do_materialise_sessions(group, now=now)
    return group


def do_materialise_sessions(group: Group, *, now: datetime | None = None) -> int:
    """Store the group's sessions that start within the horizon; returns how many are new.

    Idempotent (unique group + start); a pop-up group has none until it opens.
    """
    if not group.is_active or group.is_waiting_for_quorum:
        return 0
    now = now or timezone.now()
    length = timedelta(minutes=group.session_minutes)
    starts = occurrences(
        group.recurrence, group.first_starts_at_local, group.timezone, now, now + horizon()
    )
    existing = set(
        GroupSession.objects.filter(group=group, starts_at__in=starts).values_list(
            "starts_at", flat=True
        )
    )
    new = [
        GroupSession(group=group, starts_at=at, ends_at=at + length)
        for at in starts
        if at not in existing
    ]
    GroupSession.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


def upcoming_sessions(
    group: Group, now: datetime | None = None, *, include_cancelled: bool = False
) -> QuerySet[GroupSession]:
    """Sessions not yet over; with ``include_cancelled``, the cancelled ones too (to say so)."""
    now = now or timezone.now()
    statuses = [SessionStatus.SCHEDULED]
    if include_cancelled:
        statuses.append(SessionStatus.CANCELLED)
    return GroupSession.objects.filter(group=group, status__in=statuses, ends_at__gt=now).order_by(
        "starts_at"
    )


def sessions_for(user: User) -> QuerySet[GroupSession]:
    """Every session ``user`` has a place in or facilitates (any status, any time)."""
    from django.db.models import Q

    mine = SignUp.objects.filter(user=user, status=SignUpStatus.JOINED)
    return GroupSession.objects.filter(
        Q(pk__in=mine.filter(session__isnull=False).values("session_id"))
        | Q(group_id__in=mine.filter(session__isnull=True).values("group_id"))
        | Q(group__in=Group.objects.filter(facilitators=user).values("pk"))
    )


def calendar_for(user: User, now: datetime | None = None) -> QuerySet[GroupSession]:
    """The sessions for ``user``'s calendar feed: the ones ahead, the cancelled ones too,
    so a subscribed calendar shows them cancelled (STATUS:CANCELLED) rather than gone."""
    now = now or timezone.now()
    return (
        sessions_for(user)
        .filter(status__in=[SessionStatus.SCHEDULED, SessionStatus.CANCELLED], ends_at__gt=now)
        .select_related("group")
        .order_by("starts_at")
    )


def upcoming_for(user: User, now: datetime | None = None) -> QuerySet[GroupSession]:
    """The scheduled sessions ahead of ``user``, soonest first (for pages and feeds)."""
    now = now or timezone.now()
    return (
        sessions_for(user)
        .filter(status=SessionStatus.SCHEDULED, ends_at__gt=now)
        .select_related("group")
        .order_by("starts_at")
    )
