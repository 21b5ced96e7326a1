from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kindred.api.actions import max_age_days
from kindred.api.models import Scope


class CreateTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100,
        help_text=_lazy("So you can tell your tokens apart, e.g. “mood export script”."),
    )
    scopes = forms.MultipleChoiceField(
        choices=Scope.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Scope.READ],
        error_messages={"required": _lazy("Choose at least one scope.")},
    )
    expires_in_days = forms.IntegerField(
        label=_lazy("Expires after (days)"), required=False, min_value=1
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The longest life is a setting: read it per form, not once at import.
        longest = max_age_days()
        field = self.fields["expires_in_days"]
        assert isinstance(field, forms.IntegerField)
        field.max_value = longest
        field.validators.append(MaxValueValidator(longest))
        field.widget.attrs["max"] = str(longest)
        field.help_text = _(
            "Optional, 1 to %(days)s. Leave empty for the longest, %(days)s days. "
            "Changing your password ends every token."
        ) % {"days": longest}
