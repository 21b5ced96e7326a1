"""Forms of the deletion pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kindred.rights.deletion_models import PostsChoice


class DeletionForm(forms.Form):
    posts = forms.ChoiceField(
        label=_("Your community posts"),
        choices=PostsChoice.choices,
        initial=PostsChoice.DELETE,
        widget=forms.RadioSelect,
        help_text=_("Replies other people wrote stay where they are either way."),
    )
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        max_length=4096,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
