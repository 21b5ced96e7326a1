"""A live group session over HTTP: the facilitator's tools and the participant's turn.

The same rules as the session page (:mod:`kindred.groups.views_session`): each
endpoint checks access through :mod:`kindred.groups.access` and calls one ``do_*``
in :mod:`kindred.groups.actions`; people in the room learn of the change through the
room's socket. Missing and not-yours both answer 404; a rule that stops the action
answers 422 with a sentence for the person.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict

from kindred.accounts.models import User
from kindred.api.auth import get_api_user
from kindred.api.schemas import InputSchema
from kindred.core.access import NotFound
from kindred.groups import actions
from kindred.groups.access import access_participant, access_session, can_join_room
from kindred.groups.models import Attendance, GroupSession

router = Router(tags=["group sessions"])


class Strict(InputSchema):
    model_config = ConfigDict(extra="forbid")


class GroupRoomOut(Schema):
    room_id: int
    room_open: bool
    ws_url: str


class ReasonIn(Strict):
    reason: str = Field(min_length=1, max_length=200, description="The person sees it.")


class CheckInIn(Strict):
    mood_word: str = Field(default="", max_length=30, description="One word, or pass.")
    passed: bool = False


class HandIn(Strict):
    raised: bool


class HandsOut(Schema):
    queue: list[str] = Field(description="Handles with a raised hand, longest waiting first.")


class NextHandOut(Schema):
    handle: str | None = Field(description="Whose turn it is now; null when no hand is up.")
    queue: list[str]


class ParticipantOut(Schema):
    user_id: int
    handle: str
    in_room: bool
    checked_in: bool
    passed: bool
    mood_word: str
    hand_raised: bool
    muted: bool
    removed: bool


class SummaryOut(Schema):
    signed_up: int
    attended: int
    checked_in: int
    passed: int
    muted: int
    removed: int
    attendees: list[str]


def _facilitating(request: HttpRequest, session_id: int) -> tuple[User, GroupSession]:
    user = get_api_user(request)
    return user, access_session(user, session_id, write=True)


def _run(action: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return action(*args, **kwargs)
    except actions.GroupError as exc:
        raise HttpError(422, str(exc)) from None


def _room_out(session: GroupSession) -> dict[str, Any]:
    room = actions.existing_room(session)
    if room is None:
        raise NotFound("session")
    return {"room_id": room.pk, "room_open": room.is_open, "ws_url": f"/ws/rooms/{room.pk}/"}


@router.post(
    "/groups/sessions/{session_id}/room/open",
    response=GroupRoomOut,
    summary="Open the session's room (facilitators)",
)
def open_room(request: HttpRequest, session_id: int) -> dict[str, Any]:
    user, session = _facilitating(request, session_id)
    _run(actions.do_open_session_room, user, session)
    return _room_out(session)


@router.post(
    "/groups/sessions/{session_id}/room/close",
    response=GroupRoomOut,
    summary="Close the room for now; it can be opened again (facilitators)",
)
def close_room(request: HttpRequest, session_id: int) -> dict[str, Any]:
    user, session = _facilitating(request, session_id)
    _run(actions.do_close_session_room, user, session)
    return _room_out(session)


@router.post(
    "/groups/sessions/{session_id}/norms/pin",
    response={204: None},
    summary="Pin the group's norms in the room (facilitators)",
)
def pin_norms(request: HttpRequest, session_id: int) -> Status:
    user, session = _facilitating(request, session_id)
    _run(actions.do_pin_norms, user, session)
    return Status(204, None)


@router.get(
    "/groups/sessions/{session_id}/participants",
    response=list[ParticipantOut],
    summary="Who holds a place and how they are doing in the room (facilitators)",
)
def participants(request: HttpRequest, session_id: int) -> list[dict[str, Any]]:
    _, session = _facilitating(request, session_id)
    rows = []
    for row in actions.participant_rows(session):
        a: Attendance | None = row["attendance"]
        rows.append(
            {
                "user_id": row["user"].pk,
                "handle": row["user"].handle,
                "in_room": bool(a and a.joined_room_at),
                "checked_in": bool(a and a.checked_in_at),
                "passed": bool(a and a.passed),
                "mood_word": a.mood_word if a and not a.passed else "",
                "hand_raised": bool(a and a.hand_raised_at),
                "muted": bool(a and a.muted_at),
                "removed": bool(a and a.removed_at),
            }
        )
    return rows


@router.post(
    "/groups/sessions/{session_id}/participants/{user_id}/mute",
    response={204: None},
    summary="Mute a participant, with a reason they see (facilitators; audited)",
)
def mute(request: HttpRequest, session_id: int, user_id: int, payload: ReasonIn) -> Status:
    user, session = _facilitating(request, session_id)
    target = access_participant(session, user_id)
    _run(actions.do_mute, user, session, target, payload.reason)
    return Status(204, None)


@router.post(
    "/groups/sessions/{session_id}/participants/{user_id}/unmute",
    response={204: None},
    summary="Let a muted participant write again (facilitators; audited)",
)
def unmute(request: HttpRequest, session_id: int, user_id: int) -> Status:
    user, session = _facilitating(request, session_id)
    target = access_participant(session, user_id)
    _run(actions.do_unmute, user, session, target)
    return Status(204, None)


@router.post(
    "/groups/sessions/{session_id}/participants/{user_id}/remove",
    response={204: None},
    summary="Remove a participant from this session, with a reason (facilitators; audited)",
)
def remove(request: HttpRequest, session_id: int, user_id: int, payload: ReasonIn) -> Status:
    user, session = _facilitating(request, session_id)
    target = access_participant(session, user_id)
    _run(actions.do_remove, user, session, target, payload.reason)
    return Status(204, None)


@router.post(
    "/groups/sessions/{session_id}/hands/next",
    response=NextHandOut,
    summary="Give the turn to the longest-waiting raised hand (facilitators)",
)
def next_hand(request: HttpRequest, session_id: int) -> dict[str, Any]:
    user, session = _facilitating(request, session_id)
    handle = _run(actions.do_next_hand, user, session)
    return {"handle": handle, "queue": actions.hand_queue(session)}


@router.post(
    "/groups/sessions/{session_id}/end",
    response=SummaryOut,
    summary="End the session: the room closes for good; attendance summary, no content",
)
def end_session(request: HttpRequest, session_id: int) -> dict[str, Any]:
    user, session = _facilitating(request, session_id)
    summary: dict[str, Any] = _run(actions.do_end_session, user, session)
    return summary


# --- The participant's side ------------------------------------------------------------


def _in_room(request: HttpRequest, session_id: int) -> tuple[User, GroupSession]:
    user = get_api_user(request)
    session = access_session(user, session_id)
    if not can_join_room(user, session):
        raise NotFound("session")
    return user, session


@router.post(
    "/groups/sessions/{session_id}/check-in",
    response={204: None},
    summary="Share one word for how you are, or pass (people in the room)",
)
def check_in(request: HttpRequest, session_id: int, payload: CheckInIn) -> Status:
    user, session = _in_room(request, session_id)
    _run(actions.do_check_in, user, session, mood_word=payload.mood_word, passed=payload.passed)
    return Status(204, None)


@router.post(
    "/groups/sessions/{session_id}/hand",
    response=HandsOut,
    summary="Raise or lower your hand (people in the room)",
)
def hand(request: HttpRequest, session_id: int, payload: HandIn) -> dict[str, Any]:
    user, session = _in_room(request, session_id)
    queue = _run(actions.do_set_hand, user, session, payload.raised)
    return {"queue": queue}
