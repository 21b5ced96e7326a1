from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kindred.community.actions import MAX_BODY, MAX_CW, MAX_TITLE
from kindred.core.idempotency import IdempotentForm

BODY_HELP = _("Markdown works: **bold**, _italic_, lists, > quotes, links. No images.")
CW_HELP = _(
    "Optional. Readers see this first and choose whether to open your post (e.g. 'self-harm', 'loss of a child')."
)


class ThreadForm(IdempotentForm):
    title = forms.CharField(max_length=MAX_TITLE)
    content_warning = forms.CharField(
        label=_("Content warning"), max_length=MAX_CW, required=False, help_text=CW_HELP
    )
    body = forms.CharField(
        label=_("Your post"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=BODY_HELP,
    )


class ReplyForm(IdempotentForm):
    content_warning = forms.CharField(
        label=_("Content warning"), max_length=MAX_CW, required=False, help_text=CW_HELP
    )
    body = forms.CharField(
        label=_("Your reply"),
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=BODY_HELP,
    )


class ReplyWithGuidelinesForm(ReplyForm):
    """The reply form for someone who has not yet accepted the space's guidelines."""

    accept_guidelines = forms.BooleanField(
        label=_("I have read and accept this space's guidelines"),
        error_messages={"required": _("Please accept the space's guidelines to reply.")},
    )


class EditForm(ReplyForm):
    title = forms.CharField(max_length=MAX_TITLE, required=False)
    # Editing the same post twice is harmless: no key.
    idempotency_key = None  # type: ignore[assignment]


class HideForm(forms.Form):
    reason = forms.CharField(label=_("Reason (shown to the author)"), max_length=200)


class SuspendForm(forms.Form):
    days = forms.IntegerField(min_value=1, max_value=365, initial=7)
    reason = forms.CharField(label=_("Reason (the member sees this)"), max_length=300)
    everywhere = forms.BooleanField(
        label=_("In every space (otherwise only this space)"), required=False
    )


class MoveForm(forms.Form):
    space = forms.SlugField()


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=200)
    space = forms.SlugField(required=False, widget=forms.HiddenInput)
