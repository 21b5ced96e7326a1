"""The decision guide's pages: the guide itself (anyone), and saved guides (their owner).

The guide is one URL. Every page posts all the answers so far back to it, with the
step just answered; the view validates, evaluates (:func:`evaluate_guide`, which
stores nothing) and shows the next step. Whenever the answers show a sign of
immediate risk and the crisis page has not been shown yet, the crisis page comes
next, whatever step was asked for.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kindred.core.http import AuthedHttpRequest
from kindred.guide import actions, queries
from kindred.guide.access import access_saved_guide
from kindred.guide.forms import STEP_TITLES, STEPS, GuideForm
from kindred.guide.options import (
    CONTENT_VERSION,
    DECISION,
    NEXT_REVIEW,
    NOT_A_DIAGNOSIS,
    OPTIONS_BY_KEY,
    PUBLISHED,
    SOURCES,
    UPDATE_NOTE,
    WHO_FOR,
)
from kindred.guide.questions import CHOICES, answer_rows, label
from kindred.guide.screening import ScreeningError, available_screening
from kindred.guide.sources import directory_url, therapist_filters
from kindred.measures.definitions import InstrumentDefinition
from kindred.safety.crisis import crisis_context

# After each step, the one that normally follows it.
NEXT = {
    "safety": "matters",
    "matters": "screening",
    "screening": "followup",
    "followup": "options",
    "options": "summary",
}
SAVED_LIST_LIMIT = 50
NEXT_STEP_TITLES = {
    "group": "Peer support groups",
    "space": "Community spaces",
    "peer": "Peer supporters",
    "therapist": "Therapists who match your answers",
}


def _content() -> dict[str, Any]:
    return {
        "decision": DECISION,
        "who_for": WHO_FOR,
        "not_a_diagnosis": NOT_A_DIAGNOSIS,
        "published": PUBLISHED,
        "next_review": NEXT_REVIEW,
        "update_note": UPDATE_NOTE,
        "content_version": CONTENT_VERSION,
        "sources": list(SOURCES.values()),
    }


def _signed_in(request: HttpRequest) -> bool:
    return bool(request.user.is_authenticated)


def _new_form(
    request: HttpRequest,
    available: Mapping[str, InstrumentDefinition],
    initial: dict[str, Any] | None = None,
) -> GuideForm:
    return GuideForm(initial=initial or {}, available=available, ask_age=not _signed_in(request))


def _render_step(
    request: HttpRequest,
    step: str,
    form: GuideForm,
    *,
    evaluation: actions.Evaluation | None = None,
    resume: str = "",
    status: int = 200,
) -> HttpResponse:
    if evaluation is not None:
        follow_ups = evaluation.follow_ups
    else:
        # Re-shown with errors: the follow-ups the person had started answering.
        follow_ups = tuple(
            i
            for i in ("phq9", "gad7", "audit")
            if any(form.data.get(name) for _, name in form.instrument_fields.get(i, []))
        )
    visible = form.step_fields(step, follow_ups)
    context: dict[str, Any] = {
        **_content(),
        "step": step,
        "step_number": _step_number(step),
        "title": STEP_TITLES[step],
        "form": form,
        "visible": visible,
        "carried": form.hidden_fields_for(visible),
        "evaluation": evaluation,
        "resume": resume,
        "follow_ups": [
            (form.available[i], form.instrument_items(i)) for i in follow_ups if i in form.available
        ],
        "short_screens": [
            (form.available[i], form.instrument_items(i))
            for i in ("phq2", "gad2", "auditc")
            if i in form.available
        ],
    }
    if evaluation is not None:
        context.update(_evaluation_context(evaluation))
        at_risk = evaluation.immediate_risk
    else:
        # A page shown again with errors has no evaluation; the safety answers it carries
        # still decide whether the crisis lines stay on top.
        at_risk = any(
            form.data.get(name) in ("yes", "rather_not_say")
            for name in ("safety_thoughts", "safety_intent", "safety_danger")
        )
    context["show_crisis_panel"] = at_risk and step not in ("safety", "crisis")
    if at_risk or step == "crisis":
        context.update(crisis_context(request))
    return render(request, "guide/step.html", context, status=status)


def _step_number(step: str) -> int:
    shown = ("safety", "matters", "screening", "options", "summary")
    return shown.index(step) + 1 if step in shown else 0


def _evaluation_context(evaluation: actions.Evaluation) -> dict[str, Any]:
    outcome = evaluation.outcome
    return {
        "verdicts": [(OPTIONS_BY_KEY[v.key], v) for v in outcome.verdicts],
        "safety_rules": outcome.safety,
        "evidence_rules": outcome.evidence,
        "scores": list(evaluation.scores.values()),
        "next_steps": [
            (kind, NEXT_STEP_TITLES.get(kind, kind.title()), steps)
            for kind, steps in evaluation.next_steps.items()
        ],
        "choice_label": label(CHOICES, evaluation.answers.choice)
        if evaluation.answers.choice
        else "",
        "choice_option": OPTIONS_BY_KEY.get(evaluation.answers.choice),
        "therapist_directory_url": directory_url(therapist_filters(evaluation.needs)),
    }


@never_cache
@sensitive_post_parameters()
@require_http_methods(["GET", "POST"])
def guide(request: HttpRequest) -> HttpResponse:
    available = available_screening()
    if request.method == "GET":
        return _render_step(request, "safety", _new_form(request, available))
    data = request.POST.copy()
    step = data.get("step", "")
    if step not in STEPS:
        step = "safety"
    if "skip" in data:
        # "Skip these questions": whatever was ticked on the screening page goes.
        for name in list(data):
            if name.split("_", 1)[0] in ("phq2", "gad2", "auditc", "phq9", "gad7", "audit"):
                del data[name]
    target = data.get("go", "")
    going_back = target in STEPS and STEPS.index(target) < STEPS.index(step)
    reached = target if going_back else step
    form = GuideForm(data, available=available, reached=reached, ask_age=not _signed_in(request))
    if not form.is_valid():
        return _render_step(request, _first_step_with_errors(form, step), form, status=422)
    try:
        answers = form.answers()
    except forms.ValidationError as exc:
        form.add_error(None, exc)
        return _render_step(request, step, form, status=422)
    try:
        evaluation = actions.evaluate_guide(answers, request.user, available=available)
    except ScreeningError as exc:
        _screening_errors(form, exc)
        error_step = "followup" if exc.instrument in ("phq9", "gad7", "audit") else "screening"
        return _render_step(request, error_step, form, status=422)

    crisis_seen = bool(form.cleaned_data.get("crisis_seen"))
    if going_back:
        upcoming = target
    elif step == "crisis":
        resume = data.get("resume", "")
        upcoming = resume if resume in STEPS and resume not in ("safety", "crisis") else "matters"
        crisis_seen = True
    else:
        upcoming = NEXT.get(step, "summary")
    if upcoming == "followup" and not evaluation.follow_ups:
        upcoming = "options"
    initial = {**form.carried_initial(), "crisis_seen": crisis_seen}
    next_form = _new_form(request, available, initial)
    if evaluation.immediate_risk and not crisis_seen and upcoming != "safety":
        # Crisis resources before anything else; the guide resumes where it would have.
        return _render_step(request, "crisis", next_form, evaluation=evaluation, resume=upcoming)
    return _render_step(request, upcoming, next_form, evaluation=evaluation)


def _first_step_with_errors(form: GuideForm, step: str) -> str:
    for candidate in ("safety", "matters", "screening", "followup", "options"):
        names = form.step_fields(candidate, ("phq9", "gad7", "audit"))
        if any(name in form.errors for name in names):
            return candidate
    return step


def _screening_errors(form: GuideForm, exc: ScreeningError) -> None:
    blank = [
        name
        for _, bound in form.instrument_items(exc.instrument)
        if form.cleaned_data.get(name := bound.name) is None
    ]
    if blank:
        for name in blank:
            form.add_error(name, "Please answer this question too, or skip the questions.")
    else:
        form.add_error(None, str(exc))


# --- Saved guides (signed in, owner only) ----------------------------------------------


@never_cache
@sensitive_post_parameters()
@login_required
@require_POST
def save(request: AuthedHttpRequest) -> HttpResponse:
    available = available_screening()
    form = GuideForm(request.POST, available=available, reached="options", ask_age=False)
    if not form.is_valid():
        return _render_step(request, _first_step_with_errors(form, "options"), form, status=422)
    try:
        answers = form.answers()
        guide = actions.do_save_guide(request.user, answers, request=request)
    except ScreeningError as exc:
        _screening_errors(form, exc)
        return _render_step(request, "screening", form, status=422)
    except forms.ValidationError as exc:
        form.add_error(None, exc)
        return _render_step(request, "options", form, status=422)
    return redirect("guide_saved_detail", guide_id=guide.pk)


@never_cache
@login_required
@require_GET
def saved_list(request: AuthedHttpRequest) -> HttpResponse:
    guides = queries.saved_guides_of(request.user, limit=SAVED_LIST_LIMIT)
    return render(request, "guide/saved_list.html", {"guides": guides, **_content()})


@never_cache
@login_required
@require_GET
def saved_detail(request: AuthedHttpRequest, guide_id: int) -> HttpResponse:
    guide = access_saved_guide(request.user, guide_id, request=request)
    answers = actions.saved_answers(guide)
    previous, answer_changes, score_changes = actions.changes_since_previous(guide, request=request)
    available = available_screening()
    # Going through it again starts with the safety check, the rest filled in.
    revisit = _new_form(
        request,
        available,
        {
            **{
                k: v
                for k, v in answers.model_dump().items()
                if k not in ("screening", "safety_thoughts", "safety_intent", "safety_danger")
                and v not in (None, "", [])
            },
        },
    )
    context = {
        **_content(),
        "guide": guide,
        "rows": answer_rows(answers),
        "outcome": guide.outcome,
        "suggested": [OPTIONS_BY_KEY[k] for k in guide.outcome.get("suggested", [])],
        "considered": [OPTIONS_BY_KEY[k] for k in guide.outcome.get("considered", [])],
        "previous": previous,
        "answer_changes": answer_changes,
        "score_changes": score_changes,
        "revisit_carried": revisit.hidden_fields_for(revisit.step_fields("safety")),
        "revisit_visible": revisit.step_fields("safety"),
        "revisit_form": revisit,
        "outdated": guide.content_version != CONTENT_VERSION,
    }
    return render(request, "guide/saved_detail.html", context)


@login_required
@require_POST
def saved_delete(request: AuthedHttpRequest, guide_id: int) -> HttpResponse:
    actions.do_delete_saved_guide(request.user, guide_id, request=request)
    return redirect(reverse("guide_saved_list"))
