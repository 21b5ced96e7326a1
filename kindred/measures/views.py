"""Questionnaire pages for signed-in members: take one, see the result, see the trend.

Every read goes through :mod:`kindred.measures.access` (the member's own responses
only); every write through :mod:`kindred.measures.actions`.
"""

from __future__ import annotations

import json
import math
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kindred.core.http import AuthedHttpRequest
from kindred.measures import actions, privacy, queries
from kindred.measures.access import access_response
from kindred.measures.availability import (
    InstrumentUnavailable,
    available_instruments,
    check_instrument_available,
)
from kindred.measures.charts import build_chart
from kindred.measures.definitions import (
    Direction,
    InstrumentDefinition,
    UnknownInstrument,
    get_definition,
    get_library,
)
from kindred.measures.forms import DraftForm, QuestionnaireForm, StepForm
from kindred.measures.next_steps import next_steps_for
from kindred.measures.schedules import due_assignments
from kindred.measures.scoring import ScoringError, score
from kindred.safety.crisis import crisis_context

RECENT_RESULTS = 10
# A generous reading pace for one item, for "about N minutes".
SECONDS_PER_ITEM = 12
# The chart and table show at most this many results (the newest).
HISTORY_LIMIT = 200

MEANING = {
    Direction.HIGHER_IS_WORSE: "Higher scores mean the problems it asks about bothered you more "
    "often over {recall}.",
    Direction.HIGHER_IS_BETTER: "Higher scores mean better wellbeing over {recall}.",
}
NOT_A_DIAGNOSIS = (
    "A questionnaire score is not a diagnosis. It is a snapshot of how things have been "
    "for you recently, and it can help you and the people supporting you notice change "
    "over time. Only a conversation with a qualified professional can tell you what it "
    "means for you."
)


def minutes_to_complete(definition: InstrumentDefinition) -> int:
    return max(1, math.ceil(len(definition.items) * SECONDS_PER_ITEM / 60))


def _available(instrument: str) -> InstrumentDefinition:
    try:
        return check_instrument_available(instrument)
    except InstrumentUnavailable:
        raise Http404("No such questionnaire.") from None


def _known(instrument: str) -> InstrumentDefinition:
    try:
        return get_definition(instrument)
    except UnknownInstrument:
        raise Http404("No such questionnaire.") from None


@login_required
@require_GET
def index(request: AuthedHttpRequest) -> HttpResponse:
    library = get_library()
    instruments = [
        {"definition": d, "minutes": minutes_to_complete(d)} for d in available_instruments()
    ]
    results = queries.results_of(request.user, limit=RECENT_RESULTS)
    due = due_assignments(request.user, timezone.now())
    due_rows = [
        {"definition": library[d.assignment.instrument_id], "due_at": d.due_at}
        for d in due
        if d.assignment.instrument_id in library
    ]
    return render(
        request,
        "measures/index.html",
        {
            "instruments": instruments,
            "results": results,
            "due": _first_per_instrument(due_rows),
            "privacy": privacy.index_sentences(request.user),
        },
    )


