"""A session's life: its room opened and closed, the session ended (by the facilitator
or the overdue sweep), attendance and ratings kept, room messages purged.

Each action changes the session's rows and writes the audit record in one transaction,
and tells the room through the engine after commit. Callers have checked access
(``access_session(..., write=True)`` for facilitator actions).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.audit.actions import record_event
from kindred.core.notifications import do_notify
from kindred.core.retention import BATCH_SIZE, delete_in_batches
from kindred.groups import audit_names as groups_audit
from kindred.groups.access import (
    is_facilitator,
    participant_signups,
    room_grace,
)
from kindred.groups.actions.base import GroupError
from kindred.groups.events import (
    norms_pinned,
    session_ended,
)
from kindred.groups.models import (
    Attendance,
    GroupSession,
    SessionStatus,
)
from kindred.groups.room import KIND
from kindred.rooms.actions import (
    do_broadcast,
    do_close_room,
    do_open_room,
    do_post_system,
    get_or_create_room,
)
from kindred.rooms.models import Room

if TYPE_CHECKING:
    from kindred.accounts.models import User


def opens_before() -> timedelta:
    """How early before the start a facilitator may open the room."""
    return timedelta(minutes=getattr(settings, "GROUPS_ROOM_OPENS_MINUTES_BEFORE", 60))


def room_for(session: GroupSession) -> Room:
    return get_or_create_room(KIND, session.pk)


def existing_room(session: GroupSession) -> Room | None:
    return Room.objects.filter(kind=KIND, object_id=session.pk).first()


def _locked(session: GroupSession) -> GroupSession:
    """The session row, locked: tools on one session run one at a time."""
    # Only the session row: locking the joined group too would make a drop-in join, which
    # holds the session and then key-share locks the group, deadlock with it.
    locked = (
        GroupSession.objects.select_for_update(of=("self",))
        .select_related("group")
        .get(pk=session.pk)
    )
    if locked.status == SessionStatus.CANCELLED:
        raise GroupError(_("This session is cancelled."))
    if locked.status != SessionStatus.SCHEDULED:
        raise GroupError(_("This session has ended."))
    return locked


def _attendance(session: GroupSession, user: User) -> Attendance:
    attendance, _created = Attendance.objects.get_or_create(session=session, user=user)
    return attendance


def _open_room(session: GroupSession) -> Room:
    room = existing_room(session)
    if room is None or not room.is_open:
        raise GroupError(_("Open the room first."))
    return room


def do_open_session_room(facilitator: User, session: GroupSession) -> Room:
    now = timezone.now()
    if now < session.starts_at - opens_before():
        minutes = int(opens_before().total_seconds() // 60)
        raise GroupError(
            _("The room can open up to %(minutes)s minutes before the start.")
            % {"minutes": minutes}
        )
    if now >= session.ends_at + room_grace():
        raise GroupError(_("This session is over."))
    with transaction.atomic():
        locked = _locked(session)
        first = locked.room_opened_at is None
        if first:
            locked.room_opened_at = now
            locked.save(update_fields=["room_opened_at"])
        room = room_for(locked)
        was_open = room.is_open and not first
        do_open_room(room, actor=facilitator)
        record_event(actor=facilitator, event=groups_audit.ROOM_OPENED, target=locked)
        if not was_open:
            do_post_system(room, "The facilitator opened the room. Welcome.")
        if first:
            # A live notification (with its link) reaches a page left open while waiting.
            do_notify(
                [s.user for s in participant_signups(locked).select_related("user")],
                kind="groups.room_opened",
                title=f"The room for “{locked.group.topic}” is open.",
                url=reverse("groups_session", args=[locked.pk]),
            )
    session.room_opened_at = locked.room_opened_at
    return room


def do_close_session_room(facilitator: User, session: GroupSession) -> None:
    """Pause the room (everyone is disconnected); the facilitator may open it again."""
    with transaction.atomic():
        locked = _locked(session)
        room = existing_room(locked)
        if room is None:
            raise GroupError(_("The room has not been opened."))
        do_post_system(room, "The facilitator closed the room for now.")
        do_close_room(room, actor=facilitator)


def do_pin_norms(facilitator: User, session: GroupSession) -> None:
    with transaction.atomic():
        locked = _locked(session)
        room = _open_room(locked)
        locked.norms_pinned_at = timezone.now()
        locked.save(update_fields=["norms_pinned_at"])
        do_post_system(room, "Our group norms are pinned at the top of the room.")
        do_broadcast(room, norms_pinned(locked.group.norms))


class AttendanceSummary(TypedDict):
    """Kept on the ended session (``GroupSession.summary``)."""

    signed_up: int
    attended: int
    checked_in: int
    passed: int
    muted: int
    removed: int
    attendees: list[str]


def attendance_summary(session: GroupSession) -> AttendanceSummary:
    """Who was there and how: counts and handles, never anything anyone wrote."""
    rows = list(Attendance.objects.filter(session=session).select_related("user"))
    present = [a for a in rows if a.attended]
    facilitator_ids = set(session.group.facilitators.values_list("pk", flat=True))
    participants = [a for a in present if a.user_id not in facilitator_ids]
    return {
        "signed_up": participant_signups(session).count(),
        "attended": len(participants),
        "checked_in": sum(1 for a in participants if a.checked_in_at and not a.passed),
        "passed": sum(1 for a in participants if a.passed),
        "muted": sum(1 for a in rows if a.muted_at),
        "removed": sum(1 for a in rows if a.removed_at),
        "attendees": sorted((a.user.handle for a in participants), key=str.lower),
    }


def do_end_session(
    facilitator: User | None, session: GroupSession, *, now: datetime | None = None
) -> AttendanceSummary:
    """End the session: close the room for good, keep the attendance summary.

    ``facilitator`` is None when the sweep ends a session nobody ended.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(session)
        summary = attendance_summary(locked)
        locked.status = SessionStatus.ENDED
        locked.ended_at = now
        locked.ended_by = facilitator
        locked.summary = summary
        locked.save(update_fields=["status", "ended_at", "ended_by", "summary"])
        Attendance.objects.filter(session=locked).update(hand_raised_at=None)
        record_event(
            actor=facilitator,
            event=groups_audit.SESSION_ENDED,
            target=locked,
            changes={k: v for k, v in summary.items() if k != "attendees"},
        )
        room = existing_room(locked)
        if room is not None:
            if room.is_open:
                do_post_system(room, "The session has ended. Thank you for being here.")
                do_broadcast(room, session_ended(locked.pk))
            do_close_room(room, actor=facilitator)
        attendees = [
            a.user
            for a in Attendance.objects.filter(session=locked).select_related("user")
            if a.attended and a.removed_at is None and a.user_id != getattr(facilitator, "pk", None)
        ]
        if attendees:
            do_notify(
                attendees,
                kind="groups.rate",
                title=f"How was “{locked.group.topic}” for you? One click tells the facilitator.",
                url=reverse("groups_session", args=[locked.pk]),
            )
    session.status, session.ended_at, session.summary = locked.status, now, summary
    return summary


