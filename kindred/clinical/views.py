"""Thin views over kindred.clinical.access and kindred.clinical.actions.

Therapist views live under /therapist/clients/ (role + MFA gate in middleware);
every object comes through an ``access_*`` function, every read is audited.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kindred.accounts.models import User
from kindred.audit.actions import record_read
from kindred.bookings.models import Booking
from kindred.bookings.relationships import clients_of
from kindred.clinical import actions
from kindred.clinical.access import (
    access_client,
    access_note,
    access_own_intake,
    access_psychotherapy_note,
)
from kindred.clinical.forms import (
    AddendumForm,
    DiagnosisForm,
    FormatForm,
    IntakeAnswersForm,
    NoteForm,
    PsychotherapyNoteForm,
)
from kindred.clinical.models import ProgressNote
from kindred.clinical.record import get_client_record
from kindred.clinical.vocabulary import INTAKE_QUESTIONS, NoteFormat
from kindred.core.http import AuthedHttpRequest


def _status(request: AuthedHttpRequest) -> int:
    # Only reached on POST when the form or the action refused the input.
    return 422 if request.method == "POST" else 200


def _bookings(therapist: User, member: User) -> QuerySet[Booking]:
    return Booking.objects.filter(therapist=therapist, member=member).order_by("-starts_at")


def clients(request: AuthedHttpRequest) -> HttpResponse:
    return render(
        request, "clinical/clients.html", {"clients": clients_of(request.user).order_by("handle")}
    )


def client_record(request: AuthedHttpRequest, member_id: int) -> HttpResponse:
    member = access_client(request.user, member_id)
    record = get_client_record(request.user, member, request=request)
    answers = record.intake.answers if record.intake else {}
    return render(
        request,
        "clinical/record.html",
        {
            "record": record,
            "member": member,
            "intake_answers": [(q, answers.get(key, "")) for key, q in INTAKE_QUESTIONS],
        },
    )


@require_POST
def request_intake(request: AuthedHttpRequest, member_id: int) -> HttpResponse:
    member = access_client(request.user, member_id)
    actions.do_request_intake(request.user, member, request=request)
    messages.success(request, _("Intake form requested."))
    return redirect("clinical_record", member.pk)


def new_diagnosis(request: AuthedHttpRequest, member_id: int) -> HttpResponse:
    member = access_client(request.user, member_id)
    form = DiagnosisForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_set_diagnosis(
                request.user,
                member,
                form.cleaned_data["code"],
                form.cleaned_data["note"],
                request=request,
            )
        except actions.ClinicalError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("clinical_record", member.pk)
    return render(
        request,
        "clinical/diagnosis_form.html",
        {"form": form, "member": member},
        status=_status(request),
    )


def _note_page(
    request: AuthedHttpRequest, member: User, fmt: str, note: ProgressNote | None
) -> HttpResponse:
    initial: dict[str, Any] = {}
    if note is not None:
        initial = {
            **note.content,
            "risk_level": note.risk_level,
            "risk_rationale": note.risk_rationale,
            "booking": note.booking_id,
        }
    form = NoteForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        fmt=fmt,
        bookings=_bookings(request.user, member),
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.do_save_note_draft(
                request.user,
                member,
                fmt=fmt,
                content=form.content(),
                risk_level=form.cleaned_data["risk_level"],
                risk_rationale=form.cleaned_data["risk_rationale"],
                booking=form.cleaned_data["booking"],
                note=note,
                request=request,
            )
        except actions.ClinicalError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Draft saved."))
            return redirect("clinical_edit_note", saved.pk)
    return render(
        request,
        "clinical/note_form.html",
        {"form": form, "member": member, "note": note, "format_label": NoteFormat(fmt).label},
        status=_status(request),
    )


def new_note(request: AuthedHttpRequest, member_id: int) -> HttpResponse:
    member = access_client(request.user, member_id)
    chooser = FormatForm(request.GET if "format" in request.GET else None)
    if not chooser.is_bound or not chooser.is_valid():
        return render(request, "clinical/note_format.html", {"chooser": chooser, "member": member})
    return _note_page(request, member, chooser.cleaned_data["format"], None)


def edit_note(request: AuthedHttpRequest, note_id: int) -> HttpResponse:
    note = access_note(request.user, note_id, write=True)
    if note.is_signed:
        # Refused here as in the action, the model and the database.
        return render(request, "clinical/note_signed.html", {"note": note}, status=409)
    if request.method == "GET":
        record_read(actor=request.user, target=note, request=request, what="progress_note")
    return _note_page(request, note.member, note.format, note)


def sign_note(request: AuthedHttpRequest, note_id: int) -> HttpResponse:
    note = access_note(request.user, note_id, write=True)
    if request.method == "POST":
        try:
            actions.do_sign_note(request.user, note, request=request)
        except actions.ClinicalError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Note signed. It can no longer be changed."))
        return redirect("clinical_record", note.member_id)
    record_read(actor=request.user, target=note, request=request, what="progress_note")
    return render(request, "clinical/note_sign.html", {"note": note})


def add_addendum(request: AuthedHttpRequest, note_id: int) -> HttpResponse:
    note = access_note(request.user, note_id, write=True)
    form = AddendumForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_add_addendum(request.user, note, form.cleaned_data["text"], request=request)
        except actions.ClinicalError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Addendum added."))
            return redirect("clinical_record", note.member_id)
    if request.method == "GET":
        record_read(actor=request.user, target=note, request=request, what="progress_note")
    return render(
        request,
        "clinical/addendum_form.html",
        {"form": form, "note": note},
        status=_status(request),
    )


def new_psychotherapy_note(request: AuthedHttpRequest, member_id: int) -> HttpResponse:
    member = access_client(request.user, member_id)
    form = PsychotherapyNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_save_psychotherapy_note(
                request.user, member, form.cleaned_data["text"], request=request
            )
        except actions.ClinicalError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("clinical_record", member.pk)
    return render(
        request,
        "clinical/psychotherapy_note_form.html",
        {"form": form, "member": member},
        status=_status(request),
    )


def edit_psychotherapy_note(request: AuthedHttpRequest, note_id: int) -> HttpResponse:
    note = access_psychotherapy_note(request.user, note_id, write=True)
    form = PsychotherapyNoteForm(request.POST or None, initial={"text": note.text})
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_save_psychotherapy_note(
                request.user, note.member, form.cleaned_data["text"], note=note, request=request
            )
        except actions.ClinicalError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("clinical_record", note.member_id)
    if request.method == "GET":
        record_read(actor=request.user, target=note, request=request, what="psychotherapy_note")
    return render(
        request,
        "clinical/psychotherapy_note_form.html",
        {"form": form, "member": note.member, "note": note},
        status=_status(request),
    )


# --- The client's side (/my/intake/) ---------------------------------------------------


@login_required
def my_intake(request: AuthedHttpRequest, therapist_id: int) -> HttpResponse:
    intake = access_own_intake(request.user, therapist_id, write=request.method == "POST")
    form = IntakeAnswersForm(request.POST or None, initial=intake.answers)
    if request.method == "POST" and form.is_valid():
        try:
            actions.do_save_intake(request.user, intake, form.cleaned_data, request=request)
        except actions.ClinicalError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Thank you. Your therapist can now read your answers."))
            return redirect("clinical_my_intake", therapist_id)
    return render(
        request,
        "clinical/my_intake.html",
        {"form": form, "intake": intake},
        status=_status(request),
    )
