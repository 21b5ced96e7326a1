"""Looking after a group once it runs: edit it, cancel one session, archive it.

For the group's facilitators and staff (callers checked
``access_group(..., manage=True)`` / ``access_session(..., manage=True)``).

Locks are taken in the same order as everywhere else in the app: the group row
first, then session rows; and under the same locks the sign-up path uses (the
session for a drop-in place, the group for a cohort or pop-up place), so a
capacity change and a join or leave never count places at the same time.

The group row is locked ``FOR NO KEY UPDATE`` (``no_key=True``): a drop-in join
holds its session's lock and then inserts a sign-up, whose foreign key takes a
``KEY SHARE`` lock on the group; a plain ``FOR UPDATE`` here would wait for that
session while the join waits for the group (a deadlock, seen in
``tests/groups/test_concurrency.py``). ``NO KEY UPDATE`` still excludes a cohort
join's ``FOR UPDATE`` on the group. A session locked with its group joined in
locks only the session (``of=("self",)``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.audit.actions import record_event
from kindred.core.notifications import do_notify
from kindred.groups import audit_names as groups_audit
from kindred.groups.access import (
    signups_of_session,
)
from kindred.groups.actions.base import (
    MAX_DESCRIPTION,
    MAX_NORMS,
    MAX_TOPIC,
    GroupError,
    local_label,
)
from kindred.groups.actions.membership import _lock, _promote, end_grants_with_facilitators
from kindred.groups.actions.sessions import existing_room
from kindred.groups.events import (
    session_cancelled,
)
from kindred.groups.models import (
    Group,
    GroupFormat,
    GroupSession,
    SessionStatus,
    SignUp,
    SignUpStatus,
)
from kindred.rooms.actions import (
    do_broadcast,
    do_close_room,
    do_post_system,
)

if TYPE_CHECKING:
    from kindred.accounts.models import User

MAX_CANCEL_REASON = 200


ARCHIVED_REASON = "The group is no longer meeting."


# Text fields are audited by name only: what people wrote stays out of the audit log.
TEXT_FIELDS = ("topic", "description", "norms")


NUMBER_FIELDS = ("capacity", "session_minutes")


@dataclass(frozen=True)
class GroupChanges:
    """What a facilitator may change once a group runs (not its format, space or schedule)."""

    topic: str
    description: str
    norms: str
    capacity: int
    session_minutes: int

    @classmethod
    def of(cls, group: Group) -> GroupChanges:
        """The group as it is: the starting point for an edit."""
        return cls(**{f.name: getattr(group, f.name) for f in fields(cls)})


@dataclass(frozen=True)
class GroupUpdate:
    changed: list[str]
    promoted: int


def check_group_changes(group: Group, changes: GroupChanges) -> None:
    if not changes.topic.strip() or len(changes.topic) > MAX_TOPIC:
        raise GroupError(
            _("Give the group a topic of at most %(limit)s characters.") % {"limit": MAX_TOPIC}
        )
    if len(changes.description) > MAX_DESCRIPTION or len(changes.norms) > MAX_NORMS:
        raise GroupError(_("The description or the norms are too long."))
    if not 2 <= changes.capacity <= 50:
        raise GroupError(_("A group has room for 2 to 50 people."))
    if not 15 <= changes.session_minutes <= 240:
        raise GroupError(_("Sessions last 15 minutes to 4 hours."))
    if group.format == GroupFormat.POPUP and changes.capacity < group.quorum:
        raise GroupError(
            _(
                "This pop-up group opens with %(quorum)s people, so it needs room for at least "
                "%(quorum)s."
            )
            % {"quorum": group.quorum}
        )


def _not_started(group: Group, now: datetime) -> QuerySet[GroupSession]:
    return GroupSession.objects.filter(
        group=group, status=SessionStatus.SCHEDULED, starts_at__gt=now
    ).order_by("starts_at", "pk")


def do_update_group(
    actor: User, group: Group, changes: GroupChanges, *, now: datetime | None = None
) -> GroupUpdate:
    """Save the changes. More places: the waitlists move up, in queue order, and the
    people promoted are told. Fewer places: nobody loses theirs; new joins wait.
    A new session length applies to the sessions that have not started."""
    check_group_changes(group, changes)
    now = now or timezone.now()
    new: dict[str, str | int] = {
        "topic": changes.topic.strip(),
        "description": changes.description.strip(),
        "norms": changes.norms.strip() or Group._meta.get_field("norms").get_default(),
        "capacity": changes.capacity,
        "session_minutes": changes.session_minutes,
    }
    promoted = 0
    with transaction.atomic():
        locked = Group.objects.select_for_update(no_key=True).get(pk=group.pk)
        if not locked.is_active:
            raise GroupError(_("This group is archived; it can't be changed."))
        before = {name: getattr(locked, name) for name in new}
        changed = sorted(name for name, value in new.items() if before[name] != value)
        if not changed:
            return GroupUpdate(changed=[], promoted=0)
        for name in changed:
            setattr(locked, name, new[name])
        locked.save(update_fields=changed)
        if "session_minutes" in changed:
            _not_started(locked, now).update(
                ends_at=F("starts_at") + timedelta(minutes=locked.session_minutes)
            )
        if locked.capacity > before["capacity"]:
            promoted = _promote_all(locked, now)
        record_event(
            actor=actor,
            event=groups_audit.GROUP_UPDATED,
            target=locked,
            changes={
                **{name: [before[name], new[name]] for name in NUMBER_FIELDS if name in changed},
                "fields": changed,
            },
        )
    for name in changed:
        setattr(group, name, new[name])
    return GroupUpdate(changed=changed, promoted=promoted)


def _promote_all(group: Group, now: datetime) -> int:
    """Fill the new places from the waitlists. Caller holds the group's row lock."""
    if group.is_waiting_for_quorum:
        # Nobody has a place until the pop-up opens; the quorum decides that.
        return 0
    if not group.per_session:
        return len(_promote(group, None, now))
    promoted = 0
    for session in list(_not_started(group, now)):
        _lock(group, session)
        promoted += len(_promote(group, session, now))
    return promoted


