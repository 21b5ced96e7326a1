from __future__ import annotations

from django import forms

from kindred.messaging.actions import MAX_MESSAGE_LENGTH


class MessageForm(forms.Form):
    # The length limit is checked by the action (one message for every caller); the
    # browser attribute only helps people see it coming.
    body = forms.CharField(
        label="Your message",
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": MAX_MESSAGE_LENGTH}),
    )
