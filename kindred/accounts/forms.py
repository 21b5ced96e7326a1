from __future__ import annotations

import re
from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.http import HttpRequest

from kindred.accounts.models import AgeBand, User

HANDLE_RE = re.compile(r"^[A-Za-z0-9_.-]{3,30}$")


def validate_handle(value: str, *, exclude_pk: int | None = None) -> str:
    value = value.strip()
    if not HANDLE_RE.match(value):
        raise forms.ValidationError(
            "Use 3–30 letters, digits, dots, dashes or underscores. "
            "Pick something that is not your real name."
        )
    taken = User.objects.filter(handle__iexact=value)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise forms.ValidationError("That handle is taken. Please choose another.")
    return value


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form."""

    handle = forms.CharField(
        max_length=30,
        label="Public handle",
        help_text="Shown to others in peer spaces instead of your name. Not your real name.",
    )

    age_band = forms.ChoiceField(
        label="Your age",
        choices=AgeBand.choices,
        widget=forms.RadioSelect,
        help_text="Teen and adult community spaces are kept apart. Kindred is not for under-13s.",
    )

    def clean_handle(self) -> str:
        return validate_handle(self.cleaned_data["handle"])

    def signup(self, request: HttpRequest, user: User) -> None:
        from kindred.accounts.actions import do_complete_signup

        do_complete_signup(
            user, handle=self.cleaned_data["handle"], age_band=self.cleaned_data["age_band"]
        )


def _timezone_choices() -> list[tuple[str, str]]:
    return [(tz, tz) for tz in sorted(available_timezones())]


class ProfileForm(forms.ModelForm):
    timezone = forms.ChoiceField(choices=_timezone_choices)

    class Meta:
        model = User
        fields = ("handle", "legal_name", "country", "timezone", "email_digest")
        labels = {"legal_name": "Legal name (only for therapy, never shown in peer spaces)"}

    def clean_handle(self) -> str:
        return validate_handle(self.cleaned_data["handle"], exclude_pk=self.instance.pk)

    def clean_country(self) -> str:
        value: str = self.cleaned_data.get("country", "").strip().upper()
        if value and not re.fullmatch(r"[A-Z]{2}", value):
            raise forms.ValidationError("Use a two-letter country code, e.g. GB or US.")
        return value

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields[
            "country"
        ].help_text = "Two letters, e.g. US, GB, IE, CA, AU. Used for crisis lines."
