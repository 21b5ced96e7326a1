from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kindred.bookings.models import ATTENDANCE, BookingStatus, Weekday
from kindred.core.ids import IdField
from kindred.core.inputs import validate_schedulable


class BookForm(forms.Form):
    starts_at = forms.CharField(max_length=40)
    reschedule = IdField(required=False)

    def clean_starts_at(self) -> datetime:
        raw = self.cleaned_data["starts_at"]
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            raise forms.ValidationError(_("Choose a time from the list.")) from None
        if value.tzinfo is None:
            raise forms.ValidationError(_("Choose a time from the list."))
        validate_schedulable(value)
        return value


class WeeklyForm(forms.Form):
    weekday = forms.TypedChoiceField(choices=Weekday.choices, coerce=int)
    start_time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(widget=forms.TimeInput(attrs={"type": "time"}))
    session_minutes = forms.IntegerField(min_value=10, max_value=240, initial=50)
    buffer_minutes = forms.IntegerField(min_value=0, max_value=120, initial=10)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            raise forms.ValidationError(_("The end must be after the start."))
        return data


class TimeOffForm(forms.Form):
    first_day = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), validators=[validate_schedulable]
    )
    last_day = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), validators=[validate_schedulable]
    )


class ExtraSlotForm(forms.Form):
    day = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), validators=[validate_schedulable]
    )
    at = forms.TimeField(
        label=gettext_lazy("Start"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    session_minutes = forms.IntegerField(min_value=10, max_value=240, initial=50)


class AttendanceForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(s.value, s.label) for s in BookingStatus if s in ATTENDANCE]
    )
