from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kindred.therapy import vocabulary
from kindred.therapy.models import LICENCE_FIELDS, PLAIN_FIELDS, TherapistProfile

LICENCE_NOTE = _(
    "Changing any licence detail takes a listed profile out of the directory until staff "
    "have checked the licence again."
)


class ProfileForm(forms.ModelForm):
    modality = forms.MultipleChoiceField(
        label=_("Approaches you offer"),
        choices=vocabulary.MODALITIES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    specialty = forms.MultipleChoiceField(
        label=_("What you help with"),
        choices=vocabulary.SPECIALTIES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    population = forms.MultipleChoiceField(
        label=_("Who you work with"),
        choices=vocabulary.POPULATIONS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    language = forms.MultipleChoiceField(
        label=_("Languages you offer sessions in"),
        choices=vocabulary.LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    format = forms.MultipleChoiceField(
        label=_("Session formats"),
        choices=vocabulary.FORMATS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = TherapistProfile
        fields = (*LICENCE_FIELDS, *PLAIN_FIELDS)
        labels = {
            "licence_expires_on": _("Licence expiry date"),
            "in_person_location": _("Where in-person sessions take place"),
            "fee": _("Full fee per session"),
            "sliding_scale_min": _("Sliding scale: lowest fee"),
            "sliding_scale_max": _("Sliding scale: highest fee"),
            "introduction": _("Introduce yourself in plain language"),
        }
        widgets = {
            "licence_expires_on": forms.DateInput(attrs={"type": "date"}),
            "introduction": forms.Textarea(attrs={"rows": 8}),
        }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if self.instance.pk:
            for kind, codes in self.instance.facet_codes().items():
                self.fields[kind].initial = codes
        for name in ("licence_type", "licence_number", "jurisdiction", "licence_expires_on"):
            self.fields[name].help_text = LICENCE_NOTE


class VerifyForm(forms.Form):
    evidence_notes = forms.CharField(
        label=_("What you checked (register, entry, date)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class RejectForm(VerifyForm):
    reason = forms.CharField(label=_("Reason (the therapist sees this)"), max_length=500)
