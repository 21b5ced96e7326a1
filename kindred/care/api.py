"""Combined care: your care team, what you share with whom, suggestions, your timeline.

The same rules as the pages (:mod:`kindred.care.actions`, :mod:`kindred.consent.grants`):
you share with people on your care team only; nothing about a member is readable
without their live grant (the same 404 as for a member who does not exist); every
grant, revocation and use is in the audit log, which you can read at
``/care/access-log``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from kindred.api.auth import get_api_user
from kindred.api.openapi import errors
from kindred.api.schemas import InputSchema, PathText
from kindred.care import actions, queries, shared
from kindred.consent import actions as consent_actions
from kindred.consent import grants, visibility
from kindred.consent.accesslog import access_log_for
from kindred.consent.sources import timeline_for
from kindred.core.access import NotFound
from kindred.core.ids import ObjectId
from kindred.core.inputs import SchedulableDatetime
from kindred.measures.api import describe_point

router = Router(tags=["care"])

ScopeName = Literal["measure_trends", "plan_goals", "group_attendance", "safety_plan"]
KindName = Literal["group", "space", "peer", "therapy"]


# --- Schemas -----------------------------------------------------------------


class TeamEntryOut(Schema):
    person_id: int
    handle: str
    relation: str = Field(description="therapist, peer_supporter or facilitator")
    detail: str
    since: datetime | None
    url: str | None


class GrantIn(InputSchema):
    grantee_id: ObjectId = Field(description="A person_id from your care team.")
    scope: ScopeName
    expires_at: SchedulableDatetime | None = Field(
        None, description="When sharing stops by itself (timezone-aware); null: until revoked."
    )


class GrantOut(Schema):
    id: int
    grantee_id: int
    grantee: str
    scope: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    active: bool
    status: str = Field(description="active, expired or ended")
    ended_reason: str = Field(
        description="Why it ended: revoked (by you), connection_ended, blocked, left_group, "
        "group_archived, therapy_ended, therapy_lapsed or account_closed; empty while active "
        "or expired"
    )


class DefaultAccessOut(Schema):
    key: str
    who: str = Field(description="The relation on your care team who sees it: therapist")
    what: str
    label: str = Field(description='What they see, to follow "They see …"')
    why: str
    can_switch_off: bool
    on: bool


class DefaultAccessIn(InputSchema):
    on: bool


class SharedMemberOut(Schema):
    member_id: int
    handle: str
    scopes: list[str]


class SharedTrendPointOut(Schema):
    created_at: datetime
    total: int
    band: str
    band_label: str
    change: int | None
    reliable: bool | None
    improved: bool
    deteriorated: bool


class SharedTrendOut(Schema):
    instrument: str
    name: str
    points: list[SharedTrendPointOut]


class PlanGoalsOut(Schema):
    therapist: str
    version: int
    goals: list[str]


class TimelineItemOut(Schema):
    when: datetime
    kind: str
    title: str
    detail: str
    url: str | None


class SafetySectionOut(Schema):
    key: str
    title: str
    items: list[str]


class SafetyPlanOut(Schema):
    sections: list[SafetySectionOut]
    reasons_for_living: str


class SharedDetailOut(Schema):
    member_id: int
    handle: str
    scopes: list[str]
    measure_trends: list[SharedTrendOut] | None = None
    plan_goals: list[PlanGoalsOut] | None = None
    group_attendance: list[TimelineItemOut] | None = None
    safety_plan: SafetyPlanOut | None = Field(
        None, description="Null when not shared or not written yet (see scopes)."
    )


class ReferralIn(InputSchema):
    member_id: ObjectId
    kind: KindName = Field(
        description="group, space or peer (a therapist to a client); therapy (a peer "
        "supporter to a member they support: links to the decision guide)."
    )
    url: str = Field("", max_length=300, description="A page on this site, starting with /.")
    title: str = Field("", max_length=200)
    note: str = Field("", max_length=2000)


class ReferralOut(Schema):
    id: int
    member_id: int
    author_id: int
    author: str
    kind: str
    url: str
    title: str
    note: str
    status: str = Field(description="open, accepted or dismissed")
    created_at: datetime
    responded_at: datetime | None


class AccessLogOut(Schema):
    at: datetime
    who: str
    action: str
    what: str
    # The role the reader looked in where the log records it, e.g. "your therapist".
    role: str


# --- Helpers -----------------------------------------------------------------


def describe_item(item: Any) -> dict[str, Any]:
    return {
        "when": item.when,
        "kind": item.kind,
        "title": item.title,
        "detail": item.detail,
        "url": item.url,
    }


# --- Endpoints ---------------------------------------------------------------


@router.get("/care/team", response=list[TeamEntryOut], summary="Your care team")
def list_team(request: HttpRequest) -> list[queries.TeamRow]:
    return queries.team_of(get_api_user(request))


@router.get("/care/grants", response=list[GrantOut], summary="What you share, and with whom")
def list_grants(request: HttpRequest) -> list[queries.GrantRow]:
    """Newest first, including revoked and expired grants (``active`` false)."""
    return queries.grants_of(get_api_user(request))


@router.post("/care/grants", response={201: GrantOut}, summary="Share something")
def create_grant(request: HttpRequest, payload: GrantIn) -> Status[queries.GrantRow]:
    """Granting a scope already shared with that person renews it with the new end."""
    try:
        grant = consent_actions.do_grant(
            get_api_user(request),
            payload.grantee_id,
            payload.scope,
            expires_at=payload.expires_at,
            request=request,
        )
    except consent_actions.ConsentError as error:
        raise HttpError(422, str(error)) from None
    return Status(201, queries.grant_row(grant))


@router.post("/care/grants/{grant_id}/revoke", response=GrantOut, summary="Stop sharing")
def revoke_grant(request: HttpRequest, grant_id: int) -> queries.GrantRow:
    """Takes effect at once. A grant that is not yours or already revoked: 404."""
    grant = consent_actions.do_revoke_grant(get_api_user(request), grant_id, request=request)
    return queries.grant_row(grant)


@router.get(
    "/care/defaults",
    response=list[DefaultAccessOut],
    summary="What your care team sees without you sharing",
)
def list_defaults(request: HttpRequest) -> list[queries.DefaultAccessRow]:
    """The declarations of :mod:`kindred.consent.visibility`, the same the access checks
    and the pages read, each with whether it is on for you."""
    return queries.default_access_of(get_api_user(request))


@router.put(
    "/care/defaults/{key}",
    response={200: DefaultAccessOut, **errors(422)},
    summary="Switch a default access on or off",
)
def set_default(
    request: HttpRequest, key: PathText, payload: DefaultAccessIn
) -> queries.DefaultAccessRow:
    """Applies from the next read. An unknown key: 404; one that is always on: 422."""
    default = visibility.BY_KEY.get(key)
    if default is None:
        raise NotFound("default access")
    try:
        consent_actions.do_set_default_access(
            get_api_user(request), key, on=payload.on, request=request
        )
    except consent_actions.ConsentError as error:
        raise HttpError(422, str(error)) from None
    return queries.default_access_row(default, payload.on)


@router.get("/care/access-log", response=list[AccessLogOut], summary="Who looked at what")
def list_access_log(request: HttpRequest) -> list[Any]:
    return list(access_log_for(get_api_user(request)))


@router.get("/care/shared", response=list[SharedMemberOut], summary="Members who share with you")
def list_shared(request: HttpRequest) -> list[dict[str, Any]]:
    return [
        {"member_id": m.pk, "handle": m.handle, "scopes": scopes}
        for m, scopes in grants.shared_with(get_api_user(request))
    ]


@router.get(
    "/care/shared/{member_id}",
    response=SharedDetailOut,
    summary="What one member shares with you",
)
def get_shared(request: HttpRequest, member_id: int) -> dict[str, Any]:
    """Exactly the scopes the member shares with you now; each read is audited.
    Nothing shared (or no such member): 404."""
    view = shared.shared_view(get_api_user(request), member_id, request=request)
    safety = None
    if view.safety is not None:
        sections, reasons = view.safety
        safety = {
            "sections": [{"key": k, "title": t, "items": i} for k, t, i in sections],
            "reasons_for_living": reasons,
        }
    return {
        "member_id": view.member.pk,
        "handle": view.member.handle,
        "scopes": sorted(view.scopes),
        "measure_trends": None
        if view.trends is None
        else [
            {
                "instrument": s.definition.id,
                "name": s.definition.name,
                "points": [describe_point(p) for p in s.points],
            }
            for s in view.trends
        ],
        "plan_goals": None if view.plans is None else [vars(p) for p in view.plans],
        "group_attendance": None
        if view.groups is None
        else [describe_item(i) for i in view.groups],
        "safety_plan": safety,
    }


@router.get("/care/referrals", response=list[ReferralOut], summary="Suggestions for you")
def list_referrals(request: HttpRequest) -> list[queries.ReferralRow]:
    return queries.referrals_for(get_api_user(request))


@router.post(
    "/care/referrals", response={201: ReferralOut, **errors(404)}, summary="Suggest something"
)
def create_referral(request: HttpRequest, payload: ReferralIn) -> Status[queries.ReferralRow]:
    """A therapist to a client they treat (group, space, peer); a peer supporter to a
    member whose team they are on (therapy). Anyone else: 404, as for a missing member."""
    try:
        referral = actions.do_refer(
            get_api_user(request),
            payload.member_id,
            kind=payload.kind,
            url=payload.url,
            title=payload.title,
            note=payload.note,
            request=request,
        )
    except actions.CareError as error:
        raise HttpError(422, str(error)) from None
    return Status(201, queries.referral_row(referral))


def _respond(request: HttpRequest, referral_id: int, *, accept: bool) -> queries.ReferralRow:
    try:
        referral = actions.do_respond_referral(
            get_api_user(request), referral_id, accept=accept, request=request
        )
    except actions.CareError as error:
        raise HttpError(409, str(error)) from None
    return queries.referral_row(referral)


@router.post(
    "/care/referrals/{referral_id}/accept",
    response={200: ReferralOut, **errors(409)},
    summary="Accept a suggestion",
)
def accept_referral(request: HttpRequest, referral_id: int) -> queries.ReferralRow:
    return _respond(request, referral_id, accept=True)


@router.post(
    "/care/referrals/{referral_id}/dismiss",
    response={200: ReferralOut, **errors(409)},
    summary="Dismiss a suggestion",
)
def dismiss_referral(request: HttpRequest, referral_id: int) -> queries.ReferralRow:
    return _respond(request, referral_id, accept=False)


@router.get("/care/timeline", response=list[TimelineItemOut], summary="Your care timeline")
def list_timeline(request: HttpRequest) -> list[dict[str, Any]]:
    return [describe_item(i) for i in timeline_for(get_api_user(request))]


class DischargeOut(Schema):
    member_id: int
    discharged: bool


@router.post(
    "/care/clients/{member_id}/discharge",
    response={200: DischargeOut, **errors(404)},
    summary="Discharge a client (therapists)",
)
def discharge_client(request: HttpRequest, member_id: int) -> dict[str, Any]:
    """Ends the therapy relationship and everything that follows from it (default access,
    what either shared with the other). Not your current client: 404."""
    member = actions.do_discharge(get_api_user(request), member_id, request=request)
    return {"member_id": member.pk, "discharged": True}