def do_record_room_visit(user: User, session: GroupSession) -> Attendance:
    """Mark ``user`` present (they opened the live room). Caller checked can_join_room."""
    attendance = _attendance(session, user)
    if attendance.joined_room_at is None:
        attendance.joined_room_at = timezone.now()
        attendance.save(update_fields=["joined_room_at"])
    return attendance


def end_overdue_sessions(now: datetime | None = None) -> int:
    """End the sessions whose room was opened but nobody ended, once past the grace time."""
    now = now or timezone.now()
    overdue = GroupSession.objects.filter(
        status=SessionStatus.SCHEDULED,
        room_opened_at__isnull=False,
        ends_at__lt=now - room_grace(),
    )
    ended = 0
    for session in overdue:
        try:
            do_end_session(None, session, now=now)
        except GroupError:
            continue
        ended += 1
    return ended


def purge_ended_room_messages(now: datetime | None = None) -> int:
    """Delete group rooms' messages ``GROUPS_ROOM_RETENTION_DAYS`` after the session ended."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=getattr(settings, "GROUPS_ROOM_RETENTION_DAYS", 7))
    return purge_session_room_messages(cutoff)


def purge_session_room_messages(cutoff: datetime, batch_size: int = BATCH_SIZE) -> int:
    """Delete, in batches, the room messages of sessions that ended at or before ``cutoff``
    (the ``groups.room_messages`` retention rule).

    Shorter than the engine's general retention: nobody can read a group's room
    after the session anyway, and moderators keep their own copy in risk flags.
    """
    from kindred.rooms.models import RoomMessage

    ended = GroupSession.objects.filter(status=SessionStatus.ENDED, ended_at__lte=cutoff).values(
        "pk"
    )
    return delete_in_batches(
        RoomMessage.objects.filter(room__kind=KIND, room__object_id__in=ended), batch_size
    )


def do_rate_session(user: User, session: GroupSession, rating: int) -> Attendance:
    """The short check-out rating (1–5), once per person who was there, facilitators
    aside: the rating tells them how their session went."""
    if is_facilitator(user, session.group):
        raise GroupError(_("Facilitators don't rate their own sessions."))
    if not 1 <= rating <= 5:
        raise GroupError(_("Choose a rating from 1 to 5."))
    with transaction.atomic():
        attendance = (
            Attendance.objects.select_for_update().filter(session=session, user=user).first()
        )
        if attendance is None or not attendance.attended:
            raise GroupError(_("Only people who were in the session can rate it."))
        if attendance.rated_at is not None:
            raise GroupError(_("You have rated this session already. Thank you!"))
        attendance.rating = rating
        attendance.rated_at = timezone.now()
        attendance.save(update_fields=["rating", "rated_at"])
    return attendance
