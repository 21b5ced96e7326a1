"""What groups tell the care app (team, timeline) and the decision guide (next steps).

Registered in :class:`kindred.groups.apps.GroupsConfig`. The care app decides who
may see a member's entries; these functions only answer for one member. Nothing
said in a session (messages, check-in words, ratings) leaves this app.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AnonymousUser
from django.db.models import Min
from django.urls import reverse
from django.utils import timezone

from kindred.accounts.models import User
from kindred.community.models import AgeBandRule, Visibility
from kindred.consent.sources import TeamEntry, TimelineItem
from kindred.groups.actions import places_left
from kindred.groups.models import (
    Attendance,
    Group,
    GroupSession,
    SessionStatus,
    SignUp,
    SignUpStatus,
)
from kindred.groups.schedule import describe
from kindred.guide.nextsteps import GuideNeeds, NextStep

MAX_STEPS = 3


def team_entries(member: User) -> list[TeamEntry]:
    """The facilitators of the groups the member has a place in."""
    since_by_group = dict(
        SignUp.objects.filter(user=member, status=SignUpStatus.JOINED, group__is_active=True)
        .values("group_id")
        .annotate(since=Min("joined_at"))
        .values_list("group_id", "since")
    )
    if not since_by_group:
        return []
    groups = Group.objects.filter(pk__in=since_by_group).prefetch_related("facilitators")
    entries = []
    for group in groups:
        schedule = describe(group.recurrence, group.first_starts_at_local, group.timezone)
        for facilitator in group.facilitators.all():
            if facilitator.pk == member.pk:
                continue
            entries.append(
                TeamEntry(
                    person=facilitator,
                    relation="facilitator",
                    detail=f"{group.topic}: {schedule}",
                    since=since_by_group[group.pk],
                    url=reverse("groups_detail", args=[group.pk]),
                )
            )
    return entries


def timeline_items(member: User) -> list[TimelineItem]:
    """The sessions the member was in (they opened the room or checked in)."""
    rows = (
        Attendance.objects.filter(user=member)
        .exclude(joined_room_at__isnull=True, checked_in_at__isnull=True)
        .select_related("session", "session__group")
        .order_by("-session__starts_at")[:200]
    )
    return [
        TimelineItem(
            when=a.session.starts_at,
            kind="group",
            title=f"Group session: {a.session.group.topic}",
            detail=f"{a.session.group.session_minutes} minutes"
            + (" (left early at the facilitator's request)" if a.removed_at else ""),
            url=reverse("groups_detail", args=[a.session.group_id]),
        )
        for a in rows
    ]


def _age_band(needs: GuideNeeds, user: User | AnonymousUser | None) -> str:
    if user is not None and user.is_authenticated:
        return str(user.age_band)
    # Teen groups are for signed-in teens only, as teen spaces are.
    return AgeBandRule.ADULT


def next_steps(needs: GuideNeeds, user: User | AnonymousUser | None) -> list[NextStep]:
    """Groups in the person's topics, soonest with a free place first."""
    if needs.formats and "group" not in needs.formats:
        return []
    if not needs.topics:
        return []
    signed_in = user is not None and user.is_authenticated
    groups = Group.objects.filter(
        is_active=True,
        space__slug__in=needs.topics,
        space__is_archived=False,
        space__age_band=_age_band(needs, user),
    ).select_related("space")
    if not signed_in:
        groups = groups.filter(space__visibility=Visibility.PUBLIC)
    now = timezone.now()
    candidates: list[tuple[tuple[int, datetime], NextStep]] = []
    for group in groups[:50]:
        step = _step(group, now)
        if step is not None:
            candidates.append(step)
    candidates.sort(key=lambda c: c[0])
    return [step for _, step in candidates[:MAX_STEPS]]


def _step(group: Group, now: datetime) -> tuple[tuple[int, datetime], NextStep] | None:
    schedule = describe(group.recurrence, group.first_starts_at_local, group.timezone)
    url = reverse("groups_detail", args=[group.pk])
    title = f"{group.topic} ({group.space.name})"
    if group.is_waiting_for_quorum:
        reason = (
            f"A small group about {group.space.name.lower()} that starts as soon as "
            f"{group.quorum} people say they'd join. Meets {schedule[0].lower()}{schedule[1:]}."
        )
        return (2, now), NextStep(kind="group", title=title, url=url, reason=reason)
    nxt = (
        GroupSession.objects.filter(group=group, status=SessionStatus.SCHEDULED, starts_at__gt=now)
        .order_by("starts_at")
        .first()
    )
    if nxt is None:
        return None
    free = places_left(group, nxt)
    days = (nxt.starts_at - now).days
    soon = "this week" if days < 7 else f"in {days // 7} week{'s' if days >= 14 else ''}"
    kind = "drop in to any session" if group.per_session else "the same small group each time"
    if free:
        reason = (
            f"It's about {group.space.name.lower()}, which you said matters to you: "
            f"{kind}, run by someone who has been there. Next session {soon}; "
            f"{free} place{'s' if free != 1 else ''} left."
        )
        rank = 0
    else:
        reason = (
            f"It's about {group.space.name.lower()}. It's full right now, but you can join "
            "the waitlist and get the next free place automatically."
        )
        rank = 1
    return (rank, nxt.starts_at), NextStep(kind="group", title=title, url=url, reason=reason)


def members_who_attended_a_group() -> list[int]:
    """Everyone who has been in a group session (one query; for the outcomes dashboard)."""
    return list(
        Attendance.objects.exclude(joined_room_at__isnull=True, checked_in_at__isnull=True)
        .values_list("user_id", flat=True)
        .distinct()
    )
