"""What the plan pages show, shared by the therapist and member views."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.plans.access import current_version
from kindred.plans.content import differences, render_text
from kindred.plans.models import PlanAcknowledgement, PlanComment, PlanVersion, TreatmentPlan
from kindred.plans.progress import get_progress


def plan_context(plan: TreatmentPlan, *, for_therapist: bool = False) -> dict[str, Any]:
    """``for_therapist``: the therapist's page, showing only the results they may see."""
    version = current_version(plan)
    content = version.parsed
    acknowledged = (
        PlanAcknowledgement.objects.filter(version=version, member_id=plan.member_id)
        .values_list("acknowledged_at", flat=True)
        .first()
    )
    comments = (
        PlanComment.objects.filter(version__plan=plan)
        .select_related("author", "version")
        .order_by("created_at", "id")
    )
    progress = get_progress(plan, content, timezone.localdate(), for_therapist=for_therapist)
    by_key = {item.objective.key: item for item in progress.objectives}
    tree = [
        {
            "problem": problem,
            "goals": [
                {"goal": goal, "items": [by_key[o.key] for o in goal.objectives]}
                for goal in problem.goals
            ],
        }
        for problem in content.problems
    ]
    return {
        "plan": plan,
        "version": version,
        "content": content,
        "tree": tree,
        "progress": progress,
        "acknowledged_at": acknowledged,
        "comments": comments,
    }


def _extra(version: PlanVersion) -> list[str]:
    return [f"Summary: {version.summary}", f"Review date: {version.review_date.isoformat()}"]


def history_context(plan: TreatmentPlan) -> dict[str, Any]:
    versions = list(plan.versions.select_related("author").order_by("number"))
    acked = set(
        PlanAcknowledgement.objects.filter(
            version__plan=plan, member_id=plan.member_id
        ).values_list("version__number", flat=True)
    )
    rows = []
    previous: PlanVersion | None = None
    for version in versions:
        if previous is None:
            changes = ["First version."]
        else:
            changes = differences(
                previous.parsed,
                version.parsed,
                old_extra=_extra(previous),
                new_extra=_extra(version),
            ) or ["No changes."]
        rows.append(
            {
                "version": version,
                "changes": changes,
                "acknowledged": version.number in acked,
                "text": render_text(version.parsed),
            }
        )
        previous = version
    rows.reverse()
    return {"plan": plan, "rows": rows}


def post_comment(request: Any, plan: TreatmentPlan, *, success: str = "") -> None:
    """The comment form of either side of a plan: post it, or say why not."""
    from django.contrib import messages

    from kindred.plans import actions
    from kindred.plans.forms import CommentForm

    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a comment first."))
        return
    try:
        actions.do_comment(
            request.user,
            plan,
            form.cleaned_data["version"],
            form.cleaned_data["text"],
            request=request,
        )
    except actions.PlanError as exc:
        messages.error(request, str(exc))
    else:
        if success:
            messages.success(request, success)
