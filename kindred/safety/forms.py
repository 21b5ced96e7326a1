from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kindred.core.idempotency import IdempotentForm
from kindred.core.ids import IdField
from kindred.safety.actions import REPORT_REASONS, THERAPIST_OUTCOMES
from kindred.safety.models import SAFETY_PLAN_SECTIONS, FlagOutcome, SafetyPlan
from kindred.safety.support import MAX_LENGTH as SUPPORT_MAX_LENGTH


class SafetyPlanForm(forms.Form):
    """One textarea per section, one item per line: simple to fill in on a phone."""

    reasons_for_living = forms.CharField(
        label=_("What I want to stay around for"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, plan: SafetyPlan | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for key, title, help_text in SAFETY_PLAN_SECTIONS:
            self.fields[key] = forms.CharField(
                label=title,
                help_text=gettext("%(help)s One per line.") % {"help": help_text},
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 4}),
                initial="\n".join(plan.items(key)) if plan else "",
            )
        if plan:
            self.fields["reasons_for_living"].initial = plan.reasons_for_living
        # Keep the reasons last, after the six sections.
        self.order_fields([key for key, _, _ in SAFETY_PLAN_SECTIONS] + ["reasons_for_living"])

    def sections(self) -> dict[str, list[str]]:
        return {
            key: self.cleaned_data.get(key, "").splitlines() for key, _, _ in SAFETY_PLAN_SECTIONS
        }


class ReachOutForm(forms.Form):
    body = forms.CharField(
        label=_("Private message to the member"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "Warm, direct, and with the crisis lines for their country. Only they will see it."
        ),
    )


class SupportReplyForm(forms.Form):
    # The length limit is checked by the action (one rule for every caller); the browser
    # attribute only helps people see it coming. ``strip=False`` keeps exactly what was
    # typed when the form comes back with an error.
    body = forms.CharField(
        label=_("Your message"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": SUPPORT_MAX_LENGTH}),
    )


class HideContentForm(forms.Form):
    reason = forms.CharField(
        label=_("What the writer reads on their post (optional)"),
        required=False,
        max_length=200,
    )


class HandoverMessageForm(forms.Form):
    body = forms.CharField(
        label=_("Secure message to your client"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Sent in your secure conversation with them; only the two of you read it."),
    )


class HandoverResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(o.value, o.label) for o in THERAPIST_OUTCOMES],
    )
    note = forms.CharField(
        label=_("Note for the safety team (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(choices=FlagOutcome.choices)
    note = forms.CharField(
        label=_("Note for the team (optional)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReportForm(IdempotentForm):
    reason = forms.ChoiceField(choices=REPORT_REASONS, widget=forms.RadioSelect)
    details = forms.CharField(
        label=_("Anything else we should know (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    handle = forms.CharField(widget=forms.HiddenInput, required=False)
    source_type = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)
    source_id = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)


class HandOverForm(forms.Form):
    therapist = IdField()


class BlockForm(forms.Form):
    handle = forms.CharField(label=_("Handle of the person to block"), max_length=30)
