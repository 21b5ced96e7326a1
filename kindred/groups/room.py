"""The live room of a group session, as a kind of :mod:`kindred.rooms` room.

Kind ``groups.session``; the room's ``object_id`` is the session's pk. Who may be
in it and who may write are decided by :mod:`kindred.groups.access`.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from kindred.accounts.models import User
from kindred.core.events import send_event_on_commit, user_group
from kindred.core.notifications import do_notify
from kindred.groups.access import can_join_room, write_refusal
from kindred.groups.events import RiskDetected, risk_detected
from kindred.groups.models import GroupSession
from kindred.rooms.actions import room_user_group, support_event
from kindred.rooms.events import room_event
from kindred.rooms.models import Room, RoomMessage
from kindred.safety.actions import ScreenOutcome

KIND = "groups.session"


def session_of(room: Room) -> GroupSession | None:
    if room.kind != KIND:
        return None
    return (
        GroupSession.objects.select_related("group", "group__space")
        .filter(pk=room.object_id)
        .first()
    )


def risk_alert(
    session: GroupSession, room: Room, author: User, level: str, flag_id: int | None = None
) -> RiskDetected:
    """The private event a facilitator gets: who, how worried, what to do, and where to
    write to them privately. No message text."""
    resources = support_event(author, level)
    reach_out = reverse("groups_session_reach_out", args=[session.pk, flag_id]) if flag_id else None
    return risk_detected(
        session=session.pk,
        room=room.pk,
        handle=author.handle,
        level=level,
        country=resources["country"],
        anywhere=resources["anywhere"],
        help_url=resources["help_url"],
        url=reverse("groups_session", args=[session.pk]),
        reach_out_url=reach_out,
    )


class SessionRoomKind:
    # A moderator reviewing a flagged message sees this many messages either side of it:
    # a group room is shared by everyone in it, and the words around it are its meaning.
    moderation_context_lines = 5

    def can_join(self, user: User, room: Room) -> bool:
        session = session_of(room)
        return session is not None and can_join_room(user, session)

    def write_refusal(self, user: User, room: Room) -> str | None:
        session = session_of(room)
        if session is None:
            return _("This session no longer exists.")
        return write_refusal(user, session)

    def screening_area(self, room: Room) -> str:
        return "groups"

    def on_risk(self, message: RoomMessage, outcome: ScreenOutcome) -> None:
        """Alert the session's facilitators privately, at once (inside the posting transaction).

        The moderators' flag and the writer's crisis resources come from the engine.
        Nothing the person wrote goes into the alert or the notification.
        """
        session = session_of(message.room)
        author = message.author
        if session is None or author is None:
            return
        facilitators = [f for f in session.group.facilitators.all() if f.pk != author.pk]
        if not facilitators:
            return
        flag_id = outcome.flag.pk if outcome.flag is not None else None
        alert = risk_alert(session, message.room, author, outcome.result.level, flag_id)
        for facilitator in facilitators:
            send_event_on_commit(user_group(facilitator.pk), alert)
            # Also into the room page they have open, where the tools panel shows it.
            send_event_on_commit(
                room_user_group(message.room.pk, facilitator.pk), room_event(alert)
            )
        do_notify(
            facilitators,
            kind="groups.risk",
            title=f"{author.handle} may need support now in “{session.group.topic}”. "
            "Open the room for suggested steps and crisis lines.",
            url=alert["url"],
        )

    def label(self, room: Room) -> str:
        session = session_of(room)
        return f"Group: {session.group.topic}" if session else "Group session"
