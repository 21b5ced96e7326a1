"""What deleting an account means for questionnaires.

Answers are clinical records (kept for ``CLINICAL_RETENTION_YEARS``); unfinished drafts
and coming reminders go at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kindred.accounts.deletion import ERASERS, ErasePlan, Eraser
from kindred.measures.models import Assignment, InstrumentLicence, Response, ResponseDraft

if TYPE_CHECKING:
    from kindred.accounts.models import User

KEPT = "clinical record: kept for CLINICAL_RETENTION_YEARS after the deletion, then purged"


def erase(user: User, plan: ErasePlan) -> dict[str, int]:
    Response.objects.filter(assigned_by=user).update(assigned_by=None)
    InstrumentLicence.objects.filter(confirmed_by=user).update(confirmed_by=None)
    return {
        "response_drafts": ResponseDraft.objects.filter(member=user).delete()[0],
        # Nobody is asked to fill anything in any more (neither by nor for them).
        "assignments": Assignment.objects.filter(therapist=user).delete()[0]
        + Assignment.objects.filter(member=user).delete()[0],
    }


def purge_retained(user: User) -> dict[str, int]:
    return {"responses": Response.objects.filter(member=user).delete()[0]}


ERASERS.register(
    "measures",
    Eraser(
        erase=erase,
        purge_retained=purge_retained,
        models=("measures.ResponseDraft", "measures.Assignment", "measures.InstrumentLicence"),
        retained={"measures.Response": KEPT},
    ),
)
