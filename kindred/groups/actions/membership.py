"""Sign-up: joining, leaving, the waitlist and a pop-up's quorum.

Places are counted under a row lock (``select_for_update``) on the thing that has
the capacity: the session for a drop-in group, the group for a cohort or pop-up.
Two people asking for the last place at once are serialised by the database; one
joins, the other goes on the waitlist.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.accounts.age import current_age_band
from kindred.audit.actions import record_event
from kindred.core.notifications import do_notify
from kindred.core.roles import Role
from kindred.groups import audit_names as groups_audit
from kindred.groups.access import (
    blocked_with_facilitator,
    is_facilitator,
)
from kindred.groups.actions.base import GroupError, local_label
from kindred.groups.actions.schedule import do_materialise_sessions, upcoming_sessions
from kindred.groups.models import (
    Group,
    GroupSession,
    SessionStatus,
    SignUp,
    SignUpStatus,
)

if TYPE_CHECKING:
    from kindred.accounts.models import User


def check_can_sign_up(user: User | AnonymousUser, group: Group) -> None:
    if not user.is_authenticated:
        raise GroupError(_("Log in to join a group."))
    if not user.has_role(Role.MEMBER):
        raise GroupError(_("Groups are for members."))
    if not group.is_active:
        raise GroupError(_("This group is not meeting any more."))
    if current_age_band(user) != group.space.age_band:
        raise GroupError(_("This group is for another age group."))
    if is_facilitator(user, group):
        raise GroupError(_("You facilitate this group."))
    if blocked_with_facilitator(user, group):
        raise GroupError(_("You can't join a group run by someone you have blocked."))


def _lock(group: Group, session: GroupSession | None) -> None:
    """Take the row lock that serialises places: the session (drop-in) or the group."""
    if session is not None:
        GroupSession.objects.select_for_update().filter(pk=session.pk).first()
    else:
        Group.objects.select_for_update().filter(pk=group.pk).first()


def _signups(group: Group, session: GroupSession | None) -> QuerySet[SignUp]:
    if session is not None:
        return SignUp.objects.filter(session=session)
    return SignUp.objects.filter(group=group, session__isnull=True)


def _target(group: Group, session: GroupSession | None) -> GroupSession | None:
    if group.per_session:
        if session is None:
            raise GroupError(_("Choose a session to sign up for."))
        if session.group_id != group.pk:
            raise GroupError(_("That session belongs to another group."))
        if session.status != SessionStatus.SCHEDULED or session.starts_at <= timezone.now():
            raise GroupError(_("Sign-up for this session has closed."))
        return session
    # Cohort and pop-up places are for the whole group.
    return None


def do_join(user: User, group: Group, session: GroupSession | None = None) -> SignUp:
    """A place if there is one, else a place on the waitlist. Joining twice changes nothing."""
    check_can_sign_up(user, group)
    session = _target(group, session)
    now = timezone.now()
    with transaction.atomic():
        _lock(group, session)
        # Read again under the lock: the group may have been archived, or the session
        # cancelled, since the checks above (they lock the same rows).
        group.refresh_from_db(fields=["opened_at", "is_active"])
        if not group.is_active:
            raise GroupError(_("This group is not meeting any more."))
        if session is not None:
            session.refresh_from_db(fields=["status"])
            if session.status != SessionStatus.SCHEDULED:
                raise GroupError(_("Sign-up for this session has closed."))
        signup = _signups(group, session).select_for_update().filter(user=user).first()
        if signup is not None and signup.status != SignUpStatus.LEFT:
            return signup
        taken = _signups(group, session).filter(status=SignUpStatus.JOINED).count()
        waiting = _signups(group, session).filter(status=SignUpStatus.WAITLISTED).exists()
        has_place = taken < group.capacity and not waiting and not group.is_waiting_for_quorum
        status = SignUpStatus.JOINED if has_place else SignUpStatus.WAITLISTED
        if signup is None:
            signup = SignUp(group=group, session=session, user=user)
        signup.status = status
        signup.queued_at = now
        signup.joined_at = now if has_place else None
        signup.left_at = None
        signup.save()
        if group.is_waiting_for_quorum:
            _open_popup_if_quorum(group, now)
            signup.refresh_from_db()
    return signup


def do_leave(user: User, group: Group, session: GroupSession | None = None) -> SignUp | None:
    """Give up a place (or a place in the queue); the head of the waitlist moves up."""
    if group.per_session and session is None:
        raise GroupError(_("Choose a session to leave."))
    session = session if group.per_session else None
    now = timezone.now()
    with transaction.atomic():
        _lock(group, session)
        signup = _signups(group, session).select_for_update().filter(user=user).first()
        if signup is None or signup.status == SignUpStatus.LEFT:
            return None
        had_place = signup.status == SignUpStatus.JOINED
        signup.status = SignUpStatus.LEFT
        signup.left_at = now
        signup.save(update_fields=["status", "left_at"])
        if had_place:
            _promote(group, session, now)
        end_grants_with_facilitators(group, [user], reason="left_group")
    return signup


def end_grants_with_facilitators(group: Group, people: list[User], *, reason: str) -> int:
    """What ``people`` share with the group's facilitators was shared for the group:
    it ends with their place, unless another group (or connection) still ties them.
    Runs in the caller's transaction, after the places are given up."""
    # Imported here: the care app depends on groups, not the other way round.
    from kindred.consent.actions import do_end_grants_for_relationships

    facilitators = list(group.facilitators.all())
    return do_end_grants_for_relationships(
        [(person, facilitator) for person in people for facilitator in facilitators],
        reason=reason,
    )


