"""What deleting an account means for clinical records: nothing, until retention ends.

The law of the host decides how long records of care are kept
(``CLINICAL_RETENTION_YEARS``). Until then they stay, readable only as before (the
member's therapist; the member can no longer sign in). Then they go for good.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kindred.accounts.deletion import ERASERS, Eraser
from kindred.clinical.models import (
    IntakeForm,
    NoteAddendum,
    ProgressNote,
    PsychotherapyNote,
    WorkingDiagnosis,
)

if TYPE_CHECKING:
    from kindred.accounts.models import User

KEPT = "clinical record: kept for CLINICAL_RETENTION_YEARS after the deletion, then purged"


def purge_retained(user: User) -> dict[str, int]:
    # Queryset deletes on purpose: a signed note refuses ``Model.delete()`` so no page
    # can remove it; the end of its retention period is the one reason it may go.
    notes = ProgressNote.objects.filter(member=user)
    return {
        "note_addenda": NoteAddendum.objects.filter(note__in=notes).delete()[0],
        "progress_notes": notes.delete()[0],
        "psychotherapy_notes": PsychotherapyNote.objects.filter(member=user).delete()[0],
        "working_diagnoses": WorkingDiagnosis.objects.filter(member=user).delete()[0],
        "intake_forms": IntakeForm.objects.filter(member=user).delete()[0],
    }


ERASERS.register(
    "clinical",
    Eraser(
        purge_retained=purge_retained,
        retained={
            "clinical.IntakeForm": KEPT,
            "clinical.WorkingDiagnosis": KEPT,
            "clinical.ProgressNote": KEPT,
            "clinical.NoteAddendum": KEPT,
            "clinical.PsychotherapyNote": KEPT,
        },
    ),
)
