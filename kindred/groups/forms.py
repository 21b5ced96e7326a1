from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kindred.core.ids import IdField
from kindred.core.inputs import validate_schedulable
from kindred.groups.models import GroupFormat

RATINGS = [
    (5, "Very helpful"),
    (4, "Helpful"),
    (3, "Okay"),
    (2, "Not very helpful"),
    (1, "Not helpful"),
]


class SessionChoiceForm(forms.Form):
    """Which session a drop-in sign-up is for (empty for a whole-group place)."""

    session = IdField(required=False, widget=forms.HiddenInput)


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label="How helpful was this session for you?",
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
    )


class CheckInForm(forms.Form):
    mood_word = forms.CharField(
        label="One word for how you are right now",
        max_length=30,
        required=False,
        help_text="Or pass: you never have to share.",
    )
    passed = forms.BooleanField(label="Pass", required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        word = (data.get("mood_word") or "").strip()
        if not word and not data.get("passed"):
            raise forms.ValidationError("Share a word, or choose to pass.")
        if len(word.split()) > 3:
            self.add_error("mood_word", "Just a word or two.")
        data["mood_word"] = word
        return data


class ParticipantActionForm(forms.Form):
    """Mute or remove: who, and why (the person sees the reason)."""

    user = IdField(widget=forms.HiddenInput)
    reason = forms.CharField(label="Reason (the person sees this)", max_length=200)


class UnmuteForm(forms.Form):
    user = IdField(widget=forms.HiddenInput)


class HandForm(forms.Form):
    raised = forms.BooleanField(required=False)


class GroupForm(forms.Form):
    space = forms.SlugField(label="Community space")
    topic = forms.CharField(max_length=120)
    description = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    format = forms.ChoiceField(choices=GroupFormat.choices)
    capacity = forms.IntegerField(min_value=2, max_value=50, initial=10)
    first_starts_at_local = forms.DateTimeField(
        label="First session (on your clock)",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        validators=[validate_schedulable],
    )
    recurrence = forms.CharField(
        label="Repeats (RFC 5545 rule)",
        max_length=300,
        initial="FREQ=WEEKLY;BYDAY=TU",
        help_text="E.g. FREQ=WEEKLY;BYDAY=TU for every Tuesday, FREQ=WEEKLY;INTERVAL=2;BYDAY=SA for every other Saturday.",
    )
    session_minutes = forms.IntegerField(min_value=15, max_value=240, initial=90)
    quorum = forms.IntegerField(
        min_value=2,
        max_value=50,
        initial=3,
        help_text="Pop-up groups only: how many waiting people open it.",
    )
    norms = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Leave empty for the standard norms.",
    )


class GroupEditForm(forms.Form):
    """What a facilitator may change once the group runs."""

    topic = forms.CharField(max_length=120)
    description = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    norms = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Markdown. Leave empty for the standard norms.",
    )
    capacity = forms.IntegerField(
        min_value=2,
        max_value=50,
        help_text="More places: people on the waitlist move up in the order they asked, and "
        "are told. Fewer places than people who already have one: nobody loses their place; "
        "new sign-ups go on the waitlist until places free up.",
    )
    session_minutes = forms.IntegerField(
        label="Session length (minutes)",
        min_value=15,
        max_value=240,
        help_text="Applies to the sessions that have not started yet.",
    )


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label="Reason (everyone signed up sees this)",
        max_length=200,
        help_text="A short reason, at most 200 characters.",
    )


class ArchiveGroupForm(forms.Form):
    confirm = forms.BooleanField(
        label="Yes, archive this group: cancel its upcoming sessions and stop new sign-ups",
    )


class ReachOutForm(forms.Form):
    """A facilitator's private message to someone in their room who may be at risk."""

    # ``strip=False``: the text comes back exactly as typed when something is wrong.
    body = forms.CharField(
        label=_("Your private message"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Only they (and Kindred's moderators) read it. Kind and direct: ask how they "
            "are and whether they are safe."
        ),
    )
