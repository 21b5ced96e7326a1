"""The live session: the facilitator's tools and what participants do in the room.

Each tool is one ``do_*`` action: it changes the session's rows and writes the audit
record in one transaction, and tells the room through the engine after commit —
:func:`~kindred.rooms.actions.do_post_system` for what belongs in the record of the
room ("Sam checked in: tired"), :func:`~kindred.rooms.actions.do_broadcast` for live
state (the raise-hand queue). Callers have checked access (``access_session(...,
write=True)`` for facilitator tools, :func:`kindred.groups.access.can_join_room` for
participants).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.audit.actions import record_event
from kindred.core.events import send_event_on_commit, user_group
from kindred.core.notifications import do_notify
from kindred.core.retention import BATCH_SIZE, delete_in_batches
from kindred.groups import audit_names as groups_audit
from kindred.groups.access import (
    can_join_room,
    is_facilitator,
    is_signed_up,
    participant_signups,
    room_grace,
)
from kindred.groups.actions import GroupError
from kindred.groups.events import (
    hands_changed,
    member_muted,
    norms_pinned,
    participant_checked_in,
    participant_muted,
    participant_unmuted,
    session_ended,
)
from kindred.groups.models import Attendance, GroupSession, SessionStatus
from kindred.groups.room import KIND
from kindred.rooms.actions import (
    do_broadcast,
    do_close_room,
    do_disconnect_user,
    do_open_room,
    do_post_system,
    get_or_create_room,
)
from kindred.rooms.models import Room
from kindred.safety.access import blocked_user_ids
from kindred.safety.actions import SafetyActionError, screen_text
from kindred.safety.models import Flag, SupportMessage
from kindred.safety.support import do_facilitator_reach_out


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
        raise GroupError("This session is cancelled.")
    if locked.status != SessionStatus.SCHEDULED:
        raise GroupError("This session has ended.")
    return locked


def _attendance(session: GroupSession, user: Any) -> Attendance:
    attendance, _ = Attendance.objects.get_or_create(session=session, user=user)
    return attendance


# --- Opening and closing ------------------------------------------------------------


def do_open_session_room(facilitator: Any, session: GroupSession) -> Room:
    now = timezone.now()
    if now < session.starts_at - opens_before():
        minutes = int(opens_before().total_seconds() // 60)
        raise GroupError(f"The room can open up to {minutes} minutes before the start.")
    if now >= session.ends_at + room_grace():
        raise GroupError("This session is over.")
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


def do_close_session_room(facilitator: Any, session: GroupSession) -> None:
    """Pause the room (everyone is disconnected); the facilitator may open it again."""
    with transaction.atomic():
        locked = _locked(session)
        room = existing_room(locked)
        if room is None:
            raise GroupError("The room has not been opened.")
        do_post_system(room, "The facilitator closed the room for now.")
        do_close_room(room, actor=facilitator)


def do_pin_norms(facilitator: Any, session: GroupSession) -> None:
    with transaction.atomic():
        locked = _locked(session)
        room = _open_room(locked)
        locked.norms_pinned_at = timezone.now()
        locked.save(update_fields=["norms_pinned_at"])
        do_post_system(room, "Our group norms are pinned at the top of the room.")
        do_broadcast(room, norms_pinned(locked.group.norms))


def _open_room(session: GroupSession) -> Room:
    room = existing_room(session)
    if room is None or not room.is_open:
        raise GroupError("Open the room first.")
    return room


# --- Check-in round and turn-taking ---------------------------------------------------


def do_check_in(
    user: Any, session: GroupSession, *, mood_word: str = "", passed: bool
) -> Attendance:
    """Share one word for how you are, or pass. Either way you may then write."""
    word = " ".join(mood_word.split())[:30]
    if not passed and not word:
        raise GroupError("Share a word, or choose to pass.")
    with transaction.atomic():
        locked = _locked(session)
        if not can_join_room(user, locked):
            raise GroupError("You are not in this session's room.")
        room = _open_room(locked)
        attendance = _attendance(locked, user)
        if attendance.checked_in_at is not None:
            raise GroupError("You have checked in already.")
        now = timezone.now()
        attendance.checked_in_at = now
        attendance.joined_room_at = attendance.joined_room_at or now
        attendance.passed = passed or not word
        attendance.mood_word = "" if attendance.passed else word
        attendance.save(update_fields=["checked_in_at", "joined_room_at", "passed", "mood_word"])
        if attendance.passed:
            do_post_system(room, f"{user.handle} checked in and passed.")
        else:
            # The word reaches the room, so it is screened like any message.
            screen_text(
                user,
                word,
                area="groups",
                source_type="groups.checkin",
                source_id=attendance.pk,
                context=f"Group check-in: {locked.group.topic}",
            )
            do_post_system(room, f"{user.handle} checked in: {word}")
        do_broadcast(room, participant_checked_in(handle=user.handle, passed=attendance.passed))
    return attendance


def participant_rows(session: GroupSession) -> list[dict[str, Any]]:
    """Everyone with a place, by handle, with their attendance (None: not seen yet)."""
    signups = list(participant_signups(session).select_related("user").order_by("queued_at"))
    by_user = {a.user_id: a for a in Attendance.objects.filter(session=session)}
    return [
        {"user": s.user, "attendance": by_user.get(s.user_id)}
        for s in sorted(signups, key=lambda s: s.user.handle.lower())
    ]


def hand_queue(session: GroupSession) -> list[str]:
    """Handles with a raised hand, longest waiting first."""
    return list(
        Attendance.objects.filter(session=session, hand_raised_at__isnull=False)
        .order_by("hand_raised_at", "pk")
        .values_list("user__handle", flat=True)
    )


def do_set_hand(user: Any, session: GroupSession, raised: bool) -> list[str]:
    with transaction.atomic():
        locked = _locked(session)
        if not can_join_room(user, locked):
            raise GroupError("You are not in this session's room.")
        room = _open_room(locked)
        attendance = _attendance(locked, user)
        if raised and attendance.hand_raised_at is None:
            attendance.hand_raised_at = timezone.now()
        elif not raised:
            attendance.hand_raised_at = None
        attendance.save(update_fields=["hand_raised_at"])
        queue = hand_queue(locked)
        do_broadcast(room, hands_changed(queue))
    return queue


def do_next_hand(facilitator: Any, session: GroupSession) -> str | None:
    """Give the floor to the longest-waiting raised hand; returns their handle."""
    with transaction.atomic():
        locked = _locked(session)
        room = _open_room(locked)
        first = (
            Attendance.objects.select_related("user")
            .filter(session=locked, hand_raised_at__isnull=False)
            .order_by("hand_raised_at", "pk")
            .first()
        )
        if first is None:
            return None
        first.hand_raised_at = None
        first.save(update_fields=["hand_raised_at"])
        do_post_system(room, f"Over to {first.user.handle}.")
        do_broadcast(room, hands_changed(hand_queue(locked), turn=first.user.handle))
    return first.user.handle


# --- Mute and remove --------------------------------------------------------------------


def _participant(session: GroupSession, target: Any) -> None:
    if is_facilitator(target, session.group) or not is_signed_up(target, session):
        raise GroupError("That person is not a participant in this session.")


def _clean_reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise GroupError("Give a reason; the person sees it.")
    return reason[:200]


def do_mute(facilitator: Any, session: GroupSession, target: Any, reason: str) -> Attendance:
    reason = _clean_reason(reason)
    with transaction.atomic():
        locked = _locked(session)
        _participant(locked, target)
        room = _open_room(locked)
        attendance = _attendance(locked, target)
        attendance.muted_at = timezone.now()
        attendance.mute_reason = reason
        attendance.save(update_fields=["muted_at", "mute_reason"])
        record_event(
            actor=facilitator,
            event=groups_audit.PARTICIPANT_MUTED,
            target=attendance,
            changes={"user": target.pk, "reason": reason},
        )
        do_post_system(room, f"The facilitator muted {target.handle}.")
        do_broadcast(room, participant_muted(target.handle))
        send_event_on_commit(
            user_group(target.pk),
            member_muted(session=locked.pk, reason=reason),
        )
    return attendance


def do_unmute(facilitator: Any, session: GroupSession, target: Any) -> Attendance:
    with transaction.atomic():
        locked = _locked(session)
        _participant(locked, target)
        room = _open_room(locked)
        attendance = _attendance(locked, target)
        if attendance.muted_at is None:
            return attendance
        attendance.muted_at = None
        attendance.mute_reason = ""
        attendance.save(update_fields=["muted_at", "mute_reason"])
        record_event(
            actor=facilitator,
            event=groups_audit.PARTICIPANT_UNMUTED,
            target=attendance,
            changes={"user": target.pk},
        )
        do_post_system(room, f"{target.handle} can write again.")
        do_broadcast(room, participant_unmuted(target.handle))
    return attendance


def do_remove(facilitator: Any, session: GroupSession, target: Any, reason: str) -> Attendance:
    """Take someone out of this session's room for the rest of it (their sockets close)."""
    reason = _clean_reason(reason)
    with transaction.atomic():
        locked = _locked(session)
        _participant(locked, target)
        attendance = _attendance(locked, target)
        if attendance.removed_at is not None:
            return attendance
        attendance.removed_at = timezone.now()
        attendance.remove_reason = reason
        attendance.hand_raised_at = None
        attendance.save(update_fields=["removed_at", "remove_reason", "hand_raised_at"])
        record_event(
            actor=facilitator,
            event=groups_audit.PARTICIPANT_REMOVED,
            target=attendance,
            changes={"user": target.pk, "reason": reason},
        )
        room = existing_room(locked)
        if room is not None:
            if room.is_open:
                do_post_system(room, f"The facilitator asked {target.handle} to leave the session.")
                do_broadcast(room, hands_changed(hand_queue(locked)))
            do_disconnect_user(room, target.pk, f"The facilitator removed you: {reason}")
        do_notify(
            [target],
            kind="groups.removed",
            title=f"The facilitator removed you from “{locked.group.topic}”. Reason: {reason}",
            url=reverse("groups_detail", args=[locked.group_id]),
        )
    return attendance


# --- Ending ----------------------------------------------------------------------------


def attendance_summary(session: GroupSession) -> dict[str, Any]:
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
    facilitator: Any, session: GroupSession, *, now: datetime | None = None
) -> dict[str, Any]:
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


def do_record_room_visit(user: Any, session: GroupSession) -> Attendance:
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


# --- Private support after a risk alert ---------------------------------------------------


def do_reach_out_privately(
    facilitator: Any, session: GroupSession, flag: Flag, body: str
) -> SupportMessage:
    """A facilitator's private, supportive message to the person the alert was about.

    It is the safety layer's support conversation, not a peer chat: the person can
    answer without accepting a connection first, the moderators on the flag see it,
    and replies come back to this facilitator. Caller checked ``access_session(...,
    write=True)`` and :func:`~kindred.groups.access.access_session_risk_flag`.
    """
    subject = flag.subject
    if subject is None or subject.pk in blocked_user_ids(facilitator):
        # A block hides people both ways everywhere, this too.
        raise GroupError(_("You cannot write to this person."))
    try:
        return do_facilitator_reach_out(
            facilitator, flag, body, context=f"Group: {session.group.topic}"
        )
    except SafetyActionError as exc:
        raise GroupError(str(exc)) from None