def leave_groups_of_other_age_band(user: User, old: str, new: str) -> dict[str, int]:
    """What a change of age band (a teen turning 18, a staff correction) means here.

    Groups follow their space's band, so the person's places and waitlist places
    in groups of the other band are given up, as if they had left: each freed place
    goes to the next person waiting. Only what is still to come is touched, a place
    in an active group or in a drop-in session that has not ended; past sign-ups stay as
    the record of what happened. Groups the person facilitates are not changed:
    facilitating is a role given by staff, not an age band.

    Registered with ``kindred.accounts.age``; runs in the transaction that changes
    the band, with the person's row locked.
    """
    now = timezone.now()
    signups = (
        SignUp.objects.filter(
            user=user,
            group__is_active=True,
            status__in=[SignUpStatus.JOINED, SignUpStatus.WAITLISTED],
        )
        .exclude(group__space__age_band=new)
        .select_related("group", "session")
    )
    left = 0
    for signup in signups:
        if signup.session is not None and signup.session.ends_at <= now:
            continue
        if do_leave(user, signup.group, signup.session) is not None:
            left += 1
    # The count goes into the band change's own audit record.
    return {"group_places_given_up": left}


def _promote(group: Group, session: GroupSession | None, now: datetime) -> list[SignUp]:
    """Fill free places from the head of the waitlist. Caller holds the lock of ``_lock``."""
    taken = _signups(group, session).filter(status=SignUpStatus.JOINED).count()
    free = group.capacity - taken
    if free <= 0:
        return []
    promoted = list(
        _signups(group, session)
        .filter(status=SignUpStatus.WAITLISTED)
        .select_related("user")
        .order_by("queued_at", "pk")[:free]
    )
    for signup in promoted:
        signup.status = SignUpStatus.JOINED
        signup.joined_at = now
        signup.save(update_fields=["status", "joined_at"])
    if promoted:
        when = f" on {local_label(session.starts_at, promoted[0].user)}" if session else ""
        for signup in promoted:
            do_notify(
                [signup.user],
                kind="groups.promoted",
                title=f"A place opened up in “{group.topic}”{when}: you're in.",
                url=reverse("groups_detail", args=[group.pk]),
            )
    return promoted


def _open_popup_if_quorum(group: Group, now: datetime) -> bool:
    """Open a pop-up group once ``quorum`` people wait. Caller holds the group's lock."""
    waiting = _signups(group, None).filter(status=SignUpStatus.WAITLISTED).count()
    if waiting < group.quorum:
        return False
    group.opened_at = now
    group.save(update_fields=["opened_at"])
    do_materialise_sessions(group, now=now)
    promoted = _promote(group, None, now)
    first = upcoming_sessions(group, now).first()
    for signup in promoted:
        when = f" First session: {local_label(first.starts_at, signup.user)}." if first else ""
        do_notify(
            [signup.user],
            kind="groups.popup_opened",
            title=f"“{group.topic}” is opening: enough people are waiting.{when}",
            url=reverse("groups_detail", args=[group.pk]),
        )
    do_notify(
        group.facilitators.all(),
        kind="groups.popup_opened",
        title=f"Your pop-up group “{group.topic}” reached its quorum and is opening.",
        url=reverse("groups_detail", args=[group.pk]),
    )
    record_event(actor=None, event=groups_audit.POPUP_OPENED, target=group)
    return True


def signup_for(
    user: User | AnonymousUser, group: Group, session: GroupSession | None = None
) -> SignUp | None:
    if not user.is_authenticated:
        return None
    return (
        _signups(group, session if group.per_session else None)
        .filter(user=user)
        .exclude(status=SignUpStatus.LEFT)
        .first()
    )


def waitlist_position(signup: SignUp) -> int:
    """1 for the head of the waitlist."""
    ahead = (
        _signups(signup.group, signup.session)
        .filter(status=SignUpStatus.WAITLISTED, queued_at__lt=signup.queued_at)
        .count()
    )
    return ahead + 1


def places_left(group: Group, session: GroupSession | None = None) -> int:
    taken = (
        _signups(group, session if group.per_session else None)
        .filter(status=SignUpStatus.JOINED)
        .count()
    )
    return max(group.capacity - taken, 0)
