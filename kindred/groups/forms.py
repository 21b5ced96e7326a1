from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kindred.core.ids import IdField
from kindred.core.inputs import validate_schedulable
from kindred.core.timezones import TimeZoneField, default_zone
from kindred.groups.models import GroupFormat

RATINGS = [
    (5, _("Very helpful")),
    (4, _("Helpful")),
    (3, _("Okay")),
    (2, _("Not very helpful")),
    (1, _("Not helpful")),
]


class SessionChoiceForm(forms.Form):
    """Which session a drop-in sign-up is for (empty for a whole-group place)."""

    session = IdField(required=False, widget=forms.HiddenInput)


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How helpful was this session for you?"),
        choices=RATINGS,
        coerce=int,
        widget=forms.RadioSelect,
    )


class CheckInForm(forms.Form):
    mood_word = forms.CharField(
        label=_("One word for how you are right now"),
        max_length=30,
        required=False,
        help_text=_("Or pass: you never have to share."),
    )
    passed = forms.BooleanField(label=_("Pass"), required=False)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        word = (data.get("mood_word") or "").strip()
        if not word and not data.get("passed"):
            raise forms.ValidationError(gettext("Share a word, or choose to pass."))
        if len(word.split()) > 3:
            self.add_error("mood_word", gettext("Just a word or two."))
        data["mood_word"] = word
        return data


class ParticipantActionForm(forms.Form):
    """Mute or remove: who, and why (the person sees the reason)."""

    user = IdField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason (the person sees this)"), max_length=200)


class UnmuteForm(forms.Form):
    user = IdField(widget=forms.HiddenInput)


class HandForm(forms.Form):
    raised = forms.BooleanField(required=False)


WEEKDAYS = (
    ("MO", _("Monday")),
    ("TU", _("Tuesday")),
    ("WE", _("Wednesday")),
    ("TH", _("Thursday")),
    ("FR", _("Friday")),
    ("SA", _("Saturday")),
    ("SU", _("Sunday")),
)
EVERY = (("1", _("Every week")), ("2", _("Every other week")))


class GroupForm(forms.Form):
    """A group in plain terms: a space from a list, and a weekly schedule of days, a time
    and a time zone. ``clean`` turns the schedule into the RFC 5545 rule and the first
    session that the actions take, so nobody has to write ``FREQ=WEEKLY;BYDAY=SU``."""

    space = forms.ChoiceField(label=_("Community space"))
    topic = forms.CharField(label=_("Topic"), max_length=120)
    description = forms.CharField(
        label=_("Description"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    format = forms.ChoiceField(label=_("Format"), choices=GroupFormat.choices)
    capacity = forms.IntegerField(label=_("Places"), min_value=2, max_value=50, initial=10)
    days = forms.MultipleChoiceField(
        label=_("Meets on"),
        choices=WEEKDAYS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one day.")},
    )
    start_time = forms.TimeField(
        label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    timezone = TimeZoneField(label=_("Time zone"))
    every = forms.ChoiceField(label=_("How often"), choices=EVERY, initial="1")
    first_date = forms.DateField(
        label=_("Starting from"),
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_schedulable],
        help_text=_("The first session is on the first chosen day from this date."),
    )
    count = forms.IntegerField(
        label=_("Number of sessions"),
        min_value=1,
        max_value=104,
        required=False,
        help_text=_("Leave empty for a group that carries on."),
    )
    session_minutes = forms.IntegerField(
        label=_("Session length (minutes)"), min_value=15, max_value=240, initial=90
    )
    quorum = forms.IntegerField(
        label=_("Quorum"),
        min_value=2,
        max_value=50,
        initial=3,
        help_text=_("Pop-up groups only: how many waiting people open it."),
    )
    norms = forms.CharField(
        label=_("Norms"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Leave empty for the standard norms."),
    )

    def __init__(self, *args: Any, spaces: list[tuple[str, str]], zone: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        space = self.fields["space"]
        assert isinstance(space, forms.ChoiceField)
        space.choices = [("", _("Choose a space")), *spaces]
        self.fields["timezone"].initial = default_zone(zone)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        days, at, first = data.get("days"), data.get("start_time"), data.get("first_date")
        if not days or at is None or first is None:
            return data
        wanted = {code for code, _label in WEEKDAYS if code in days}
        codes = [code for code, _label in WEEKDAYS]
        # The first chosen weekday on or after the start date.
        day = next(
            first + timedelta(days=n)
            for n in range(7)
            if codes[(first + timedelta(days=n)).weekday()] in wanted
        )
        rule = "FREQ=WEEKLY"
        if data.get("every") == "2":
            rule += ";INTERVAL=2"
        rule += ";BYDAY=" + ",".join(c for c in codes if c in wanted)
        if data.get("count"):
            rule += f";COUNT={data['count']}"
        data["recurrence"] = rule
        data["first_starts_at_local"] = datetime.combine(day, at)
        return data


class GroupEditForm(forms.Form):
    """What a facilitator may change once the group runs."""

    topic = forms.CharField(label=_("Topic"), max_length=120)
    description = forms.CharField(
        label=_("Description"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    norms = forms.CharField(
        label=_("Norms"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Markdown. Leave empty for the standard norms."),
    )
    capacity = forms.IntegerField(
        label=_("Capacity"),
        min_value=2,
        max_value=50,
        help_text=_(
            "More places: people on the waitlist move up in the order they asked, and "
            "are told. Fewer places than people who already have one: nobody loses their place; "
            "new sign-ups go on the waitlist until places free up."
        ),
    )
    session_minutes = forms.IntegerField(
        label=_("Session length (minutes)"),
        min_value=15,
        max_value=240,
        help_text=_("Applies to the sessions that have not started yet."),
    )


class CancelSessionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (everyone signed up sees this)"),
        max_length=200,
        help_text=_("A short reason, at most 200 characters."),
    )


class ArchiveGroupForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, archive this group: cancel its upcoming sessions and stop new sign-ups"),
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
