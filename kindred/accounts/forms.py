from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _lazy

from kindred.accounts.models import User
from kindred.core.timezones import TimeZoneField

HANDLE_RE = re.compile(r"^[A-Za-z0-9_.-]{3,30}$")


def validate_handle(value: str, *, exclude_pk: int | None = None) -> str:
    value = value.strip()
    if not HANDLE_RE.match(value):
        raise forms.ValidationError(
            gettext(
                "Use 3–30 letters, digits, dots, dashes or underscores. "
                "Pick something that is not your real name."
            )
        )
    taken = User.objects.filter(handle__iexact=value)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise forms.ValidationError(gettext("That handle is taken. Please choose another."))
    return value


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form."""

    # allauth adds the password fields after these; accepting the terms comes last, just
    # above the button, where people expect it.
    field_order = ("email", "handle", "date_of_birth", "password1", "password2", "accept_terms")

    handle = forms.CharField(
        max_length=30,
        label=_lazy("Public handle"),
        help_text=_lazy("Shown to others in peer spaces instead of your name. Not your real name."),
    )

    date_of_birth = forms.DateField(
        label=_lazy("Date of birth"),
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
        help_text=_lazy(
            "Teens and adults have separate community spaces and groups. "
            "Only the age group is used; the date is stored encrypted and never shown to "
            "other members. It can't be changed later, so please give your real date."
        ),
        error_messages={"invalid": _lazy("Enter a date, e.g. 2001-04-23.")},
    )

    accept_terms = forms.BooleanField(
        label=_lazy("I have read and accept the terms of use and the privacy notice"),
        label_suffix="",
        error_messages={
            "required": _lazy(
                "To create an account, please read and accept the terms of use and the "
                "privacy notice."
            )
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["accept_terms"].label = format_html(
            gettext(
                'I have read and accept the <a href="{terms}">terms of use</a> and the '
                '<a href="{privacy}">privacy notice</a>'
            ),
            terms=reverse("legal_terms"),
            privacy=reverse("legal_privacy"),
        )

    def clean_handle(self) -> str:
        return validate_handle(self.cleaned_data["handle"])

    def clean_date_of_birth(self) -> date:
        from kindred.accounts.actions import AgeError, check_date_of_birth
        from kindred.accounts.age import today_for

        born: date = self.cleaned_data["date_of_birth"]
        try:
            # No account yet, so no time zone: today in UTC.
            check_date_of_birth(born, today_for(None))
        except AgeError as exc:
            raise forms.ValidationError(str(exc), code="age") from None
        return born

    def signup(self, request: HttpRequest, user: User) -> None:
        from kindred.accounts.actions import do_complete_signup
        from kindred.accounts.legal import current_documents

        do_complete_signup(
            user,
            handle=self.cleaned_data["handle"],
            date_of_birth=self.cleaned_data["date_of_birth"],
            accepted=current_documents(),
        )


class ProfileForm(forms.ModelForm):
    timezone = TimeZoneField(label=_lazy("Time zone"))

    class Meta:
        model = User
        fields = ("handle", "legal_name", "country", "timezone", "email_digest")
        labels = {"legal_name": _lazy("Legal name (only for therapy, never shown in peer spaces)")}

    def clean_handle(self) -> str:
        return validate_handle(self.cleaned_data["handle"], exclude_pk=self.instance.pk)

    def clean_country(self) -> str:
        value: str = self.cleaned_data.get("country", "").strip().upper()
        if value and not re.fullmatch(r"[A-Z]{2}", value):
            raise forms.ValidationError(gettext("Use a two-letter country code, e.g. GB or US."))
        return value

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].help_text = gettext(
            "Two letters, e.g. US, GB, IE, CA, AU. Used for crisis lines."
        )
