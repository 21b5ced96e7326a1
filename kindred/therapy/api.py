"""The therapist directory and the member's own treatment plans.

The same rules as the pages: the directory is :func:`kindred.therapy.directory.page`
(listed profiles only, the same filters, the same "why this matches" phrases) with
its input checked by the page's own :class:`~kindred.therapy.directory.DirectoryForm`;
a profile is read through :func:`kindred.therapy.access.access_profile`; a plan through
:func:`kindred.plans.access.access_member_plan` and shown with
:func:`kindred.plans.pages.plan_context`, as on ``/my/plan/``.

The directory needs no login. Plans are their member's alone: anyone else, the plan's
therapist included, gets the same 404 as for a missing id (therapists read plans on
their own pages, where each read is audited).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, QueryDict
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from pydantic import ConfigDict

from kindred.api.auth import READ_AUTH, get_api_user, get_reader
from kindred.api.openapi import errors
from kindred.api.schemas import InputSchema
from kindred.plans import actions as plan_actions
from kindred.plans.access import access_member_plan
from kindred.plans.models import TreatmentPlan
from kindred.plans.pages import plan_context
from kindred.plans.progress import ObjectiveProgress
from kindred.plans.queries import PlanSummary, plans_of
from kindred.therapy import vocabulary
from kindred.therapy.directory import DirectoryForm, Result, fee_phrase, page, therapist_name
from kindred.therapy.models import TherapistProfile
from kindred.therapy.queries import profile_detail

router = Router(tags=["therapy"])


# --- Schemas -----------------------------------------------------------------


class TherapistOut(Schema):
    id: int = Field(description="The profile id (for /therapists/{id} and booking).")
    therapist_user_id: int
    name: str
    licence_type: str = Field(description="The profession, in words.")
    jurisdiction: str = Field(description="Where the licence is valid.")
    introduction: str
    facets: dict[str, list[str]] = Field(
        description="Labels by kind: modality, specialty, population, language, format."
    )
    facet_codes: dict[str, list[str]] = Field(description="The same, as filter codes.")
    in_person_location: str
    fee: str = Field(description="The fee in words, e.g. 'Fee £80'; empty when not given.")
    fee_amount: str | None = Field(description="Per session, as a decimal string.")
    currency: str
    sliding_scale_min: str | None
    sliding_scale_max: str | None
    accepts_insurance: bool
    insurance_notes: str
    accepting_new_clients: bool


class DirectoryEntryOut(TherapistOut):
    matches: list[str] = Field(description="Why this therapist matches each filter you set.")
    next_free_at: datetime | None = Field(
        description="The first free session start in the next 14 days (UTC); null if none."
    )


class DirectoryPageOut(Schema):
    therapists: list[DirectoryEntryOut]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page.")


class TherapistDetailOut(TherapistOut):
    listed: bool = Field(
        description="In the public directory. Only the therapist and staff see an unlisted one."
    )
    free_times: list[datetime] = Field(
        description="The first free session starts in the next 14 days (UTC), as the profile "
        "page lists them; the booking endpoint has every one."
    )


class DirectoryQuery(InputSchema):
    """Within one facet any chosen code matches; across filters all must. Repeat a
    facet parameter (``?language=en&language=es``) or separate codes with commas."""

    q: str = Field(default="", max_length=100, description="Name or words in the introduction.")
    modality: list[str] = Field(default_factory=list)
    specialty: list[str] = Field(default_factory=list)
    population: list[str] = Field(default_factory=list)
    language: list[str] = Field(default_factory=list)
    format: list[str] = Field(default_factory=list)
    licence_type: str = ""
    jurisdiction: str = Field(default="", max_length=80)
    currency: str = ""
    fee_max: Decimal | None = Field(default=None, ge=0, max_digits=8, decimal_places=2)
    sliding_scale: bool = False
    insurance: bool = False
    accepting: bool = Field(default=False, description="Only those accepting new clients.")
    cursor: str = Field(default="", max_length=20, pattern=r"^\d*$")


class InterventionOut(Schema):
    modality: str
    frequency: str


class ObjectiveOut(Schema):
    key: int = Field(description="Stays the same across versions of the plan.")
    text: str
    target: str = Field(description="The target in plain words, e.g. 'PHQ-9 score below 10'.")
    target_date: date
    current: int | None = Field(description="The latest result or recorded value; null if none.")
    current_at: datetime | None
    met: bool | None = Field(description="Whether the latest value meets the target.")
    overdue: bool = Field(description="Not met and past the target date.")
    trend: list[int] = Field(description="Recent results, oldest first.")
    attainment: int | None = Field(description="Goal attainment score (-2 to +2), if scored.")
    interventions: list[InterventionOut]


class GoalOut(Schema):
    text: str
    objectives: list[ObjectiveOut]


class ProblemOut(Schema):
    text: str
    goals: list[GoalOut]


class PlanSummaryOut(Schema):
    id: int
    therapist: str = Field(description="The therapist's handle.")
    created_at: datetime
    current_version: int


class PlanOut(PlanSummaryOut):
    version_created_at: datetime
    summary: str = Field(description="What the plan means, in your words.")
    review_date: date
    acknowledged_at: datetime | None = Field(
        description="When you confirmed you read this version; null if not yet."
    )
    problems: list[ProblemOut]


class AcknowledgeIn(InputSchema):
    model_config = ConfigDict(extra="forbid")

    version: int = Field(ge=1, description="The version you read (the current one).")


class AcknowledgedOut(Schema):
    version: int
    acknowledged_at: datetime


# --- Building responses -------------------------------------------------------


def _decimal(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def describe_therapist(profile: TherapistProfile) -> dict[str, Any]:
    """Uses prefetched ``facets`` and the selected ``user`` when present."""
    return {
        "id": profile.pk,
        "therapist_user_id": profile.user_id,
        "name": therapist_name(profile),
        "licence_type": vocabulary.label(vocabulary.LICENCE_TYPES, profile.licence_type),
        "jurisdiction": profile.jurisdiction,
        "introduction": profile.introduction,
        "facets": profile.facet_labels(),
        "facet_codes": profile.facet_codes(),
        "in_person_location": profile.in_person_location,
        "fee": fee_phrase(profile),
        "fee_amount": _decimal(profile.fee),
        "currency": profile.currency,
        "sliding_scale_min": _decimal(profile.sliding_scale_min),
        "sliding_scale_max": _decimal(profile.sliding_scale_max),
        "accepts_insurance": profile.accepts_insurance,
        "insurance_notes": profile.insurance_notes,
        "accepting_new_clients": profile.accepting_new_clients,
    }


def describe_result(result: Result) -> dict[str, Any]:
    return {
        **describe_therapist(result.profile),
        "matches": result.reasons,
        "next_free_at": result.next_free,
    }


def directory_filters(query: DirectoryQuery) -> dict[str, Any]:
    """The query, cleaned by the directory page's own form (so the same codes and
    limits apply); 422 when it is not valid."""
    data = QueryDict(mutable=True)
    for name, value in query.model_dump(exclude={"cursor"}).items():
        if isinstance(value, list):
            codes = [c.strip() for v in value for c in v.split(",") if c.strip()]
            data.setlist(name, codes)
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value not in (None, ""):
            data[name] = str(value)
    form = DirectoryForm(data)
    if not form.is_valid():
        problems = [
            f"{field}: {' '.join(str(m) for m in messages)}"
            for field, messages in form.errors.items()
        ]
        raise HttpError(422, "Invalid request: " + "; ".join(problems))
    return form.cleaned_data


def describe_objective(item: ObjectiveProgress) -> dict[str, Any]:
    o = item.objective
    return {
        "key": o.key,
        "text": o.text,
        "target": item.target,
        "target_date": o.target_date,
        "current": item.current,
        "current_at": item.current_at,
        "met": item.met,
        "overdue": item.overdue,
        "trend": list(item.trend),
        "attainment": item.attainment,
        "interventions": [
            {"modality": i.modality, "frequency": i.frequency} for i in o.interventions
        ],
    }


def describe_plan(plan: TreatmentPlan) -> dict[str, Any]:
    context = plan_context(plan)
    version = context["version"]
    return {
        "id": plan.pk,
        "therapist": plan.therapist.handle,
        "created_at": plan.created_at,
        "current_version": version.number,
        "version_created_at": version.created_at,
        "summary": version.summary,
        "review_date": version.review_date,
        "acknowledged_at": context["acknowledged_at"],
        "problems": [
            {
                "text": node["problem"].text,
                "goals": [
                    {
                        "text": g["goal"].text,
                        "objectives": [describe_objective(p) for p in g["items"]],
                    }
                    for g in node["goals"]
                ],
            }
            for node in context["tree"]
        ],
    }


# --- Endpoints: the directory ---------------------------------------------------


@router.get(
    "/therapists",
    auth=READ_AUTH,
    response=DirectoryPageOut,
    summary="Search the therapist directory",
)
def list_therapists(request: HttpRequest, query: Query[DirectoryQuery]) -> dict[str, Any]:
    """Listed therapists only (licence checked by staff and not expired), in a stable
    order, 20 a page. ``matches`` says, in words, why each one matches your filters."""
    results, next_cursor = page(directory_filters(query), query.cursor or None)
    return {"therapists": [describe_result(r) for r in results], "next_cursor": next_cursor}


@router.get(
    "/therapists/{profile_id}",
    auth=READ_AUTH,
    response=TherapistDetailOut,
    summary="A therapist's public profile",
)
def get_therapist(request: HttpRequest, profile_id: int) -> dict[str, Any]:
    detail = profile_detail(get_reader(request), profile_id)
    return {
        **describe_therapist(detail.profile),
        "listed": detail.listed,
        "free_times": detail.free_times,
    }


# --- Endpoints: your treatment plans --------------------------------------------


@router.get("/plans", response=list[PlanSummaryOut], summary="Your treatment plans")
def list_plans(request: HttpRequest) -> list[PlanSummary]:
    """The plans your therapists made with you, newest first."""
    return plans_of(get_api_user(request))


@router.get("/plans/{plan_id}", response=PlanOut, summary="One of your treatment plans")
def get_plan(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    """The current version in plain language, with progress on each objective."""
    return describe_plan(access_member_plan(get_api_user(request), plan_id))


@router.post(
    "/plans/{plan_id}/acknowledge",
    response={200: AcknowledgedOut, **errors(409)},
    summary="Confirm you have read your plan",
)
def acknowledge_plan(request: HttpRequest, plan_id: int, payload: AcknowledgeIn) -> dict[str, Any]:
    """``version`` must be the current one: 409 when the plan changed since you read it."""
    user = get_api_user(request)
    plan = access_member_plan(user, plan_id)
    try:
        ack = plan_actions.do_acknowledge(user, plan, payload.version, request=request)
    except plan_actions.PlanError as exc:
        raise HttpError(409, str(exc)) from None
    return {"version": payload.version, "acknowledged_at": ack.acknowledged_at}
