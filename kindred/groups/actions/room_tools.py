"""In the live room: the facilitator's tools and what participants do there.

Each tool is one ``do_*`` action: it changes the session's rows and writes the audit
record in one transaction, and tells the room through the engine after commit —
:func:`~kindred.rooms.actions.do_post_system` for what belongs in the record of the
room ("Sam checked in: tired"), :func:`~kindred.rooms.actions.do_broadcast` for live
state (the raise-hand queue). Callers have checked access (``access_session(...,
write=True)`` for facilitator tools, :func:`kindred.groups.access.can_join_room` for
participants).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.audit.actions import record_event
from kindred.core.events import send_event_on_commit, user_group
from kindred.core.notifications import do_notify
from kindred.groups import audit_names as groups_audit
from kindred.groups.access import (
    can_join_room,
    is_facilitator,
    is_signed_up,
    participant_signups,
)
from kindred.groups.actions.base import GroupError
from kindred.groups.actions.sessions import _attendance, _locked, _open_room, existing_room
from kindred.groups.events import (
    hands_changed,
    member_muted,
    participant_checked_in,
    participant_muted,
    participant_unmuted,
)
from kindred.groups.models import (
    Attendance,
    GroupSession,
)
from kindred.rooms.actions import (
    do_broadcast,
    do_disconnect_user,
    do_post_system,
)
from kindred.safety.access import blocked_user_ids
from kindred.safety.actions import SafetyActionError, screen_text
from kindred.safety.models import Flag, SupportMessage
from kindred.safety.support import do_facilitator_reach_out

if TYPE_CHECKING:
    from kindred.accounts.models import User


def do_check_in(
    user: User, session: GroupSession, *, mood_word: str = "", passed: bool
) -> Attendance:
    """Share one word for how you are, or pass. Either way you may then write."""
    word = " ".join(mood_word.split())[:30]
    if not passed and not word:
        raise GroupError(_("Share a word, or choose to pass."))
    with transaction.atomic():
        locked = _locked(session)
        if not can_join_room(user, locked):
            raise GroupError(_("You are not in this session's room."))
        room = _open_room(locked)
        attendance = _attendance(locked, user)
        if attendance.checked_in_at is not None:
            raise GroupError(_("You have checked in already."))
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


class ParticipantRow(TypedDict):
    user: User
    attendance: Attendance | None  # None: not seen in the room yet


def participant_rows(session: GroupSession) -> list[ParticipantRow]:
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


def do_set_hand(user: User, session: GroupSession, raised: bool) -> list[str]:
    with transaction.atomic():
        locked = _locked(session)
        if not can_join_room(user, locked):
            raise GroupError(_("You are not in this session's room."))
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


def do_next_hand(facilitator: User, session: GroupSession) -> str | None:
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


def _participant(session: GroupSession, target: User) -> None:
    if is_facilitator(target, session.group) or not is_signed_up(target, session):
        raise GroupError(_("That person is not a participant in this session."))


def _clean_reason(reason: str) -> str:
    reason = " ".join(reason.split())
    if not reason:
        raise GroupError(_("Give a reason; the person sees it."))
    return reason[:200]


def do_mute(facilitator: User, session: GroupSession, target: User, reason: str) -> Attendance:
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


def do_unmute(facilitator: User, session: GroupSession, target: User) -> Attendance:
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


def do_remove(facilitator: User, session: GroupSession, target: User, reason: str) -> Attendance:
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


def do_reach_out_privately(
    facilitator: User, session: GroupSession, flag: Flag, body: str
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
