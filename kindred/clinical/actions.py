"""Clinical record operations: every view, task and test goes through these.

Audit rows name the event, the ids and the note format, never the content.
Callers have already called the matching ``access_*`` function; each ``do_*``
re-checks what it depends on under the row lock.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from kindred.audit.actions import record_event
from kindred.bookings.models import Booking
from kindred.clinical import audit_names as clinical_audit
from kindred.clinical import icd10
from kindred.clinical.models import (
    IntakeForm,
    NoteAddendum,
    ProgressNote,
    PsychotherapyNote,
    WorkingDiagnosis,
)
from kindred.clinical.vocabulary import (
    INTAKE_KEYS,
    RATIONALE_REQUIRED,
    NoteFormat,
    RiskLevel,
    section_keys,
)
from kindred.core.notifications import do_notify

if TYPE_CHECKING:
    from kindred.accounts.models import User


class ClinicalError(Exception):
    """Why the operation cannot go ahead (shown to the person who tried)."""


def _now(now: datetime | None) -> datetime:
    return now or timezone.now()


# --- Intake -----------------------------------------------------------------------


def do_request_intake(
    therapist: User, member: User, *, request: HttpRequest | None = None
) -> IntakeForm:
    """Ask a client to fill in the intake (idempotent)."""
    with transaction.atomic():
        intake, created = IntakeForm.objects.get_or_create(member=member, therapist=therapist)
        if created:
            record_event(
                actor=therapist,
                event=clinical_audit.INTAKE_REQUESTED,
                target=intake,
                request=request,
            )
            do_notify(
                [member],
                kind="clinical.intake",
                title="Your therapist asked you to fill in an intake form.",
                url=f"/my/intake/{therapist.pk}/",
            )
    return intake


def check_intake_answers(answers: Mapping[str, object]) -> dict[str, str]:
    unknown = set(answers) - set(INTAKE_KEYS)
    if unknown:
        raise ClinicalError(_("Unknown intake question: %(key)s") % {"key": sorted(unknown)[0]})
    return {key: str(answers.get(key) or "").strip() for key in INTAKE_KEYS}


def do_save_intake(
    member: User,
    intake: IntakeForm,
    answers: Mapping[str, object],
    *,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> IntakeForm:
    """The client saves their answers (they may revise them)."""
    clean = check_intake_answers(answers)
    with transaction.atomic():
        intake = IntakeForm.objects.select_for_update().get(pk=intake.pk)
        if intake.member_id != member.pk:
            raise ClinicalError(_("This is not your intake form."))
        intake.answers = clean
        intake.submitted_at = _now(now)
        intake.save(update_fields=["answers", "submitted_at"])
        record_event(
            actor=member, event=clinical_audit.INTAKE_SAVED, target=intake, request=request
        )
    return intake


# --- Working diagnoses ------------------------------------------------------------


def do_set_diagnosis(
    therapist: User,
    member: User,
    code: str,
    note: str = "",
    *,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> WorkingDiagnosis:
    """Add a working diagnosis, or update the note of one already recorded."""
    if not icd10.is_valid(code):
        raise ClinicalError(_("Choose a code from the list."))
    with transaction.atomic():
        # Codes are encrypted, so the match happens here rather than in SQL.
        existing = [
            d
            for d in WorkingDiagnosis.objects.select_for_update().filter(
                member=member, therapist=therapist
            )
            if d.code == code
        ]
        if existing:
            diagnosis = existing[0]
            diagnosis.note = note.strip()
            diagnosis.updated_at = _now(now)
            diagnosis.save(update_fields=["note", "updated_at"])
            event = clinical_audit.DIAGNOSIS_UPDATED
        else:
            diagnosis = WorkingDiagnosis.objects.create(
                member=member, therapist=therapist, code=code, note=note.strip()
            )
            event = clinical_audit.DIAGNOSIS_ADDED
        record_event(actor=therapist, event=event, target=diagnosis, request=request)
    return diagnosis


def do_remove_diagnosis(
    therapist: User, diagnosis: WorkingDiagnosis, *, request: HttpRequest | None = None
) -> None:
    with transaction.atomic():
        if diagnosis.therapist_id != therapist.pk:
            raise ClinicalError(_("Only the diagnosing therapist may remove it."))
        record_event(
            actor=therapist,
            event=clinical_audit.DIAGNOSIS_REMOVED,
            target=diagnosis,
            request=request,
        )
        diagnosis.delete()


# --- Progress notes -----------------------------------------------------------------


def check_note(
    fmt: str, content: Mapping[str, object], risk_level: str, risk_rationale: str
) -> dict[str, str]:
    if fmt not in NoteFormat.values:
        raise ClinicalError(_("Choose SOAP, DAP or BIRP."))
    keys = section_keys(fmt)
    unknown = set(content) - set(keys)
    if unknown:
        raise ClinicalError(
            _("Unknown section for %(format)s: %(key)s")
            % {"format": fmt.upper(), "key": sorted(unknown)[0]}
        )
    if risk_level not in RiskLevel.values:
        raise ClinicalError(_("Record the client's risk status."))
    if risk_level in RATIONALE_REQUIRED and not risk_rationale.strip():
        raise ClinicalError(_("Say why you rated the risk this way."))
    return {key: str(content.get(key) or "").strip() for key in keys}


def _check_booking(booking: Booking | None, therapist: User, member: User) -> None:
    if booking is not None and (
        booking.therapist_id != therapist.pk or booking.member_id != member.pk
    ):
        raise ClinicalError(_("That session is not one of this client's sessions with you."))


def do_save_note_draft(
    therapist: User,
    member: User,
    *,
    fmt: str,
    content: Mapping[str, object],
    risk_level: str,
    risk_rationale: str = "",
    booking: Booking | None = None,
    note: ProgressNote | None = None,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> ProgressNote:
    """Create a draft (``note`` None) or revise one. A signed note is refused."""
    clean = check_note(fmt, content, risk_level, risk_rationale)
    _check_booking(booking, therapist, member)
    with transaction.atomic():
        if note is None:
            note = ProgressNote(
                member=member,
                therapist=therapist,
                booking=booking,
                format=fmt,
                risk_level=risk_level,
                risk_rationale=risk_rationale.strip(),
            )
            note.content = clean  # assigned apart: the stubs type the field as text
            note.save()
            event = clinical_audit.NOTE_DRAFTED
        else:
            # Row lock: a second tab signing the note must not race this edit.
            note = ProgressNote.objects.select_for_update().get(pk=note.pk)
            if note.therapist_id != therapist.pk or note.member_id != member.pk:
                raise ClinicalError(_("This is not your note."))
            if note.is_signed:
                raise ClinicalError(
                    _("This note is signed and cannot be changed; add an addendum.")
                )
            note.format = fmt
            note.content = clean
            note.risk_level = risk_level
            note.risk_rationale = risk_rationale.strip()
            note.booking = booking
            note.updated_at = _now(now)
            note.save(
                update_fields=[
                    "format",
                    "content",
                    "risk_level",
                    "risk_rationale",
                    "booking",
                    "updated_at",
                ]
            )
            event = clinical_audit.NOTE_REVISED
        record_event(
            actor=therapist,
            event=event,
            target=note,
            changes={"format": fmt, "member": member.pk, "risk_level": risk_level},
            request=request,
        )
    return note


def do_sign_note(
    therapist: User,
    note: ProgressNote,
    *,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> ProgressNote:
    with transaction.atomic():
        note = ProgressNote.objects.select_for_update().get(pk=note.pk)
        if note.therapist_id != therapist.pk:
            raise ClinicalError(_("Only the note's author may sign it."))
        if note.is_signed:
            raise ClinicalError(_("This note is already signed."))
        if not any(note.content.values()):
            raise ClinicalError(_("An empty note cannot be signed."))
        note.signed_at = _now(now)
        note.signed_by = therapist
        note.save(update_fields=["signed_at", "signed_by"])
        record_event(
            actor=therapist,
            event=clinical_audit.NOTE_SIGNED,
            target=note,
            changes={"format": note.format, "member": note.member_id},
            request=request,
        )
    return note


def do_add_addendum(
    therapist: User, note: ProgressNote, text: str, *, request: HttpRequest | None = None
) -> NoteAddendum:
    """Correct or add to a signed note. Drafts are simply edited."""
    text = text.strip()
    if not text:
        raise ClinicalError(_("Write the addendum."))
    with transaction.atomic():
        note = ProgressNote.objects.select_for_update().get(pk=note.pk)
        if note.therapist_id != therapist.pk:
            raise ClinicalError(_("Only the note's author may add to it."))
        if not note.is_signed:
            raise ClinicalError(_("This note is still a draft: edit it instead."))
        addendum = NoteAddendum.objects.create(note=note, author=therapist, text=text)
        record_event(
            actor=therapist,
            event=clinical_audit.NOTE_ADDENDUM_ADDED,
            target=addendum,
            changes={"note": note.pk},
            request=request,
        )
    return addendum


# --- Psychotherapy (process) notes ----------------------------------------------------


def do_save_psychotherapy_note(
    therapist: User,
    member: User,
    text: str,
    *,
    note: PsychotherapyNote | None = None,
    request: HttpRequest | None = None,
    now: datetime | None = None,
) -> PsychotherapyNote:
    text = text.strip()
    if not text:
        raise ClinicalError(_("Write the note."))
    with transaction.atomic():
        if note is None:
            note = PsychotherapyNote.objects.create(member=member, therapist=therapist, text=text)
            event = clinical_audit.PSYCHOTHERAPY_NOTE_CREATED
        else:
            note = PsychotherapyNote.objects.select_for_update().get(pk=note.pk)
            if note.therapist_id != therapist.pk:
                raise ClinicalError(_("This is not your note."))
            note.text = text
            note.updated_at = _now(now)
            note.save(update_fields=["text", "updated_at"])
            event = clinical_audit.PSYCHOTHERAPY_NOTE_REVISED
        record_event(
            actor=therapist,
            event=event,
            target=note,
            changes={"member": member.pk},
            request=request,
        )
    return note
