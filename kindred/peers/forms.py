"""Forms for the peer pages. They parse input; :mod:`kindred.peers.actions` validates it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kindred.core.idempotency import IdempotentForm
from kindred.core.timezones import TimeZoneField
from kindred.peers import taxonomy
from kindred.peers.models import (
    MAX_CASELOAD,
    MAX_NOTE,
    MAX_STORY,
    AgeRange,
    Gender,
    Seeks,
)
from kindred.safety.actions import REPORT_REASONS

STORY_HELP = _(
    "In your own words, what have you been through? It is used only to find people with "
    "similar experience and is never shown to anyone: a suggestion says only what you "
    "truly have in common. It is encrypted, and deleting your profile deletes it for good."
)


def tag_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Experience tags grouped by category, for an <optgroup>-style checkbox list."""
    return [
        (taxonomy.CATEGORY_LABELS.get(category, category), [(t.id, t.label) for t in tags])
        for category, tags in taxonomy.tags_by_category().items()
    ]


def language_choices() -> list[tuple[str, str]]:
    from kindred.therapy.vocabulary import LANGUAGES

    return list(LANGUAGES)


class ProfileForm(forms.Form):
    tags = forms.MultipleChoiceField(
        label=_("What you have lived through"),
        choices=tag_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Choose what you are comfortable sharing. Only tags you share with someone "
            "are ever mentioned to them."
        ),
    )
    story = forms.CharField(
        label=_("Your story"),
        required=False,
        strip=False,
        help_text=STORY_HELP,
        widget=forms.Textarea(attrs={"rows": 8, "maxlength": MAX_STORY}),
    )
    seeks = forms.ChoiceField(
        label=_("What are you looking for?"),
        choices=Seeks.choices,
        widget=forms.RadioSelect,
        initial=Seeks.SUPPORT,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages you can talk in"),
        choices=language_choices,
        widget=forms.CheckboxSelectMultiple,
        initial=["en"],
    )
    timezone = TimeZoneField(label=_("Your time zone"), initial="UTC")
    availability = forms.MultipleChoiceField(
        label=_("When you are usually free to talk"),
        choices=lambda: list(taxonomy.AVAILABILITY_SLOTS.items()),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    gender = forms.ChoiceField(
        label=_("Your gender (optional)"),
        choices=[("", _("Prefer not to say")), *Gender.choices],
        required=False,
        help_text=_("Only used to respect other people's preferences."),
    )
    age_range = forms.ChoiceField(
        label=_("Your age (optional)"),
        choices=[("", _("Prefer not to say")), *AgeRange.choices],
        required=False,
    )
    wants_genders = forms.MultipleChoiceField(
        label=_("I would rather talk with (leave empty for anyone)"),
        choices=Gender.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    wants_age_ranges = forms.MultipleChoiceField(
        label=_("Ages I would rather talk with (leave empty for any)"),
        choices=AgeRange.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    caseload_limit = forms.IntegerField(
        label=_("Most people you support at once"),
        min_value=1,
        max_value=MAX_CASELOAD,
        required=False,
        help_text=_("You will not be offered to anyone new while you are at this number."),
    )
    is_listed = forms.BooleanField(
        label=_("Suggest me to others"),
        required=False,
        initial=True,
        help_text=_("Untick to pause: nobody new will be offered your profile."),
    )

    GROUPS = (
        (_("About you"), ("tags", "story", "seeks")),
        (_("How to talk"), ("languages", "timezone", "availability")),
        (_("Preferences"), ("gender", "age_range", "wants_genders", "wants_age_ranges")),
        (_("Being suggested"), ("caseload_limit", "is_listed")),
    )

    def __init__(self, *args: Any, supporter: bool = False, teen: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not supporter:
            del self.fields["caseload_limit"]
        if teen:
            # Teens are matched only with teens; the adult ranges do not apply.
            del self.fields["age_range"]
            del self.fields["wants_age_ranges"]

    def groups(self) -> list[tuple[str, list[Any]]]:
        return [
            (str(legend), [self[name] for name in names if name in self.fields])
            for legend, names in self.GROUPS
        ]

    @staticmethod
    def initial_from(profile: Any) -> dict[str, Any]:
        return {
            "tags": profile.tag_ids,
            "story": profile.story,
            "seeks": profile.seeks,
            "languages": profile.languages,
            "timezone": profile.timezone,
            "availability": profile.availability,
            "gender": profile.gender,
            "age_range": profile.age_range,
            "wants_genders": profile.wants_genders,
            "wants_age_ranges": profile.wants_age_ranges,
            "caseload_limit": profile.caseload_limit,
            "is_listed": profile.is_listed,
        }


class TrainingForm(forms.Form):
    name = forms.CharField(label=_("Training or certificate"), max_length=150)
    provider = forms.CharField(label=_("Who gave it (optional)"), max_length=150, required=False)
    completed_on = forms.DateField(
        label=_("Completed on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    expires_on = forms.DateField(
        label=_("Expires on (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class RequestForm(forms.Form):
    note = forms.CharField(
        label=_("A short note (optional)"),
        required=False,
        max_length=MAX_NOTE,
        help_text=_("Say hello and why you would like to talk. Keep private details for later."),
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_NOTE}),
    )


def rating_choices() -> list[tuple[int, str]]:
    """Five stars down to one, in the language of the request."""
    return [(n, gettext("%(n)s of 5") % {"n": n}) for n in range(5, 0, -1)]


class RatingForm(forms.Form):
    stars = forms.TypedChoiceField(
        label=_("How helpful has this connection been?"),
        coerce=int,
        choices=rating_choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Anything to add? (private: the other person never sees it)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReportForm(IdempotentForm):
    reason = forms.ChoiceField(label=_("What is wrong?"), choices=REPORT_REASONS)
    details = forms.CharField(
        label=_("Details (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
