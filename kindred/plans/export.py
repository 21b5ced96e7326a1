"""The export's part about treatment plans (see kindred/core/export.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kindred.accounts.models import User
from kindred.core.export import EXPORT_SECTIONS, ExportSection, handle_of
from kindred.plans.models import (
    ObjectiveEntry,
    PlanAcknowledgement,
    PlanComment,
    PlanVersion,
    TreatmentPlan,
)


def export_for(user: User) -> dict[str, Any]:
    plans = list(
        TreatmentPlan.objects.filter(member=user).select_related("therapist").order_by("pk")
    )
    versions: dict[int, list[dict[str, Any]]] = {}
    for v in PlanVersion.objects.filter(plan__in=plans).order_by("plan_id", "number"):
        versions.setdefault(v.plan_id, []).append(
            {
                "number": v.number,
                "created_at": v.created_at,
                "summary": v.summary,
                "content": v.content,
                "review_date": v.review_date,
            }
        )
    acknowledged: dict[int, list[dict[str, Any]]] = {}
    for ack in PlanAcknowledgement.objects.filter(version__plan__in=plans, member=user).values(
        "version__plan_id", "version__number", "acknowledged_at"
    ):
        acknowledged.setdefault(ack["version__plan_id"], []).append(
            {"version": ack["version__number"], "acknowledged_at": ack["acknowledged_at"]}
        )
    comments: dict[int, list[dict[str, Any]]] = {}
    for c in (
        PlanComment.objects.filter(version__plan__in=plans)
        .select_related("author", "version")
        .order_by("created_at", "pk")
    ):
        comments.setdefault(c.version.plan_id, []).append(
            {
                "version": c.version.number,
                "by": handle_of(c.author),
                "text": c.text,
                "created_at": c.created_at,
            }
        )
    entries: dict[int, list[dict[str, Any]]] = {}
    for e in ObjectiveEntry.objects.filter(plan__in=plans).order_by("recorded_at", "pk"):
        entries.setdefault(e.plan_id, []).append(
            {
                "objective_key": e.objective_key,
                "kind": e.kind,
                "value": e.value,
                "recorded_at": e.recorded_at,
            }
        )
    return {
        "treatment_plans": [
            {
                "id": plan.pk,
                "therapist": handle_of(plan.therapist),
                "created_at": plan.created_at,
                "versions": versions.get(plan.pk, []),
                "acknowledgements": acknowledged.get(plan.pk, []),
                "comments": comments.get(plan.pk, []),
                "progress_recorded": entries.get(plan.pk, []),
            }
            for plan in plans
        ]
    }


_CLIENTS_PLAN = (
    "A client's plan, exported to that client rather than to the therapist who wrote it."
)

EXPORT_SECTIONS.register(
    "plans",
    ExportSection(
        title=_("Treatment plans"),
        export_for=export_for,
        parts={"treatment_plans": _("Plans shared with you by your therapist")},
        covers=(
            "plans.TreatmentPlan.member",
            "plans.PlanAcknowledgement.member",
            "plans.PlanComment.author",
        ),
        excluded={
            "plans.TreatmentPlan.therapist": _CLIENTS_PLAN,
            "plans.PlanVersion.author": _CLIENTS_PLAN,
            "plans.ObjectiveEntry.recorded_by": _CLIENTS_PLAN,
        },
    ),
)
