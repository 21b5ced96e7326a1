"""Forms for the plan pages: the plan as lines of text, comments, progress entries."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kindred.plans.actions import MAX_COMMENT
from kindred.plans.content import PlanContent, PlanTextError, parse_plan_text

PLAN_HELP = (
    "One element per line. Each belongs to the nearest line of the level above it.\n"
    "Problem: what the member came with\n"
    "Goal: a broad aim\n"
    "Objective: description | measure phq9 < 10 | by 2025-09-01   (a questionnaire target)\n"
    "Objective: description | count >= 3 walks per week | by 2025-09-01   (a behaviour count)\n"
    "Intervention: modality | frequency"
)


class PlanForm(forms.Form):
    summary = forms.CharField(
        label=_("Summary for the member, in plain language"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
    )
    plan = forms.CharField(
        label=_("Plan"),
        help_text=PLAN_HELP,
        widget=forms.Textarea(attrs={"rows": 16, "spellcheck": "true"}),
        max_length=40000,
    )
    review_date = forms.DateField(
        label=_("Review date"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, previous: PlanContent | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.previous = previous

    def clean_plan(self) -> PlanContent:
        try:
            return parse_plan_text(self.cleaned_data["plan"], self.previous)
        except PlanTextError as exc:
            raise forms.ValidationError(exc.errors) from None


class CommentForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    text = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=MAX_COMMENT
    )


class AcknowledgeForm(forms.Form):
    version = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class ValueForm(forms.Form):
    value = forms.IntegerField(label=_("Current value"), min_value=0, max_value=100000)


class AttainmentForm(forms.Form):
    attainment = forms.TypedChoiceField(
        label=_("Attainment"),
        coerce=int,
        choices=[
            (-2, _("−2 much less than expected")),
            (-1, _("−1 somewhat less than expected")),
            (0, _("0 as expected")),
            (1, _("+1 somewhat more than expected")),
            (2, _("+2 much more than expected")),
        ],
    )
