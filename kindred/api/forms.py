from __future__ import annotations

from django import forms

from kindred.api.actions import MAX_EXPIRY_DAYS
from kindred.api.models import Scope


class CreateTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text="So you can tell your tokens apart, e.g. “mood export script”.",
    )
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Scope.READ],
        error_messages={"required": "Choose at least one scope."},
    )
    expires_in_days = forms.IntegerField(
        label="Expires after (days)",
        required=False,
        min_value=1,
        max_value=MAX_EXPIRY_DAYS,
        help_text=f"Optional, 1 to {MAX_EXPIRY_DAYS}. Leave empty for a token that "
        "lasts until you revoke it.",
    )
