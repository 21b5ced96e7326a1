"""Real-time events of group sessions (see :mod:`kindred.core.events`).

Most go to everyone in the session's room inside the room's ``event`` envelope
(:func:`kindred.rooms.actions.do_broadcast`), where ``groups/session.js`` reacts to
them; :class:`MemberMuted` and :class:`RiskDetected` also go to one person's own
pages.
"""

from __future__ import annotations

from typing import Literal, NotRequired

from typing_extensions import TypedDict

from kindred.core.events import event_schema
from kindred.rooms.events import CrisisCountryInfo


@event_schema("norms.pinned")
class NormsPinned(TypedDict):
    type: Literal["norms.pinned"]
    norms: str


def norms_pinned(norms: str) -> NormsPinned:
    return {"type": "norms.pinned", "norms": norms}


@event_schema("participant.checked_in")
class ParticipantCheckedIn(TypedDict):
    type: Literal["participant.checked_in"]
    handle: str
    passed: bool


def participant_checked_in(*, handle: str, passed: bool) -> ParticipantCheckedIn:
    return {"type": "participant.checked_in", "handle": handle, "passed": passed}


@event_schema("hands.changed")
class HandsChanged(TypedDict):
    """The raised-hands queue now; ``turn`` is whom the facilitator just gave the word."""

    type: Literal["hands.changed"]
    queue: list[str]
    turn: NotRequired[str]


def hands_changed(queue: list[str], *, turn: str | None = None) -> HandsChanged:
    event: HandsChanged = {"type": "hands.changed", "queue": queue}
    if turn is not None:
        event["turn"] = turn
    return event


@event_schema("participant.muted")
class ParticipantMuted(TypedDict):
    type: Literal["participant.muted"]
    handle: str


def participant_muted(handle: str) -> ParticipantMuted:
    return {"type": "participant.muted", "handle": handle}


@event_schema("participant.unmuted")
class ParticipantUnmuted(TypedDict):
    type: Literal["participant.unmuted"]
    handle: str


def participant_unmuted(handle: str) -> ParticipantUnmuted:
    return {"type": "participant.unmuted", "handle": handle}


@event_schema("member.muted")
class MemberMuted(TypedDict):
    """Told to the muted person's own pages, with the facilitator's reason."""

    type: Literal["member.muted"]
    session: int
    reason: str


def member_muted(*, session: int, reason: str) -> MemberMuted:
    return {"type": "member.muted", "session": session, "reason": reason}


@event_schema("risk.detected")
class RiskDetected(TypedDict):
    """The private alert a facilitator gets: who and how worried (what to do is on their
    page, in their language). No message text."""

    type: Literal["risk.detected"]
    session: int
    room: int
    handle: str
    level: str
    country: CrisisCountryInfo | None
    anywhere: CrisisCountryInfo | None
    help_url: str
    url: str
    reach_out_url: str | None


def risk_detected(
    *,
    session: int,
    room: int,
    handle: str,
    level: str,
    country: CrisisCountryInfo | None,
    anywhere: CrisisCountryInfo | None,
    help_url: str,
    url: str,
    reach_out_url: str | None,
) -> RiskDetected:
    return {
        "type": "risk.detected",
        "session": session,
        "room": room,
        "handle": handle,
        "level": str(level),
        "country": country,
        "anywhere": anywhere,
        "help_url": help_url,
        "url": url,
        "reach_out_url": reach_out_url,
    }


@event_schema("session.cancelled")
class SessionCancelled(TypedDict):
    type: Literal["session.cancelled"]
    session: int


def session_cancelled(session: int) -> SessionCancelled:
    return {"type": "session.cancelled", "session": session}


@event_schema("session.ended")
class SessionEnded(TypedDict):
    type: Literal["session.ended"]
    session: int


def session_ended(session: int) -> SessionEnded:
    return {"type": "session.ended", "session": session}
