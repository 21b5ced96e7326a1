"""The decision guide: evaluate answers (anyone, nothing stored) and your saved guides.

``POST /guide/evaluate`` needs no account. It returns the safety result first — when
``safety.immediate_risk`` is true, show ``safety.crisis`` before anything else — then
the suggestions with their reasons and sources, every option with its benefits and
downsides, and next steps on this installation. Saving needs a signed-in caller (a
session, or a token with the ``write`` scope) and stores the answers encrypted.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError

from kindred.api.auth import get_api_user, token_auth
from kindred.guide import actions, queries
from kindred.guide.access import access_saved_guide
from kindred.guide.options import (
    CONTENT_VERSION,
    DECISION,
    NEXT_REVIEW,
    OPTIONS_BY_KEY,
    PUBLISHED,
    SOURCES,
    UPDATE_NOTE,
    WHO_FOR,
)
from kindred.guide.questions import GuideAnswers
from kindred.guide.rules import Rule
from kindred.guide.screening import ScreeningError
from kindred.safety.api import AsCaller, CrisisCountryOut, describe_country
from kindred.safety.crisis import crisis_context

if TYPE_CHECKING:
    from kindred.accounts.models import User

router = Router(tags=["guide"])

SAVED_LIST_LIMIT = 100


# --- Schemas -----------------------------------------------------------------


class PointOut(Schema):
    text: str
    source: str = Field(description="Key into ``content.sources``.")


class GuideSuggestionOut(Schema):
    rule: str
    kind: str = Field(description="safety, evidence or preference")
    strength: str = Field(description="crisis, suggested, consider, fits or poor_fit")
    options: list[str]
    reason: str
    source: str


class CrisisOut(Schema):
    country: CrisisCountryOut | None
    anywhere: CrisisCountryOut | None
    get_help_url: str
    safety_plan_url: str


class SafetyOut(Schema):
    immediate_risk: bool
    reasons: list[GuideSuggestionOut]
    crisis: CrisisOut | None = Field(description="Show these first when immediate_risk.")


class GuideOptionOut(Schema):
    key: str
    family: str
    title: str
    summary: str
    what_happens: str
    cost: str
    benefits: list[PointOut]
    downsides: list[PointOut]
    evidence: str | None = Field(description="suggested, consider or null")
    fits: list[str]
    poor_fits: list[str]


class ScoreOut(Schema):
    instrument: str
    name: str
    total: int
    max: int
    band: str
    band_label: str


class NextStepOut(Schema):
    kind: str
    title: str
    url: str
    reason: str


class SourceOut(Schema):
    key: str
    short: str
    citation: str
    url: str


class ContentOut(Schema):
    decision: str
    who_for: str
    published: date
    next_review: date
    version: str
    update_note: str
    sources: list[SourceOut]


class EvaluationOut(Schema):
    safety: SafetyOut
    scores: list[ScoreOut]
    follow_ups: list[str] = Field(description="Questionnaires worth asking next.")
    suggestions: list[GuideSuggestionOut]
    options: list[GuideOptionOut] = Field(description="Every option, best supported first.")
    choice: str
    next_steps: dict[str, list[NextStepOut]]
    content: ContentOut


class SavedGuideOut(Schema):
    id: int
    created_at: datetime
    content_version: str


class AnswerChangeOut(Schema):
    question: str
    before: str
    after: str


class ScoreChangeOut(Schema):
    name: str
    before: int | None
    after: int | None
    change: int | None


class SavedGuideDetailOut(SavedGuideOut):
    choice: str
    immediate_risk: bool
    suggested: list[str]
    scores: dict[str, int]
    answers: GuideAnswers
    previous_id: int | None
    answer_changes: list[AnswerChangeOut]
    score_changes: list[ScoreChangeOut]


# --- Helpers -----------------------------------------------------------------


def _optional_caller(request: HttpRequest) -> User | None:
    """The caller if they identified themselves, else None; a bad token is still 401."""
    if request.headers.get("Authorization", "").lower().startswith("bearer "):
        return token_auth(request)
    return request.user if request.user.is_authenticated else None


def _describe_rule(rule: Rule) -> dict[str, Any]:
    return {
        "rule": rule.id,
        "kind": rule.kind,
        "strength": rule.strength,
        "options": list(rule.options),
        "reason": rule.reason,
        "source": rule.source,
    }


def describe_content() -> dict[str, Any]:
    return {
        "decision": DECISION,
        "who_for": WHO_FOR,
        "published": PUBLISHED,
        "next_review": NEXT_REVIEW,
        "version": CONTENT_VERSION,
        "update_note": UPDATE_NOTE,
        "sources": [
            {"key": s.key, "short": s.short, "citation": s.citation, "url": s.url}
            for s in SOURCES.values()
        ],
    }


def describe_evaluation(
    request: HttpRequest, user: User | None, evaluation: actions.Evaluation
) -> dict[str, Any]:
    outcome = evaluation.outcome
    crisis = None
    if outcome.immediate_risk:
        context = crisis_context(AsCaller(request, user) if user is not None else request)
        crisis = {
            "country": describe_country(context["country"]),
            "anywhere": describe_country(context["anywhere"]),
            "get_help_url": reverse("get_help"),
            "safety_plan_url": reverse("safety_plan"),
        }
    options = []
    for verdict in outcome.verdicts:
        option = OPTIONS_BY_KEY[verdict.key]
        options.append(
            {
                "key": option.key,
                "family": option.family,
                "title": option.title,
                "summary": option.summary,
                "what_happens": option.what_happens,
                "cost": option.cost,
                "benefits": [{"text": p.text, "source": p.source} for p in option.benefits],
                "downsides": [{"text": p.text, "source": p.source} for p in option.downsides],
                "evidence": verdict.evidence,
                "fits": [r.reason for r in verdict.fits],
                "poor_fits": [r.reason for r in verdict.poor_fits],
            }
        )
    return {
        "safety": {
            "immediate_risk": outcome.immediate_risk,
            "reasons": [_describe_rule(r) for r in outcome.safety],
            "crisis": crisis,
        },
        "scores": [
            {
                "instrument": s.instrument,
                "name": s.name,
                "total": s.total,
                "max": s.max,
                "band": s.band,
                "band_label": s.band_label,
            }
            for s in evaluation.scores.values()
        ],
        "follow_ups": list(evaluation.follow_ups),
        "suggestions": [_describe_rule(r) for r in outcome.fired if r.kind != "safety"],
        "options": options,
        "choice": evaluation.answers.choice,
        "next_steps": {
            kind: [
                {"kind": s.kind, "title": s.title, "url": s.url, "reason": s.reason} for s in steps
            ]
            for kind, steps in evaluation.next_steps.items()
        },
        "content": describe_content(),
    }


def describe_saved(guide: Any) -> dict[str, Any]:
    """What the list shows: no answers, scores or outcome, so listing reads nothing
    clinical (reading one guide is audited)."""
    return {
        "id": guide.pk,
        "created_at": guide.created_at,
        "content_version": guide.content_version,
    }


def _describe_detail(guide: Any, request: HttpRequest) -> dict[str, Any]:
    outcome = guide.outcome
    previous, answer_changes, score_changes = actions.changes_since_previous(guide, request=request)
    return {
        **describe_saved(guide),
        "choice": outcome.get("choice", ""),
        "immediate_risk": bool(outcome.get("immediate_risk")),
        "suggested": list(outcome.get("suggested", [])),
        "scores": {key: s["total"] for key, s in outcome.get("scores", {}).items()},
        "answers": guide.answers,
        "previous_id": previous.pk if previous else None,
        "answer_changes": [
            {"question": c.question, "before": c.before, "after": c.after} for c in answer_changes
        ],
        "score_changes": [
            {"name": s.name, "before": s.before, "after": s.after, "change": s.change}
            for s in score_changes
        ],
    }


# --- Endpoints ---------------------------------------------------------------


@router.post(
    "/guide/evaluate",
    auth=None,
    response=EvaluationOut,
    summary="Evaluate decision-guide answers (no account, nothing stored)",
)
def evaluate(request: HttpRequest, payload: GuideAnswers) -> dict[str, Any]:
    """Safety first: when ``safety.immediate_risk`` is true, show ``safety.crisis``
    before the rest. Screening answers use the scored values of /api/v1/instruments;
    an instrument not offered here, or answers that cannot be scored, give 422."""
    user = _optional_caller(request)
    try:
        evaluation = actions.evaluate_guide(payload, user)
    except ScreeningError as exc:
        raise HttpError(422, str(exc)) from None
    return describe_evaluation(request, user, evaluation)


@router.post(
    "/guide/saved",
    response={201: SavedGuideDetailOut},
    summary="Save your decision guide",
)
def save_guide(request: HttpRequest, payload: GuideAnswers) -> Status[dict[str, Any]]:
    user = get_api_user(request)
    try:
        guide = actions.do_save_guide(user, payload, request=request)
    except ScreeningError as exc:
        raise HttpError(422, str(exc)) from None
    return Status(201, _describe_detail(guide, request))


@router.get("/guide/saved", response=list[SavedGuideOut], summary="Your saved guides")
def list_saved(request: HttpRequest) -> list[queries.SavedGuideRow]:
    """Newest first (at most 100)."""
    return queries.saved_guides_of(get_api_user(request), limit=SAVED_LIST_LIMIT)


@router.get(
    "/guide/saved/{guide_id}",
    response=SavedGuideDetailOut,
    summary="One saved guide, and what changed since the one before",
)
def get_saved(request: HttpRequest, guide_id: int) -> dict[str, Any]:
    guide = access_saved_guide(get_api_user(request), guide_id, request=request)
    return _describe_detail(guide, request)


@router.delete("/guide/saved/{guide_id}", response={204: None}, summary="Delete a saved guide")
def delete_saved(request: HttpRequest, guide_id: int) -> Status[None]:
    actions.do_delete_saved_guide(get_api_user(request), guide_id, request=request)
    return Status(204, None)