def clean_cancel_reason(reason: str) -> str:
    reason = " ".join((reason or "").split())
    if not reason:
        raise GroupError(_("Give a short reason: the people signed up see it."))
    if len(reason) > MAX_CANCEL_REASON:
        raise GroupError(
            _("Keep the reason to %(limit)s characters.") % {"limit": MAX_CANCEL_REASON}
        )
    return reason


def _cancel_locked(actor: User, session: GroupSession, reason: str, now: datetime) -> list[User]:
    """Cancel a locked, scheduled session; returns the people to tell (not told yet)."""
    session.status = SessionStatus.CANCELLED
    session.cancelled_at = now
    session.cancel_reason = reason
    session.save(update_fields=["status", "cancelled_at", "cancel_reason"])
    record_event(
        actor=actor,
        event=groups_audit.SESSION_CANCELLED,
        target=session,
        changes={"status": [SessionStatus.SCHEDULED.value, SessionStatus.CANCELLED.value]},
    )
    room = existing_room(session)
    if room is not None:
        if room.is_open:
            do_post_system(room, "This session has been cancelled.")
            do_broadcast(room, session_cancelled(session.pk))
        do_close_room(room, actor=actor)
    return [s.user for s in signups_of_session(session).select_related("user").order_by("pk")]


def _notify_cancelled(group: Group, session: GroupSession, people: list[User], reason: str) -> None:
    # The time is on each person's clock: one notice per clock, not per person.
    by_label: dict[str, list[User]] = {}
    for person in people:
        by_label.setdefault(local_label(session.starts_at, person), []).append(person)
    url = reverse("groups_detail", args=[group.pk])
    for label, recipients in by_label.items():
        do_notify(
            recipients,
            kind="groups.session_cancelled",
            title=f"“{group.topic}” on {label} is cancelled. Reason: {reason}",
            url=url,
        )


def do_cancel_session(
    actor: User, session: GroupSession, reason: str, *, now: datetime | None = None
) -> bool:
    """Cancel one session that has not ended, and tell everyone signed up for it.

    Idempotent: cancelling a cancelled session changes nothing and returns False.
    """
    reason = clean_cancel_reason(reason)
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            GroupSession.objects.select_for_update(of=("self",))
            .select_related("group")
            .get(pk=session.pk)
        )
        if locked.status == SessionStatus.CANCELLED:
            session.status, session.cancel_reason = locked.status, locked.cancel_reason
            return False
        if locked.status == SessionStatus.ENDED or locked.ends_at <= now:
            raise GroupError(_("This session is over, so it can't be cancelled."))
        people = _cancel_locked(actor, locked, reason, now)
        _notify_cancelled(locked.group, locked, people, reason)
    session.status, session.cancelled_at, session.cancel_reason = (
        locked.status,
        locked.cancelled_at,
        locked.cancel_reason,
    )
    return True


def do_archive_group(actor: User, group: Group, *, now: datetime | None = None) -> int:
    """Stop the group: no new sign-ups, no new sessions, and every session that has not
    started is cancelled. Everyone signed up hears it once. Returns how many sessions
    were cancelled; archiving an archived group changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Group.objects.select_for_update(no_key=True).get(pk=group.pk)
        if not locked.is_active:
            group.is_active = False
            return 0
        locked.is_active = False
        locked.save(update_fields=["is_active"])
        people: dict[int, User] = {}
        cancelled = 0
        for session in list(_not_started(locked, now).select_for_update()):
            session.group = locked
            for person in _cancel_locked(actor, session, ARCHIVED_REASON, now):
                people.setdefault(person.pk, person)
            cancelled += 1
        # Whole-group places (and a pop-up's queue) count even with no session ahead.
        for signup in (
            SignUp.objects.filter(group=locked, session__isnull=True)
            .exclude(status=SignUpStatus.LEFT)
            .select_related("user")
            .order_by("pk")
        ):
            people.setdefault(signup.user_id, signup.user)
        # The group no longer ties anyone to its facilitators (the team source reads
        # ``is_active``): what its members shared with them ends.
        members = {
            s.user_id: s.user
            for s in SignUp.objects.filter(group=locked)
            .exclude(status=SignUpStatus.LEFT)
            .select_related("user")
        }
        end_grants_with_facilitators(locked, list(members.values()), reason="group_archived")
        record_event(
            actor=actor,
            event=groups_audit.GROUP_ARCHIVED,
            target=locked,
            changes={"is_active": [True, False], "sessions_cancelled": cancelled},
        )
        if people:
            do_notify(
                list(people.values()),
                kind="groups.group_archived",
                title=f"“{locked.topic}” is no longer meeting: its upcoming sessions are "
                "cancelled.",
                url=reverse("groups_detail", args=[locked.pk]),
            )
    group.is_active = False
    return cancelled