def _first_per_instrument(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Two open occurrences of one questionnaire are one thing to do (the earliest)."""
    seen: set[str] = set()
    kept = []
    for row in rows:
        if row["definition"].id not in seen:
            seen.add(row["definition"].id)
            kept.append(row)
    return kept


@login_required
@require_http_methods(["GET", "POST"])
def take(request: AuthedHttpRequest, instrument: str) -> HttpResponse:
    definition = _available(instrument)
    if request.GET.get("mode") == "step":
        return _take_step(request, definition)
    draft = actions.get_draft(request.user, definition.id)
    form: QuestionnaireForm
    if request.method == "POST":
        if request.POST.get("action") == "save":
            # "Save and finish later": keep every valid answer, even an incomplete set.
            form = DraftForm(definition, request.POST)
            if form.is_valid():
                answers = form.partial_answers()
                actions.do_save_draft(request.user, definition.id, answers, step=len(answers))
                return redirect(f"{reverse('measures_take', args=[definition.id])}?saved=1")
        elif (form := QuestionnaireForm(definition, request.POST)).is_valid():
            outcome = actions.do_submit_response(request.user, definition.id, form.answers())
            return redirect("measures_result", response_id=outcome.response.pk)
        status = 422
    else:
        initial = dict(draft.answers or {}) if draft is not None else {}
        form = QuestionnaireForm(definition, initial=initial)
        status = 200
    return render(
        request,
        "measures/take.html",
        {
            "definition": definition,
            "form": form,
            "minutes": minutes_to_complete(definition),
            "draft": draft if request.method == "GET" else None,
            "just_saved": request.GET.get("saved") == "1",
            "privacy": privacy.questionnaire_notice(request.user, definition.id),
        },
        status=status,
    )


@login_required
@require_POST
def save_draft(request: AuthedHttpRequest, instrument: str) -> JsonResponse:
    """Autosave for the whole-form mode: the page posts the form after each answer.

    Answers are checked one by one, so a half-finished form is kept; a value that is
    not one of the options is refused with 422 and nothing from that post is saved.
    """
    definition = _available(instrument)
    form = DraftForm(definition, request.POST)
    if not form.is_valid():
        errors = {key: [str(e) for e in errs] for key, errs in form.errors.items()}
        return JsonResponse({"detail": "Some answers are not valid.", "errors": errors}, status=422)
    answers = form.partial_answers()
    draft = actions.do_save_draft(request.user, definition.id, answers, step=len(answers))
    return JsonResponse(
        {"saved": len(draft.answers or {}), "saved_at": draft.updated_at.isoformat()}
    )


def _step_url(definition: InstrumentDefinition, step: int) -> str:
    return f"{reverse('measures_take', args=[definition.id])}?mode=step&step={step}"


def _clamp(definition: InstrumentDefinition, value: Any, default: int) -> int:
    try:
        step = int(value)
    except (TypeError, ValueError):
        return default
    return max(0, min(step, len(definition.items) - 1))


def _take_step(request: AuthedHttpRequest, definition: InstrumentDefinition) -> HttpResponse:
    """One question per screen. Each POST saves the answer to the member's encrypted
    draft, so leaving and coming back resumes at the next unanswered question."""
    draft = actions.get_draft(request.user, definition.id)
    saved: dict[str, int] = dict(draft.answers or {}) if draft is not None else {}
    last = len(definition.items) - 1
    if request.method == "POST":
        step = _clamp(definition, request.POST.get("step"), 0)
        item = definition.items[step]
        form = StepForm(definition, item, request.POST)
        if form.is_valid():
            answer = form.cleaned_data["answer"]
            given = {item.id: answer} if answer is not None else {}
            if form.cleaned_data.get("nav") == "back":
                target = max(step - 1, 0)
                actions.do_save_draft(request.user, definition.id, given, step=target)
                return redirect(_step_url(definition, target))
            draft = actions.do_save_draft(
                request.user, definition.id, given, step=min(step + 1, last)
            )
            saved = dict(draft.answers)
            missing = [i for i, it in enumerate(definition.items) if it.id not in saved]
            if step < last:
                return redirect(_step_url(definition, step + 1))
            if missing:
                return redirect(_step_url(definition, missing[0]))
            outcome = actions.do_submit_response(request.user, definition.id, saved)
            return redirect("measures_result", response_id=outcome.response.pk)
        status = 422
    else:
        resume = draft.step if draft is not None else 0
        step = _clamp(definition, request.GET.get("step"), resume)
        item = definition.items[step]
        form = StepForm(
            definition, item, initial={"step": step, "nav": "next", "answer": saved.get(item.id)}
        )
        status = 200
    return render(
        request,
        "measures/step.html",
        {
            "definition": definition,
            "form": form,
            "item": item,
            "step": step,
            "number": step + 1,
            "count": len(definition.items),
            "is_last": step == last,
            "answered": len(saved),
            "resumed": draft is not None and request.method == "GET",
            "privacy": privacy.questionnaire_notice(request.user, definition.id),
        },
        status=status,
    )


@login_required
@require_GET
def result(request: AuthedHttpRequest, response_id: int) -> HttpResponse:
    response = access_response(request.user, response_id)
    definition = _known(response.instrument_id)
    show_support = False
    try:
        show_support = bool(score(definition, response.answers).critical_items_triggered)
    except ScoringError:
        # Scored under an older version: err on the side of showing help.
        show_support = bool(definition.critical_items)
    context: dict[str, Any] = {
        "response": response,
        "definition": definition,
        "band_label": queries.band_label(definition, response.band),
        "meaning": MEANING[definition.direction].format(recall=definition.recall_period),
        "not_a_diagnosis": NOT_A_DIAGNOSIS,
        "show_support": show_support,
        "next_steps": next_steps_for(definition.id, response.band),
    }
    if show_support:
        crisis = crisis_context(request)
        context["support_country"] = crisis["country"] or crisis["anywhere"]
    return render(request, "measures/result.html", context)


@login_required
@require_GET
def history(request: AuthedHttpRequest, instrument: str) -> HttpResponse:
    definition = _known(instrument)
    points = queries.trend_of(request.user, definition, limit=HISTORY_LIMIT)
    chart = build_chart(definition, points)
    return render(
        request,
        "measures/history.html",
        {
            "definition": definition,
            "points": points,
            "rows": list(reversed(points)),
            "chart": chart,
            "has_rci": definition.reliable_change is not None,
        },
    )


@login_required
@require_GET
def export_fhir(request: AuthedHttpRequest) -> HttpResponse:
    return fhir_download(actions.do_export_responses(request.user, request=request))


def fhir_download(
    bundle: dict[str, Any], filename: str = "kindred-measures.fhir.json"
) -> HttpResponse:
    response = HttpResponse(
        json.dumps(bundle, indent=2, ensure_ascii=False),
        content_type="application/fhir+json; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
