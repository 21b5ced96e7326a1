"""The member's own treatment plans under ``/my/plan/``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kindred.core.http import AuthedHttpRequest
from kindred.plans import actions
from kindred.plans.access import access_member_plan
from kindred.plans.forms import AcknowledgeForm, CommentForm
from kindred.plans.pages import plan_context, post_comment
from kindred.plans.queries import plans_of


@login_required
def index(request: AuthedHttpRequest) -> HttpResponse:
    plans = plans_of(request.user)
    if len(plans) == 1:
        return redirect("my_plan", plans[0].id)
    return render(request, "plans/member_index.html", {"plans": plans})


@login_required
def detail(request: AuthedHttpRequest, plan_id: int) -> HttpResponse:
    plan = access_member_plan(request.user, plan_id)
    context = plan_context(plan)
    number = context["version"].number
    context["ack_form"] = AcknowledgeForm(initial={"version": number})
    context["comment_form"] = CommentForm(initial={"version": number})
    return render(request, "plans/member_plan.html", context)


@login_required
@require_POST
def acknowledge(request: AuthedHttpRequest, plan_id: int) -> HttpResponse:
    plan = access_member_plan(request.user, plan_id)
    form = AcknowledgeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Something went wrong; please try again."))
        return redirect("my_plan", plan.pk)
    try:
        actions.do_acknowledge(request.user, plan, form.cleaned_data["version"], request=request)
    except actions.PlanError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Thank you. Your therapist can see you have read this plan."))
    return redirect("my_plan", plan.pk)


@login_required
@require_POST
def comment(request: AuthedHttpRequest, plan_id: int) -> HttpResponse:
    plan = access_member_plan(request.user, plan_id)
    post_comment(request, plan, success=_("Comment sent to your therapist."))
    return redirect("my_plan", plan.pk)
