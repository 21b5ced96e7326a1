"""One-to-one peer support: the same people may do the same things as on the /peers/
pages, because both go through :mod:`kindred.peers.access` and :mod:`kindred.peers.actions`.

Everything needs a signed-in member or peer supporter; other accounts get 404, as for
a missing page. A declined request reads ``not_available`` to whoever asked.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, datetime
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict

from kindred.accounts.models import User
from kindred.api.auth import get_api_user
from kindred.api.idempotency import IDEMPOTENT
from kindred.api.openapi import errors
from kindred.api.schemas import InputSchema
from kindred.core.access import NotFound
from kindred.core.ids import ObjectId
from kindred.core.ratelimit import limit
from kindred.peers import actions, queries, taxonomy
from kindred.peers.access import (
    access_connection,
    access_own_profile,
    check_peers_user,
    is_supporter,
)
from kindred.peers.models import (
    MAX_NOTE,
    MAX_STORY,
    Connection,
    ConnectionStatus,
    PeerProfile,
    Rating,
)
from kindred.peers.suggestions import suggestions_for
from kindred.safety import api as crisis
from kindred.safety.actions import ScreenOutcome
from kindred.safety.api import SupportOut
from kindred.safety.report_api import ReportIn, send_report_once

router = Router(tags=["peers"])


# --- Schemas -----------------------------------------------------------------------


class TagOut(Schema):
    id: str
    label: str


class TrainingOut(Schema):
    id: int
    name: str
    provider: str
    completed_on: date
    expires_on: date | None
    expired: bool


class ProfileOut(Schema):
    tags: list[TagOut]
    story: str = Field(description="Yours only: never shown to anyone else.")
    languages: list[str]
    timezone: str
    availability: list[str] = Field(description="Slot ids such as mon_evening.")
    seeks: str = Field(description="support, give_support or both")
    gender: str
    age_range: str
    wants_genders: list[str] = Field(description="Empty: anyone.")
    wants_age_ranges: list[str] = Field(description="Empty: any age.")
    caseload_limit: int | None = Field(description="Peer supporters only.")
    is_listed: bool
    trainings: list[TrainingOut]
    updated_at: datetime


class ProfileSavedOut(ProfileOut):
    support: SupportOut | None = Field(
        description="When set, show the writer these crisis resources now, privately."
    )


class ProfileIn(InputSchema):
    model_config = ConfigDict(extra="forbid")

    tags: list[str] = Field(default_factory=list, max_length=50)
    story: str = Field(default="", max_length=MAX_STORY)
    languages: list[str] = Field(min_length=1, max_length=20)
    timezone: str = Field(default="UTC", max_length=64)
    availability: list[str] = Field(default_factory=list, max_length=21)
    seeks: Literal["support", "give_support", "both"] = "support"
    gender: str = Field(default="", max_length=12)
    age_range: str = Field(default="", max_length=8)
    wants_genders: list[str] = Field(default_factory=list, max_length=4)
    wants_age_ranges: list[str] = Field(default_factory=list, max_length=4)
    caseload_limit: int | None = Field(default=None, ge=1, le=20)
    is_listed: bool = True


class TrainingIn(InputSchema):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=150)
    provider: str = Field(default="", max_length=150)
    completed_on: date
    expires_on: date | None = None


class PeerSuggestionOut(Schema):
    user_id: int
    handle: str
    is_supporter: bool
    explanation: str = Field(description="Only what you both truly share.")
    shared_tags: list[TagOut]
    trainings: list[TrainingOut]


class RequestIn(InputSchema):
    model_config = ConfigDict(extra="forbid")

    user_id: ObjectId
    note: str = Field(default="", max_length=MAX_NOTE)


class ConnectionOut(Schema):
    id: int
    other: str = Field(description="The other person's handle.")
    direction: str = Field(description="sent (you asked) or received")
    status: str = Field(
        description="pending, active, ended, withdrawn, declined (only the one who declined "
        "sees this) or not_available (what the one who asked sees instead)"
    )
    note: str
    supporter: str | None = Field(description="Handle of the supporting side, if any.")
    created_at: datetime
    started_at: datetime | None
    ended_at: datetime | None
    room_id: int | None = Field(
        description="The chat room (WebSocket ws/rooms/<id>/) while active."
    )
    my_rating: int | None


class RequestSentOut(ConnectionOut):
    support: SupportOut | None


class RatingIn(InputSchema):
    model_config = ConfigDict(extra="forbid")

    stars: int = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=1000)


class RatingOut(Schema):
    stars: int
    comment: str


class ConnectionReportIn(ReportIn):
    """A report of the other person in a peer connection."""


class DetailOut(Schema):
    detail: str


class PeerMessageOut(Schema):
    seq: int
    kind: str
    author: str | None
    body: str
    created_at: datetime


class PeerHistoryQuery(InputSchema):
    after: int = Field(default=0, ge=0)


# --- Building responses -----------------------------------------------------------------


def describe_training(t: Any, today: date) -> dict[str, Any]:
    return {
        "id": t.pk,
        "name": t.name,
        "provider": t.provider,
        "completed_on": t.completed_on,
        "expires_on": t.expires_on,
        "expired": t.is_expired(today),
    }


def describe_tag(tag_id: str) -> dict[str, str]:
    tag = taxonomy.TAGS.get(tag_id)
    return {"id": tag_id, "label": tag.label if tag else tag_id}


def describe_profile(user: User, profile: PeerProfile) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "tags": [describe_tag(t) for t in profile.tag_ids],
        "story": profile.story,
        "languages": profile.languages,
        "timezone": profile.timezone,
        "availability": profile.availability,
        "seeks": profile.seeks,
        "gender": profile.gender,
        "age_range": profile.age_range,
        "wants_genders": profile.wants_genders,
        "wants_age_ranges": profile.wants_age_ranges,
        "caseload_limit": profile.caseload_limit if is_supporter(user) else None,
        "is_listed": profile.is_listed,
        "trainings": [describe_training(t, today) for t in profile.trainings.all()],
        "updated_at": profile.updated_at,
    }


def describe_support(request: HttpRequest, screen: ScreenOutcome | None) -> dict[str, Any] | None:
    if screen is None or not screen.support:
        return None
    return crisis.describe_support(request, screen.result.level)


def describe_connections(user: User, rows: list[Connection]) -> list[dict[str, Any]]:
    return [asdict(row) for row in queries.connection_rows(user, rows)]


def refused(exc: actions.PeersError) -> HttpError:
    return HttpError(422, str(exc))


# --- Profile ---------------------------------------------------------------------------


@router.get(
    "/peers/profile", response={200: ProfileOut, **errors(404)}, summary="Your peer profile"
)
def get_profile(request: HttpRequest) -> dict[str, Any]:
    user = get_api_user(request)
    return describe_profile(user, access_own_profile(user))


@router.put("/peers/profile", response=ProfileSavedOut, summary="Create or replace your profile")
def put_profile(request: HttpRequest, payload: ProfileIn) -> dict[str, Any]:
    user = get_api_user(request)
    try:
        saved = actions.do_save_profile(user, payload.model_dump(), request=request)
    except actions.PeersError as exc:
        raise refused(exc) from None
    profile = access_own_profile(user)
    return {**describe_profile(user, profile), "support": describe_support(request, saved.screen)}


@router.delete(
    "/peers/profile",
    response={204: None, **errors(404)},
    summary="Delete your profile and story for good",
)
def delete_profile(request: HttpRequest) -> Status[None]:
    user = get_api_user(request)
    access_own_profile(user)
    actions.do_delete_profile(user, request=request)
    return Status(204, None)


@router.post(
    "/peers/profile/trainings",
    response={201: TrainingOut, **errors(404)},
    summary="Add a training or certificate (peer supporters)",
)
def add_training(request: HttpRequest, payload: TrainingIn) -> Status[dict[str, Any]]:
    user = get_api_user(request)
    access_own_profile(user)
    try:
        training = actions.do_add_training(user, **payload.model_dump(), request=request)
    except actions.PeersError as exc:
        raise refused(exc) from None
    return Status(201, describe_training(training, timezone.localdate()))


@router.delete(
    "/peers/profile/trainings/{training_id}", response={204: None}, summary="Remove a training"
)
def remove_training(request: HttpRequest, training_id: int) -> Status[None]:
    user = get_api_user(request)
    check_peers_user(user)
    actions.do_remove_training(user, training_id, request=request)
    return Status(204, None)


# --- Suggestions -----------------------------------------------------------------------


@router.get(
    "/peers/suggestions",
    response={200: list[PeerSuggestionOut], **errors(404)},
    summary="People you could talk with",
)
def list_suggestions(request: HttpRequest) -> list[dict[str, Any]]:
    user = get_api_user(request)
    access_own_profile(user)
    today = timezone.localdate()
    return [
        {
            "user_id": s.user.pk,
            "handle": s.user.handle,
            "is_supporter": s.is_supporter,
            "explanation": s.explanation,
            "shared_tags": [{"id": t.id, "label": t.label} for t in s.shared_tags],
            "trainings": [describe_training(t, today) for t in s.trainings],
        }
        for s in suggestions_for(user)
    ]


@router.post(
    "/peers/suggestions/{user_id}/hide",
    response={204: None},
    summary="Never suggest this person again",
)
def hide_suggestion(request: HttpRequest, user_id: int) -> Status[None]:
    actions.do_hide_suggestion(get_api_user(request), user_id)
    return Status(204, None)


# --- Requests and connections ---------------------------------------------------------------


@router.post(
    "/peers/requests",
    response={201: RequestSentOut, **errors(404)},
    summary="Ask someone to connect",
)
def send_request(request: HttpRequest, payload: RequestIn) -> Status[dict[str, Any]]:
    """429 when you send requests faster than one person may."""
    user = get_api_user(request)
    limit(request, "peers.request", user=user)
    try:
        sent = actions.do_request(user, payload.user_id, payload.note, request=request)
    except actions.PeersError as exc:
        raise refused(exc) from None
    conn = access_connection(user, sent.connection.pk)
    [row] = describe_connections(user, [conn])
    return Status(201, {**row, "support": describe_support(request, sent.screen)})


@router.get(
    "/peers/connections", response=list[ConnectionOut], summary="Your requests and connections"
)
def list_connections(request: HttpRequest) -> list[dict[str, Any]]:
    user = get_api_user(request)
    check_peers_user(user)
    return [asdict(row) for row in queries.connections_of(user)]


@router.get("/peers/connections/{connection_id}", response=ConnectionOut, summary="One connection")
def get_connection(request: HttpRequest, connection_id: int) -> dict[str, Any]:
    user = get_api_user(request)
    [row] = describe_connections(user, [access_connection(user, connection_id)])
    return row


@router.get(
    "/peers/connections/{connection_id}/messages",
    response=list[PeerMessageOut],
    summary="The chat's messages after a seq (while the connection is active)",
)
def list_messages(
    request: HttpRequest, connection_id: int, query: Query[PeerHistoryQuery]
) -> list[dict[str, Any]]:
    from kindred.peers.chat import room_for
    from kindred.rooms.actions import history

    user = get_api_user(request)
    conn = access_connection(user, connection_id)
    if conn.status != ConnectionStatus.ACTIVE:
        raise NotFound("chat")
    return [
        {
            "seq": m.seq,
            "kind": m.kind,
            "author": m.author.handle if m.author is not None else None,
            "body": m.body,
            "created_at": m.created_at,
        }
        for m in history(room_for(conn), after_seq=query.after, viewer=user)
    ]


@router.put(
    "/peers/connections/{connection_id}/rating",
    response=RatingOut,
    summary="Rate a connection (1–5); the other person never sees it",
)
def rate_connection(request: HttpRequest, connection_id: int, payload: RatingIn) -> Rating:
    user = get_api_user(request)
    conn = access_connection(user, connection_id)
    try:
        return actions.do_rate(user, conn, **payload.model_dump(), request=request)
    except actions.PeersError as exc:
        raise refused(exc) from None


@router.post(
    "/peers/connections/{connection_id}/report",
    response={201: DetailOut},
    summary="Report the other person to the moderators",
    openapi_extra=IDEMPOTENT,
)
def report_connection(
    request: HttpRequest, connection_id: int, payload: ConnectionReportIn
) -> Status[dict[str, str]]:
    """429 when you have sent as many reports this hour as one member may."""
    user = get_api_user(request)
    conn = access_connection(user, connection_id)
    sent = send_report_once(
        request,
        user,
        payload,
        action="peers.report",
        target=conn.pk,
        report=lambda details: actions.do_report_peer(
            user, conn, reason=payload.reason, details=details
        ),
    )
    return Status(201, sent)


# Registered last: its {action} would also match the fixed paths above.
ACTIONS = {
    "accept": actions.do_accept,
    "decline": actions.do_decline,
    "withdraw": actions.do_withdraw,
    "end": actions.do_end,
}


@router.post(
    "/peers/connections/{connection_id}/{action}",
    response=ConnectionOut,
    summary="accept, decline, withdraw, end or block",
)
def connection_action(
    request: HttpRequest,
    connection_id: int,
    action: Literal["accept", "decline", "withdraw", "end", "block"],
) -> dict[str, Any]:
    user = get_api_user(request)
    conn = access_connection(user, connection_id)
    try:
        if action == "block":
            actions.do_block_peer(user, conn, request=request)
        else:
            ACTIONS[action](user, conn, request=request)
    except actions.PeersError as exc:
        raise refused(exc) from None
    [row] = describe_connections(user, [access_connection(user, connection_id)])
    return row
