from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kindred.messaging.actions import MAX_MESSAGE_LENGTH


class MessageForm(forms.Form):
    # The length limit is checked by the action (one message for every caller); the
    # browser attribute only helps people see it coming.
    body = forms.CharField(
        label=_("Your message"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": MAX_MESSAGE_LENGTH}),
    )
