"""What deleting an account means for treatment plans: kept as clinical records."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kindred.accounts.deletion import ERASERS, Eraser
from kindred.plans.models import TreatmentPlan

if TYPE_CHECKING:
    from kindred.accounts.models import User

KEPT = "clinical record: kept for CLINICAL_RETENTION_YEARS after the deletion, then purged"


def purge_retained(user: User) -> dict[str, int]:
    # Versions, acknowledgements, comments and entries go with their plan.
    return {"treatment_plans": TreatmentPlan.objects.filter(member=user).delete()[0]}


ERASERS.register(
    "plans",
    Eraser(
        purge_retained=purge_retained,
        retained={
            "plans.TreatmentPlan": KEPT,
            "plans.PlanVersion": KEPT,
            "plans.PlanAcknowledgement": KEPT,
            "plans.PlanComment": KEPT,
            "plans.ObjectiveEntry": KEPT,
        },
    ),
)
