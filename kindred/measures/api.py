"""Questionnaires: the instruments on offer, submitting answers, your own results.

The same rules as the pages: responses go through
:func:`kindred.measures.actions.do_submit_response` (which flags critical answers) and
every read through :mod:`kindred.measures.access` — your own results only.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError

from kindred.accounts.models import User
from kindred.api.auth import get_api_user
from kindred.api.schemas import InputSchema, PathText
from kindred.measures import actions, queries
from kindred.measures.availability import (
    InstrumentUnavailable,
    available_instruments,
    check_instrument_available,
)
from kindred.measures.charts import TrendPoint
from kindred.measures.definitions import (
    InstrumentDefinition,
    UnknownInstrument,
    get_definition,
)
from kindred.measures.scoring import ScoringError
from kindred.safety import api as crisis
from kindred.safety.api import AsCaller, SupportOut

router = Router(tags=["measures"])

NOT_FOUND = "No such questionnaire."
SUPPORT_MESSAGE = gettext_lazy(
    "Thank you for answering honestly. You said you have had thoughts of being better off "
    "dead or of hurting yourself. You don't have to carry this alone: if you might act on "
    "these thoughts, please reach out to someone now."
)


# --- Schemas -----------------------------------------------------------------


class AnswerOptionOut(Schema):
    value: int = Field(description="The scored value to send back as the answer.")
    label: str


class ItemOut(Schema):
    id: str
    number: int
    text: str
    options: list[AnswerOptionOut]


class BandOut(Schema):
    key: str
    min: int
    max: int
    label: str


class InstrumentOut(Schema):
    id: str
    name: str
    title: str
    version: str
    recall_period: str
    instructions: str
    direction: str = Field(description="higher_is_worse or higher_is_better")
    min: int
    max: int
    items: list[ItemOut]
    bands: list[BandOut]


class AnswersIn(InputSchema):
    answers: dict[str, int | None] = Field(
        description="Item id → the chosen option's value; null or absent leaves it blank."
    )


class ResultOut(Schema):
    id: int
    instrument: str
    total: int
    band: str
    band_label: str
    prorated: bool
    created_at: datetime


class SubmittedOut(ResultOut):
    critical: bool = Field(description="An answer the instrument marks as needing follow-up.")
    support: SupportOut | None = Field(
        description="When set, show these crisis resources to the member now, privately."
    )


class TrendPointOut(Schema):
    response_id: int
    created_at: datetime
    total: int
    band: str
    band_label: str
    change: int | None = Field(description="From the previous result; null for the first.")
    reliable: bool | None = Field(
        description="Jacobson–Truax reliable change from the previous result; null when "
        "there is none or the instrument has no reliability parameters."
    )
    improved: bool
    deteriorated: bool


class TrendOut(Schema):
    instrument: str
    points: list[TrendPointOut]


class ResultsQuery(InputSchema):
    instrument: str | None = None


# --- Helpers -----------------------------------------------------------------


def describe_instrument(d: InstrumentDefinition) -> dict[str, Any]:
    return {
        "id": d.id,
        "name": d.name,
        "title": d.title,
        "version": d.version,
        "recall_period": d.recall_period,
        "instructions": d.instructions,
        "direction": str(d.direction),
        "min": d.scoring.min,
        "max": d.scoring.max,
        "items": [
            {
                "id": item.id,
                "number": item.number,
                "text": item.text,
                "options": [{"value": o.value, "label": o.label} for o in d.options_for(item)],
            }
            for item in d.items
        ],
        "bands": [b.model_dump() for b in d.bands.ranges],
    }


def describe_support(request: HttpRequest, user: User) -> dict[str, Any]:
    return crisis.describe_support(AsCaller(request, user), actions.FLAG_LEVEL, SUPPORT_MESSAGE)


# --- Endpoints ---------------------------------------------------------------


@router.get("/instruments", response=list[InstrumentOut], summary="Questionnaires on offer")
def list_instruments(request: HttpRequest) -> list[dict[str, Any]]:
    return [describe_instrument(d) for d in available_instruments()]


@router.post(
    "/measures/{instrument}/responses",
    response={201: SubmittedOut},
    summary="Submit answers to a questionnaire",
)
def submit_response(
    request: HttpRequest, instrument: PathText, payload: AnswersIn
) -> Status[dict[str, Any]]:
    """Scores and stores your answers. When ``support`` is set, one of them (PHQ-9
    item 9, say) needs follow-up: show the crisis resources to the member now."""
    user = get_api_user(request)
    try:
        check_instrument_available(instrument)
        outcome = actions.do_submit_response(user, instrument, payload.answers)
    except InstrumentUnavailable:
        raise HttpError(404, NOT_FOUND) from None
    except ScoringError as exc:
        raise HttpError(422, str(exc)) from None
    return Status(
        201,
        {
            **asdict(queries.result_row(outcome.response)),
            "critical": bool(outcome.score.critical_items_triggered),
            "support": describe_support(request, user) if outcome.show_crisis_resources else None,
        },
    )


@router.get("/measures/responses", response=list[ResultOut], summary="Your results")
def list_responses(request: HttpRequest, query: Query[ResultsQuery]) -> list[queries.ResultRow]:
    """Newest first; ``?instrument=phq9`` for one questionnaire."""
    return queries.results_of(get_api_user(request), instrument=query.instrument or "")


@router.get("/measures/export", summary="All your results as a FHIR R4 Bundle")
def export_responses(request: HttpRequest) -> JsonResponse:
    """A Bundle (type ``collection``) built with the FHIR R4B models: a Questionnaire
    per instrument, and a QuestionnaireResponse and total-score Observation per result."""
    bundle = actions.do_export_responses(get_api_user(request), request=request)
    return JsonResponse(bundle, content_type="application/fhir+json")


def describe_point(point: TrendPoint) -> dict[str, Any]:
    """One result on a trend, as the member's trend and a care team's shared view give it."""
    return {
        "created_at": point.created_at,
        "total": point.total,
        "band": point.band_key,
        "band_label": point.band_label,
        "change": point.change,
        "reliable": point.reliable,
        "improved": point.improved,
        "deteriorated": point.deteriorated,
    }


@router.get("/measures/{instrument}/trend", response=TrendOut, summary="Your results over time")
def get_trend(request: HttpRequest, instrument: PathText) -> dict[str, Any]:
    try:
        definition = get_definition(instrument)
    except UnknownInstrument:
        raise HttpError(404, NOT_FOUND) from None
    return {
        "instrument": definition.id,
        "points": [
            {"response_id": p.response_id, **describe_point(p)}
            for p in queries.trend_of(get_api_user(request), definition)
        ],
    }
