from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kindred.bookings.models import Booking
from kindred.clinical import icd10
from kindred.clinical.vocabulary import INTAKE_QUESTIONS, SECTIONS, NoteFormat, RiskLevel


class IntakeAnswersForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, question in INTAKE_QUESTIONS:
            self.fields[key] = forms.CharField(
                label=question, required=False, max_length=5000, widget=forms.Textarea
            )


class DiagnosisForm(forms.Form):
    code = forms.ChoiceField(label=_("ICD-10 code"), choices=icd10.CHOICES)
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=5000, widget=forms.Textarea
    )


class FormatForm(forms.Form):
    format = forms.ChoiceField(choices=NoteFormat.choices, initial=NoteFormat.SOAP)


class BookingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Booking) -> str:
        return f"{obj.starts_at:%d %b %Y %H:%M} UTC"


class NoteForm(forms.Form):
    """A progress note in one format; the section fields follow the format."""

    risk_level = forms.ChoiceField(label=_("Risk status"), choices=RiskLevel.choices)
    risk_rationale = forms.CharField(
        label=_("Risk rationale"),
        required=False,
        max_length=5000,
        widget=forms.Textarea,
        help_text=_("Required unless no current risk is identified."),
    )
    booking = BookingChoiceField(
        label=_("Session"), queryset=Booking.objects.none(), required=False
    )

    def __init__(self, *args: Any, fmt: str, bookings: QuerySet[Booking], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fmt = fmt
        sections = {
            key: forms.CharField(
                label=heading, required=False, max_length=20000, widget=forms.Textarea
            )
            for key, heading in SECTIONS[fmt]
        }
        self.fields = {**sections, **self.fields}
        booking_field = self.fields["booking"]
        assert isinstance(booking_field, forms.ModelChoiceField)
        booking_field.queryset = bookings

    def section_keys(self) -> list[str]:
        return [key for key, _heading in SECTIONS[self.fmt]]

    def content(self) -> dict[str, str]:
        return {key: self.cleaned_data.get(key, "") for key in self.section_keys()}


class AddendumForm(forms.Form):
    text = forms.CharField(label=_("Addendum"), max_length=20000, widget=forms.Textarea)


class PsychotherapyNoteForm(forms.Form):
    text = forms.CharField(label=_("Process note"), max_length=50000, widget=forms.Textarea)
