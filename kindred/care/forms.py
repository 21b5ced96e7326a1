"""Forms for the care pages. Choices come from the member's own team and kinds."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kindred.care.models import ReferralKind
from kindred.consent.models import Scope
from kindred.consent.visibility import SWITCHABLE
from kindred.core.inputs import validate_schedulable


class GrantForm(forms.Form):
    grantee = forms.TypedChoiceField(label=_lazy("Who"), coerce=int)
    scope = forms.ChoiceField(label=_lazy("What they may see"), choices=Scope.choices)
    until = forms.DateField(
        label=_lazy("Until (optional)"),
        required=False,
        help_text=_lazy(
            "Leave empty to share until you stop it. You can stop sharing at any time."
        ),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_schedulable],
    )

    def __init__(self, *args: Any, team: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grantee"].choices = team  # type: ignore[attr-defined]

    def clean_until(self) -> Any:
        until = self.cleaned_data.get("until")
        if until is not None and until < timezone.localdate():
            raise forms.ValidationError(_("Choose today or a later date."))
        return until

    def expires_at(self) -> datetime | None:
        until = self.cleaned_data.get("until")
        if until is None:
            return None
        # Shared through the whole of the chosen day.
        return timezone.make_aware(datetime.combine(until + timedelta(days=1), time.min))


class ReferralForm(forms.Form):
    kind = forms.ChoiceField(label=_lazy("What you suggest"))
    title = forms.CharField(label=_lazy("Title"), max_length=200, required=False)
    url = forms.CharField(
        label=_lazy("Link to the page on Kindred"),
        max_length=300,
        required=False,
        help_text=_lazy("For a group, space or peer profile: the page's address, starting with /."),
    )
    note = forms.CharField(
        label=_lazy("A note for them (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, kinds: tuple[str, ...], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(ReferralKind.choices)
        self.fields["kind"].choices = [(k, labels[k]) for k in kinds]  # type: ignore[attr-defined]


class DefaultAccessForm(forms.Form):
    key = forms.ChoiceField(choices=[(key, key) for key in SWITCHABLE])
    on = forms.TypedChoiceField(
        choices=[("1", _lazy("on")), ("0", _lazy("off"))], coerce=lambda v: v == "1"
    )
