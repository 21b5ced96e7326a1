"""Groups, sign-ups and room history: the same rules as the pages, through
:mod:`kindred.groups.access` and :mod:`kindred.groups.actions`.

Reading public adult groups needs no login; signing up does. A session's room
history is for its people, while the session is on (afterwards nobody reads it).
Missing and not-yours both answer 404 with the same detail.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import AwareDatetime, ConfigDict

from kindred.accounts.models import User
from kindred.api.auth import READ_AUTH, get_api_user, get_reader
from kindred.api.schemas import InputSchema
from kindred.core.access import NotFound
from kindred.core.ids import ObjectId
from kindred.groups import actions
from kindred.groups.access import access_group, access_session, can_join_room
from kindred.groups.models import Group, GroupSession, SignUp, SignUpStatus
from kindred.groups.queries import upcoming_with_places
from kindred.groups.schedule import describe, to_utc, zone
from kindred.rooms.actions import history

router = Router(tags=["groups"])

HISTORY_LIMIT = 200
# A wall-clock date and time without an offset, e.g. 2026-01-06T19:00:00.
LOCAL_DATE_TIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$"


class SessionOut(Schema):
    id: int
    group_id: int
    starts_at: datetime
    ends_at: datetime
    status: str = Field(description="scheduled, cancelled or ended")
    cancel_reason: str | None = Field(default=None, description="Why it was cancelled.")
    places_left: int | None = Field(description="Drop-in groups: places left in this session.")
    room_open: bool
    url: str


class GroupOut(Schema):
    id: int
    topic: str
    description: str
    space: str = Field(description="The community space's slug.")
    format: str = Field(description="open (drop-in), cohort (closed) or popup")
    capacity: int
    schedule: str = Field(description="In plain words, on the facilitator's clock.")
    recurrence: str = Field(description="RFC 5545 RRULE (without DTSTART).")
    # Not a date-time: that format requires an offset, and this is a wall-clock time
    # the rule repeats ("Tuesdays at 19:00" stays 19:00 when the clocks change).
    first_starts_at_local: str = Field(
        pattern=LOCAL_DATE_TIME,
        description="DTSTART: the first start on the group's clock in `timezone`, without "
        "an offset (YYYY-MM-DDTHH:MM:SS). The recurrence repeats this wall-clock time.",
        examples=["2026-01-06T19:00:00"],
    )
    first_starts_at: AwareDatetime = Field(description="The same first start as an instant.")
    timezone: str
    session_minutes: int
    facilitators: list[str] = Field(description="Handles.")
    waiting_for_quorum: bool = Field(description="Pop-up groups not yet open.")
    quorum: int
    url: str


class GroupDetailOut(GroupOut):
    norms: str = Field(description="Markdown.")
    upcoming: list[SessionOut]
    places_left: int | None = Field(description="Cohort and pop-up groups: places left.")
    archived: bool = Field(description="Archived groups no longer meet or take sign-ups.")


class GroupPatchIn(InputSchema):
    """Only the fields sent change. Fewer places than people who have one: nobody loses
    theirs, new sign-ups wait. More places: the waitlist moves up in order."""

    model_config = ConfigDict(extra="forbid")

    topic: str | None = Field(default=None, min_length=1, max_length=120)
    description: str | None = Field(default=None, max_length=2000)
    norms: str | None = Field(
        default=None, max_length=4000, description="Markdown; empty: the standard norms."
    )
    capacity: int | None = Field(default=None, ge=2, le=50)
    session_minutes: int | None = Field(
        default=None, ge=15, le=240, description="Applies to sessions that have not started."
    )


class CancelIn(InputSchema):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(
        min_length=1, max_length=200, description="Shown to everyone signed up for the session."
    )


class ArchivedOut(Schema):
    id: int
    archived: bool
    sessions_cancelled: int = Field(description="Sessions cancelled by this call.")


class SignUpOut(Schema):
    group_id: int
    session_id: int | None = Field(description="Null for a place in the whole group.")
    status: str = Field(description="joined, waitlisted or left")
    waitlist_position: int | None
    queued_at: datetime
    joined_at: datetime | None


class SignUpIn(InputSchema):
    model_config = ConfigDict(extra="forbid")

    session: ObjectId | None = Field(
        default=None, description="Required for drop-in groups; leave out otherwise."
    )


class RateIn(InputSchema):
    model_config = ConfigDict(extra="forbid")

    rating: int = Field(ge=1, le=5, description="1 (not helpful) to 5 (very helpful).")


class RatedOut(Schema):
    rating: int


class GroupMessageOut(Schema):
    seq: int
    kind: str = Field(description="text or system")
    author: str | None = Field(description="Handle; null for system messages.")
    body: str
    created_at: datetime


class GroupHistoryOut(Schema):
    room_id: int
    ws_url: str
    messages: list[GroupMessageOut]
    next_after: int | None = Field(description="Pass as ?after= for more; null at the end.")


class GroupHistoryQuery(InputSchema):
    after: int = Field(default=0, ge=0)


def describe_group(group: Group) -> dict[str, Any]:
    return {
        "id": group.pk,
        "topic": group.topic,
        "description": group.description,
        "space": group.space.slug,
        "format": group.format,
        "capacity": group.capacity,
        "schedule": describe(group.recurrence, group.first_starts_at_local, group.timezone),
        "recurrence": group.recurrence,
        "first_starts_at_local": group.first_starts_at_local.isoformat(timespec="seconds"),
        "first_starts_at": to_utc(group.first_starts_at_local, zone(group.timezone)),
        "timezone": group.timezone,
        "session_minutes": group.session_minutes,
        "facilitators": [f.handle for f in group.facilitators.all()],
        "waiting_for_quorum": group.is_waiting_for_quorum,
        "quorum": group.quorum,
        "url": reverse("groups_detail", args=[group.pk]),
    }


def describe_session(session: GroupSession, places: int | None) -> dict[str, Any]:
    return {
        "id": session.pk,
        "group_id": session.group_id,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "status": session.status,
        "cancel_reason": session.cancel_reason or None,
        "places_left": places,
        "room_open": session.room_opened_at is not None and session.status == "scheduled",
        "url": reverse("groups_session", args=[session.pk]),
    }


def describe_signup(signup: SignUp) -> dict[str, Any]:
    return {
        "group_id": signup.group_id,
        "session_id": signup.session_id,
        "status": signup.status,
        "waitlist_position": actions.waitlist_position(signup)
        if signup.status == SignUpStatus.WAITLISTED
        else None,
        "queued_at": signup.queued_at,
        "joined_at": signup.joined_at,
    }


def _session_choice(user: User, group: Group, session_id: int | None) -> GroupSession | None:
    if session_id is None:
        return None
    session = access_session(user, session_id)
    if session.group_id != group.pk:
        raise NotFound("session")
    return session


@router.get("/groups", auth=READ_AUTH, response=list[GroupOut], summary="Groups you can join")
def list_groups(request: HttpRequest) -> list[dict[str, Any]]:
    from kindred.groups.access import visible_groups

    groups = visible_groups(get_reader(request)).select_related("space")
    return [describe_group(g) for g in groups.prefetch_related("facilitators")]


@router.get(
    "/groups/{group_id}",
    auth=READ_AUTH,
    response=GroupDetailOut,
    summary="A group, its norms and upcoming sessions",
)
def get_group(request: HttpRequest, group_id: int) -> dict[str, Any]:
    return _group_detail(access_group(get_reader(request), group_id))


def _group_detail(group: Group) -> dict[str, Any]:
    upcoming = upcoming_with_places(group, timezone.now(), shown=10)
    return {
        **describe_group(group),
        "norms": group.norms,
        "upcoming": [describe_session(row.session, row.places_left) for row in upcoming.sessions],
        "places_left": upcoming.places_left,
        "archived": not group.is_active,
    }


@router.patch(
    "/groups/{group_id}",
    response=GroupDetailOut,
    summary="Change a group you facilitate (staff: any group)",
)
def update_group(request: HttpRequest, group_id: int, payload: GroupPatchIn) -> dict[str, Any]:
    user = get_api_user(request)
    group = access_group(user, group_id, manage=True)
    sent = payload.model_dump(exclude_unset=True)
    if any(value is None for value in sent.values()):
        raise HttpError(422, "A field sent can't be null; leave it out to keep it.")
    try:
        actions.do_update_group(user, group, replace(actions.GroupChanges.of(group), **sent))
    except actions.GroupError as exc:
        raise HttpError(422, str(exc)) from None
    return _group_detail(group)


@router.post(
    "/groups/{group_id}/archive",
    response=ArchivedOut,
    summary="Archive a group: cancel the sessions ahead, stop sign-ups (idempotent)",
)
def archive_group(request: HttpRequest, group_id: int) -> dict[str, Any]:
    user = get_api_user(request)
    group = access_group(user, group_id, manage=True)
    cancelled = actions.do_archive_group(user, group)
    return {"id": group.pk, "archived": True, "sessions_cancelled": cancelled}


@router.post(
    "/groups/sessions/{session_id}/cancel",
    response=SessionOut,
    summary="Cancel one session that has not ended (idempotent); everyone signed up is told",
)
def cancel_session(request: HttpRequest, session_id: int, payload: CancelIn) -> dict[str, Any]:
    user = get_api_user(request)
    session = access_session(user, session_id, manage=True)
    try:
        actions.do_cancel_session(user, session, payload.reason)
    except actions.GroupError as exc:
        raise HttpError(422, str(exc)) from None
    return describe_session(session, None)


@router.get("/groups/signups/mine", response=list[SignUpOut], summary="Your places and waitlists")
def my_signups(request: HttpRequest) -> list[dict[str, Any]]:
    user = get_api_user(request)
    now = timezone.now()
    rows = (
        SignUp.objects.filter(user=user)
        .exclude(status=SignUpStatus.LEFT)
        .exclude(session__ends_at__lte=now)
        .select_related("group", "session")
        .order_by("queued_at")
    )
    return [describe_signup(s) for s in rows]


@router.post(
    "/groups/{group_id}/join",
    response=SignUpOut,
    summary="Take a place, or a place on the waitlist (idempotent)",
)
def join_group(request: HttpRequest, group_id: int, payload: SignUpIn) -> dict[str, Any]:
    user = get_api_user(request)
    group = access_group(user, group_id)
    try:
        signup = actions.do_join(user, group, _session_choice(user, group, payload.session))
    except actions.GroupError as exc:
        raise HttpError(422, str(exc)) from None
    return describe_signup(signup)


@router.post(
    "/groups/{group_id}/leave",
    response={200: SignUpOut, 204: None},
    summary="Give up your place (the waitlist moves up); 204 if you had none",
)
def leave_group(request: HttpRequest, group_id: int, payload: SignUpIn) -> Any:
    user = get_api_user(request)
    group = access_group(user, group_id)
    try:
        signup = actions.do_leave(user, group, _session_choice(user, group, payload.session))
    except actions.GroupError as exc:
        raise HttpError(422, str(exc)) from None
    if signup is None:
        return Status(204, None)
    return describe_signup(signup)


@router.get(
    "/groups/sessions/{session_id}/history",
    response=GroupHistoryOut,
    summary="The room's messages, for its people while the session is on",
)
def session_history(
    request: HttpRequest, session_id: int, query: Query[GroupHistoryQuery]
) -> dict[str, Any]:
    user = get_api_user(request)
    session = access_session(user, session_id)
    room = actions.existing_room(session)
    if room is None or not can_join_room(user, session):
        raise NotFound("session")
    messages = history(room, after_seq=query.after, limit=HISTORY_LIMIT, viewer=user)
    return {
        "room_id": room.pk,
        "ws_url": f"/ws/rooms/{room.pk}/",
        "messages": [
            {
                "seq": m.seq,
                "kind": m.kind,
                "author": m.author.handle if m.author else None,
                "body": m.body,
                "created_at": m.created_at,
            }
            for m in messages
        ],
        "next_after": messages[-1].seq if len(messages) == HISTORY_LIMIT else None,
    }


@router.post(
    "/groups/sessions/{session_id}/rate", response=RatedOut, summary="Rate a session you were in"
)
def rate_session(request: HttpRequest, session_id: int, payload: RateIn) -> dict[str, int]:
    user = get_api_user(request)
    session = access_session(user, session_id)
    try:
        attendance = actions.do_rate_session(user, session, payload.rating)
    except actions.GroupError as exc:
        raise HttpError(422, str(exc)) from None
    return {"rating": int(attendance.rating or 0)}
