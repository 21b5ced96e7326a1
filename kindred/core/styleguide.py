"""``/styleguide/``: every component of the design system on one page, in both themes.

For staff, and for anyone on a development server (``DEBUG``); see
:func:`kindred.core.access.check_styleguide`. It reads no data: the examples are made up.
"""

from __future__ import annotations

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from kindred.core.access import check_styleguide
from kindred.core.icons import available_icons


class ExampleForm(forms.Form):
    """Every kind of form control, shown with one error so its styling is visible too."""

    name = forms.CharField(label=_("Display name"), help_text=_("Shown to other members."))
    email = forms.EmailField(label=_("Email"))
    country = forms.ChoiceField(
        label=_("Country"), choices=[("GB", _("United Kingdom")), ("US", _("United States"))]
    )
    formats = forms.MultipleChoiceField(
        label=_("Formats"),
        widget=forms.CheckboxSelectMultiple,
        choices=[("video", _("Video")), ("phone", _("Phone")), ("in_person", _("In person"))],
        required=False,
    )
    contact = forms.ChoiceField(
        label=_("How may we contact you?"),
        widget=forms.RadioSelect,
        choices=[("email", _("Email")), ("none", _("Not at all"))],
    )
    about = forms.CharField(label=_("About you"), widget=forms.Textarea, required=False)
    agree = forms.BooleanField(label=_("I have read the guidelines"))


SWATCHES = (
    "bg",
    "surface",
    "surface-2",
    "text",
    "text-muted",
    "border",
    "primary",
    "primary-soft",
    "danger",
    "danger-soft",
    "success",
    "success-soft",
    "warning",
    "warning-soft",
    "info",
    "info-soft",
    "help",
)


@require_GET
def styleguide(request: HttpRequest) -> HttpResponse:
    check_styleguide(request.user)
    form = ExampleForm(data={"name": "River", "email": "not-an-address", "contact": "email"})
    form.is_valid()
    return render(
        request,
        "core/styleguide.html",
        {"form": form, "icons": available_icons(), "swatches": SWATCHES},
    )
