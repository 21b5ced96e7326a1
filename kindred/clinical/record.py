"""Loading a client's whole record for the therapist, with its read audited.

One page view is one audit row naming every item shown, so the page's query
count does not grow with the number of notes.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import HttpRequest

from kindred.accounts.models import User
from kindred.audit.actions import record_event
from kindred.clinical import audit_names as clinical_audit
from kindred.clinical.models import (
    IntakeForm,
    NoteAddendum,
    ProgressNote,
    PsychotherapyNote,
    WorkingDiagnosis,
)


@dataclass(frozen=True)
class ClientRecord:
    member: User
    intake: IntakeForm | None
    diagnoses: list[WorkingDiagnosis]
    notes: list[ProgressNote]
    psychotherapy_notes: list[PsychotherapyNote]


def get_client_record(
    therapist: User, member: User, *, request: HttpRequest | None = None
) -> ClientRecord:
    """Precondition: ``member`` came from ``access_client(therapist, ...)``."""
    mine = {"member": member, "therapist": therapist}
    record = ClientRecord(
        member=member,
        intake=IntakeForm.objects.filter(**mine).first(),
        diagnoses=sorted(WorkingDiagnosis.objects.filter(**mine), key=lambda d: d.code),
        notes=list(
            ProgressNote.objects.filter(**mine)
            .select_related("booking", "signed_by")
            .prefetch_related(
                Prefetch("addenda", queryset=NoteAddendum.objects.select_related("author"))
            )
        ),
        psychotherapy_notes=list(PsychotherapyNote.objects.filter(**mine)),
    )
    record_event(
        actor=therapist,
        event=clinical_audit.RECORD_READ,
        target=member,
        changes={
            "intake": record.intake.pk if record.intake else None,
            "diagnoses": [d.pk for d in record.diagnoses],
            "notes": [n.pk for n in record.notes],
            "psychotherapy_notes": [n.pk for n in record.psychotherapy_notes],
        },
        request=request,
    )
    return record
