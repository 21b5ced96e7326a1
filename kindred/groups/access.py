"""Who sees and does what with groups and their sessions. The one place these rules live.

Groups live in community spaces and follow the spaces' rules: a teen sees teen
groups, an adult adult ones, a visitor public adult ones. Missing and forbidden
are the same :class:`NotFound`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.accounts.access import has_mfa
from kindred.accounts.age import current_age_band
from kindred.community.access import active_suspension, visible_spaces
from kindred.core.access import NotFound
from kindred.core.roles import Role
from kindred.groups.models import (
    Attendance,
    Group,
    GroupSession,
    SessionStatus,
    SignUp,
    SignUpStatus,
)
from kindred.safety.access import blocked_user_ids
from kindred.safety.models import Flag, FlagKind

if TYPE_CHECKING:
    from kindred.accounts.models import User


def room_grace() -> timedelta:
    """How long after its scheduled end a session's room may still be read."""
    return timedelta(minutes=getattr(settings, "GROUPS_ROOM_GRACE_MINUTES", 30))


def is_facilitator(user: User | AnonymousUser, group: Group) -> bool:
    if not user.is_authenticated or not user.has_role(Role.FACILITATOR):
        return False
    return group.facilitators.filter(pk=user.pk).exists()


def is_groups_staff(user: User | AnonymousUser) -> bool:
    """Staff (with their second factor) look after every group."""
    return bool(user.is_authenticated and user.has_role(Role.STAFF) and has_mfa(user))


def can_manage_group(user: User | AnonymousUser, group: Group) -> bool:
    """Edit the group, cancel a session, archive it: its facilitators, and staff."""
    return is_facilitator(user, group) or is_groups_staff(user)


def visible_groups(user: User | AnonymousUser) -> QuerySet[Group]:
    """The groups listed for ``user``: active ones in spaces they may read."""
    spaces = visible_spaces(user)
    query = Q(is_active=True, space__in=spaces)
    if user.is_authenticated:
        # Facilitators always see what they run, active or not.
        query |= Q(facilitators=user)
    return Group.objects.filter(query).distinct()


def readable_groups(user: User | AnonymousUser) -> QuerySet[Group]:
    """The groups whose page ``user`` may open.

    The listed ones, and an archived group for the people who still held a place
    (or a place in the queue) in it, so they can see what happened. Staff: all.
    """
    if is_groups_staff(user):
        return Group.objects.all()
    spaces = visible_spaces(user)
    query = Q(is_active=True, space__in=spaces)
    if user.is_authenticated:
        query |= Q(facilitators=user)
        query |= Q(
            space__in=spaces,
            signups__user=user,
            signups__status__in=[SignUpStatus.JOINED, SignUpStatus.WAITLISTED],
        )
    return Group.objects.filter(query).distinct()


def access_group(
    user: User | AnonymousUser, group_id: int, *, write: bool = False, manage: bool = False
) -> Group:
    """A group ``user`` may see; with ``write``, one they facilitate (the live tools);
    with ``manage``, one they may edit, cancel sessions of and archive (facilitators, staff)."""
    group = readable_groups(user).select_related("space").filter(pk=group_id).first()
    if group is None:
        raise NotFound("group")
    if (write and not is_facilitator(user, group)) or (
        manage and not can_manage_group(user, group)
    ):
        raise NotFound("group")
    return group


def access_session(
    user: User | AnonymousUser, session_id: int, *, write: bool = False, manage: bool = False
) -> GroupSession:
    """A session of a group ``user`` may see; ``write`` and ``manage`` as for the group."""
    session = (
        GroupSession.objects.select_related("group", "group__space").filter(pk=session_id).first()
    )
    if session is None:
        raise NotFound("session")
    try:
        access_group(user, session.group_id, write=write, manage=manage)
    except NotFound:
        raise NotFound("session") from None
    return session


def signups_of_session(session: GroupSession) -> QuerySet[SignUp]:
    """Everyone holding a place or a place in the queue that covers ``session``
    (the people told when it is cancelled)."""
    statuses = [SignUpStatus.JOINED, SignUpStatus.WAITLISTED]
    if session.group.per_session:
        return SignUp.objects.filter(session=session, status__in=statuses)
    return SignUp.objects.filter(
        group_id=session.group_id, session__isnull=True, status__in=statuses
    )


def participant_signups(session: GroupSession) -> QuerySet[SignUp]:
    """The joined sign-ups that give a place in ``session``."""
    if session.group.per_session:
        return SignUp.objects.filter(session=session, status=SignUpStatus.JOINED)
    return SignUp.objects.filter(
        group_id=session.group_id, session__isnull=True, status=SignUpStatus.JOINED
    )


