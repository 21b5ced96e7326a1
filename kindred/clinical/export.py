"""The export's part about the clinical record (see kindred/core/export.py).

A client gets their record from every therapist who treats them: intake answers,
working diagnoses and signed progress notes with their addenda (HIPAA's right of
access; GDPR Art. 15). Unsigned notes are drafts, not yet part of the record.
Psychotherapy (process) notes are never exported: HIPAA excludes them from the right
of access, and the record keeps them apart for that reason.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kindred.accounts.models import User
from kindred.clinical.models import IntakeForm, NoteAddendum, ProgressNote, WorkingDiagnosis
from kindred.core.export import EXPORT_SECTIONS, ExportSection, handle_of


def export_for(user: User) -> dict[str, Any]:
    notes = list(
        ProgressNote.objects.filter(member=user, signed_at__isnull=False)
        .select_related("therapist")
        .order_by("created_at", "pk")
    )
    addenda: dict[int, list[dict[str, Any]]] = {}
    for addendum in NoteAddendum.objects.filter(note__in=notes).order_by("created_at", "pk"):
        addenda.setdefault(addendum.note_id, []).append(
            {"text": addendum.text, "created_at": addendum.created_at}
        )
    return {
        "intake_forms": [
            {
                "therapist": handle_of(form.therapist),
                "answers": form.answers,
                "requested_at": form.requested_at,
                "submitted_at": form.submitted_at,
            }
            for form in IntakeForm.objects.filter(member=user)
            .select_related("therapist")
            .order_by("requested_at", "pk")
        ],
        "diagnoses": [
            {
                "therapist": handle_of(d.therapist),
                "code": d.code,
                "description": d.description,
                "note": d.note,
                "created_at": d.created_at,
                "updated_at": d.updated_at,
            }
            for d in WorkingDiagnosis.objects.filter(member=user)
            .select_related("therapist")
            .order_by("created_at", "pk")
        ],
        "progress_notes": [
            {
                "therapist": handle_of(note.therapist),
                "format": note.format,
                "sections": dict(note.sections()),
                "risk_level": note.risk_level,
                "risk_rationale": note.risk_rationale,
                "created_at": note.created_at,
                "signed_at": note.signed_at,
                "addenda": addenda.get(note.pk, []),
            }
            for note in notes
        ],
    }


_CLIENTS_RECORD = "The record of a client, exported to that client rather than to its author."

EXPORT_SECTIONS.register(
    "clinical",
    ExportSection(
        title=_("Your clinical record"),
        export_for=export_for,
        parts={
            "intake_forms": _("Intake forms"),
            "diagnoses": _("Working diagnoses"),
            "progress_notes": _("Progress notes"),
        },
        covers=(
            "clinical.IntakeForm.member",
            "clinical.WorkingDiagnosis.member",
            "clinical.ProgressNote.member",
        ),
        excluded={
            "clinical.PsychotherapyNote.member": (
                "Psychotherapy (process) notes: excluded from the right of access (HIPAA "
                "45 CFR 164.524) and kept apart from the record for that reason."
            ),
            "clinical.IntakeForm.therapist": _CLIENTS_RECORD,
            "clinical.WorkingDiagnosis.therapist": _CLIENTS_RECORD,
            "clinical.ProgressNote.therapist": _CLIENTS_RECORD,
            "clinical.ProgressNote.signed_by": _CLIENTS_RECORD,
            "clinical.NoteAddendum.author": _CLIENTS_RECORD,
            "clinical.PsychotherapyNote.therapist": _CLIENTS_RECORD,
        },
    ),
)
