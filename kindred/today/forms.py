from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kindred.core.timezones import TimeZoneField
from kindred.today.models import OnboardingReason

REASON_LABELS = {
    OnboardingReason.TALK: _("To talk with people who have been there"),
    OnboardingReason.GROUP: _("To join a support group"),
    OnboardingReason.THERAPY: _("To find a therapist"),
    OnboardingReason.UNSURE: _("I'm not sure yet: help me decide"),
}


class WelcomeForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What brings you here?"),
        choices=list(REASON_LABELS.items()),
        widget=forms.RadioSelect,
        required=False,
    )
    country = forms.ChoiceField(
        label=_("Where are you?"),
        help_text=_("So that “Get help now” shows crisis lines you can call."),
        required=False,
    )
    timezone = TimeZoneField(
        label=_("Your time zone"),
        help_text=_("So session times are shown on your clock."),
        required=False,
    )

    def __init__(self, *args: Any, countries: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country = self.fields["country"]
        timezone = self.fields["timezone"]
        assert isinstance(country, forms.ChoiceField)
        country.choices = [("", _("Not listed / rather not say")), *countries]
        # The browser fills these in (app.js); the person can change them.
        country.widget.attrs.update({"data-detect": "country", "aria-describedby": "country-help"})
        timezone.widget.attrs.update({"aria-describedby": "timezone-help"})

    def profile_changes(self) -> dict[str, str]:
        changes = {}
        if self.cleaned_data.get("country"):
            changes["country"] = self.cleaned_data["country"]
        if self.cleaned_data.get("timezone"):
            changes["timezone"] = self.cleaned_data["timezone"]
        return changes


class MoodForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How are you feeling today?"),
        choices=[(n, str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how you feel, from 1 to 5.")},
    )