def is_signed_up(user: User | AnonymousUser, session: GroupSession) -> bool:
    if not user.is_authenticated:
        return False
    return participant_signups(session).filter(user=user).exists()


def access_participant(session: GroupSession, user_id: int) -> User:
    """A participant of ``session`` (the same error for anyone else), for the
    facilitator tools that act on one person."""
    from kindred.accounts.models import User

    user = User.objects.filter(pk=user_id).first()
    if user is None or not is_signed_up(user, session):
        raise NotFound("participant")
    return user


def access_session_risk_flag(session: GroupSession, flag_id: int) -> Flag:
    """A risk flag raised by what someone wrote in ``session`` (a room message or their
    check-in word), about that person: what a facilitator may reach out privately about.

    Caller checked ``access_session(..., write=True)`` (a facilitator of the group).
    Every other flag, including one about the same person from elsewhere or about someone
    who has left the session since, is the same :class:`NotFound` as a missing one: a
    facilitator learns nothing about other flags.
    """
    from kindred.groups.room import KIND
    from kindred.rooms.models import RoomMessage

    flag = (
        Flag.objects.select_related("subject")
        .filter(pk=flag_id, kind=FlagKind.RISK, subject__isnull=False)
        .first()
    )
    source = int(flag.source_id) if flag is not None and flag.source_id.isdigit() else None
    found = False
    if flag is not None and source is not None:
        if flag.source_type == "rooms.message":
            found = RoomMessage.objects.filter(
                pk=source, author_id=flag.subject_id, room__kind=KIND, room__object_id=session.pk
            ).exists()
        elif flag.source_type == "groups.checkin":
            found = Attendance.objects.filter(
                pk=source, user_id=flag.subject_id or 0, session=session
            ).exists()
    # Leaving the group ends this (kindred/care/visibility.py, FACILITATOR_SESSION_RISK_ALERTS).
    if flag is None or flag.subject is None or not found or not is_signed_up(flag.subject, session):
        raise NotFound("flag")
    return flag


def blocked_with_facilitator(user: User, group: Group) -> bool:
    blocked = blocked_user_ids(user)
    return bool(blocked) and group.facilitators.filter(pk__in=blocked).exists()


def attendance_of(user: User, session: GroupSession) -> Attendance | None:
    return Attendance.objects.filter(session=session, user=user).first()


def room_is_live(session: GroupSession, now: datetime | None = None) -> bool:
    """The room of a session may be read: opened, not ended, not long past its end."""
    now = now or timezone.now()
    return (
        session.status == SessionStatus.SCHEDULED
        and session.room_opened_at is not None
        and now < session.ends_at + room_grace()
    )


def can_join_room(
    user: User | AnonymousUser, session: GroupSession, now: datetime | None = None
) -> bool:
    """Read the room and hear it live: during the session only, and only its people.

    Facilitators of the group; signed-up members of the session's age band who
    were not removed and have not blocked (or been blocked by) a facilitator.
    Nobody once it ended: the room is for the hour, not an archive.
    """
    if not user.is_authenticated or not user.is_active:
        return False
    if not room_is_live(session, now):
        return False
    group = session.group
    if is_facilitator(user, group):
        return True
    if current_age_band(user) != group.space.age_band or not is_signed_up(user, session):
        return False
    if blocked_with_facilitator(user, group):
        return False
    attendance = attendance_of(user, session)
    return attendance is None or attendance.removed_at is None


def write_refusal(user: User, session: GroupSession) -> str | None:
    """Why ``user`` may not write in the room now (None: they may). Caller checked can_join."""
    if is_facilitator(user, session.group):
        return None
    attendance = attendance_of(user, session)
    if attendance is not None and attendance.removed_at is not None:
        return _("The facilitator has removed you from this session.")
    if attendance is not None and attendance.muted_at is not None:
        if attendance.mute_reason:
            return _("The facilitator has muted you. Reason: %(reason)s") % {
                "reason": attendance.mute_reason
            }
        return _("The facilitator has muted you.")
    suspension = active_suspension(user, session.group.space)
    if suspension is not None:
        return _("You can't write until %(until)s UTC. Reason: %(reason)s") % {
            "until": f"{suspension.until:%-d %B %Y, %H:%M}",
            "reason": suspension.reason,
        }
    if attendance is None or attendance.checked_in_at is None:
        return _("Check in first: share a word for how you are, or pass.")
    return None
