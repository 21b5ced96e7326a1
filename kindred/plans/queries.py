"""What the member's plan pages and ``GET /api/v1/plans`` read: their own plans, as rows.

A member sees only the plans made with them; the page and the API both list them from
here, so that rule and how a plan is summed up are written once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Max

from kindred.plans.models import TreatmentPlan

if TYPE_CHECKING:
    from kindred.accounts.models import User


@dataclass(frozen=True, slots=True)
class PlanSummary:
    id: int
    therapist: str  # the therapist's handle
    created_at: datetime
    current_version: int


def plans_of(member: User) -> list[PlanSummary]:
    """The member's treatment plans, newest first, in one query."""
    rows = (
        TreatmentPlan.objects.filter(member=member)
        .annotate(current_version=Max("versions__number"))
        .values_list("pk", "therapist__handle", "created_at", "current_version")
    )
    return [
        PlanSummary(id=pk, therapist=handle, created_at=created_at, current_version=version)
        for pk, handle, created_at, version in rows
    ]
