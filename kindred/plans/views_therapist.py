"""Therapist pages under ``/therapist/plans/`` (role and second factor checked by
``RoleMFAMiddleware``; every object through :mod:`kindred.plans.access`)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kindred.bookings.relationships import clients_of
from kindred.core.http import AuthedHttpRequest
from kindred.plans import actions
from kindred.plans.access import access_client, access_plan, current_version
from kindred.plans.content import render_text
from kindred.plans.forms import AttainmentForm, CommentForm, PlanForm, ValueForm
from kindred.plans.models import TreatmentPlan
from kindred.plans.pages import history_context, plan_context, post_comment

UNPROCESSABLE = 422


def index(request: AuthedHttpRequest) -> HttpResponse:
    clients = list(clients_of(request.user))
    plans = TreatmentPlan.objects.filter(therapist=request.user, member__in=clients).select_related(
        "member"
    )
    planned = {plan.member_id for plan in plans}
    return render(
        request,
        "plans/therapist_index.html",
        {"plans": plans, "unplanned": [c for c in clients if c.pk not in planned]},
    )


@require_http_methods(["GET", "POST"])
def new(request: AuthedHttpRequest, member_id: int) -> HttpResponse:
    member = access_client(request.user, member_id)
    form = PlanForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            plan = actions.do_create_plan(
                request.user,
                member,
                content=form.cleaned_data["plan"],
                summary=form.cleaned_data["summary"],
                review_date=form.cleaned_data["review_date"],
                request=request,
            )
            messages.success(request, _("Plan saved and shared with your client."))
            return redirect("therapist_plan", plan.pk)
        return render(
            request, "plans/edit.html", {"form": form, "member": member}, status=UNPROCESSABLE
        )
    return render(request, "plans/edit.html", {"form": form, "member": member})


def detail(request: AuthedHttpRequest, plan_id: int) -> HttpResponse:
    plan = access_plan(request.user, plan_id, request=request)
    context = plan_context(plan, for_therapist=True)
    context["comment_form"] = CommentForm(initial={"version": context["version"].number})
    context["value_form"] = ValueForm()
    context["attainment_form"] = AttainmentForm()
    return render(request, "plans/therapist_plan.html", context)


@require_http_methods(["GET", "POST"])
def revise(request: AuthedHttpRequest, plan_id: int) -> HttpResponse:
    is_post = request.method == "POST"
    plan = access_plan(request.user, plan_id, write=True, audit=not is_post, request=request)
    version = current_version(plan)
    previous = version.parsed
    if not is_post:
        form = PlanForm(
            initial={
                "summary": version.summary,
                "plan": render_text(previous),
                "review_date": version.review_date,
            },
            previous=previous,
        )
        return render(request, "plans/edit.html", {"form": form, "plan": plan, "version": version})
    form = PlanForm(request.POST, previous=previous)
    if not form.is_valid():
        return render(
            request,
            "plans/edit.html",
            {"form": form, "plan": plan, "version": version},
            status=UNPROCESSABLE,
        )
    new_version = actions.do_revise_plan(
        request.user,
        plan,
        content=form.cleaned_data["plan"],
        summary=form.cleaned_data["summary"],
        review_date=form.cleaned_data["review_date"],
        request=request,
    )
    messages.success(request, _("Saved as version %(number)s.") % {"number": new_version.number})
    return redirect("therapist_plan", plan.pk)


def history(request: AuthedHttpRequest, plan_id: int) -> HttpResponse:
    plan = access_plan(request.user, plan_id, request=request)
    return render(request, "plans/history.html", history_context(plan))


def _entry(request: AuthedHttpRequest, plan_id: int, key: int, *, attainment: bool) -> HttpResponse:
    plan = access_plan(request.user, plan_id, write=True, audit=False, request=request)
    form = AttainmentForm(request.POST) if attainment else ValueForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please choose a valid value."))
        return redirect("therapist_plan", plan.pk)
    try:
        if attainment:
            actions.do_score_attainment(
                request.user, plan, key, form.cleaned_data["attainment"], request=request
            )
        else:
            actions.do_record_objective_value(
                request.user, plan, key, form.cleaned_data["value"], request=request
            )
    except actions.PlanError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Recorded."))
    return redirect("therapist_plan", plan.pk)


@require_POST
def record_value(request: AuthedHttpRequest, plan_id: int, key: int) -> HttpResponse:
    return _entry(request, plan_id, key, attainment=False)


@require_POST
def score_attainment(request: AuthedHttpRequest, plan_id: int, key: int) -> HttpResponse:
    return _entry(request, plan_id, key, attainment=True)


@require_POST
def comment(request: AuthedHttpRequest, plan_id: int) -> HttpResponse:
    plan = access_plan(request.user, plan_id, write=True, audit=False, request=request)
    post_comment(request, plan)
    return redirect("therapist_plan", plan.pk)
