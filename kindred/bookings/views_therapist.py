"""Therapist pages under ``/therapist/`` (role and second factor checked by
``RoleMFAMiddleware``; object checks here through ``access.py``)."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kindred.bookings import actions, queries
from kindred.bookings.forms import AttendanceForm, ExtraSlotForm, TimeOffForm, WeeklyForm
from kindred.bookings.models import AvailabilityException, WeeklyAvailability
from kindred.bookings.views import do_cancel_view
from kindred.core.http import AuthedHttpRequest
from kindred.core.when import zone_of

SCHEDULE_PAST = timedelta(days=30)


def availability(request: AuthedHttpRequest) -> HttpResponse:
    return _availability_page(request)


def _availability_page(request: AuthedHttpRequest, **forms: object) -> HttpResponse:
    user = request.user
    now = timezone.now()
    exceptions = AvailabilityException.objects.filter(therapist=user, ends_at__gt=now)
    return render(
        request,
        "bookings/availability.html",
        {
            "rules": WeeklyAvailability.objects.filter(therapist=user),
            "exceptions": [
                {
                    "exception": e,
                    "starts": actions.local_label(e.starts_at, user),
                    "ends": actions.local_label(e.ends_at, user),
                }
                for e in exceptions
            ],
            "zone": zone_of(user).key,
            "weekly_form": forms.get("weekly_form") or WeeklyForm(),
            "off_form": forms.get("off_form") or TimeOffForm(),
            "extra_form": forms.get("extra_form") or ExtraSlotForm(),
        },
    )


@require_POST
def add_weekly(request: AuthedHttpRequest) -> HttpResponse:
    form = WeeklyForm(request.POST)
    if not form.is_valid():
        return _availability_page(request, weekly_form=form)
    try:
        actions.do_add_weekly_availability(request.user, **form.cleaned_data, request=request)
    except actions.BookingError as exc:
        messages.error(request, str(exc))
    return redirect("therapist_availability")


@require_POST
def remove_weekly(request: AuthedHttpRequest, rule_id: int) -> HttpResponse:
    actions.do_remove_weekly_availability(request.user, rule_id, request=request)
    return redirect("therapist_availability")


@require_POST
def add_time_off(request: AuthedHttpRequest) -> HttpResponse:
    form = TimeOffForm(request.POST)
    if not form.is_valid():
        return _availability_page(request, off_form=form)
    try:
        actions.do_add_time_off(request.user, **form.cleaned_data, request=request)
    except actions.BookingError as exc:
        messages.error(request, str(exc))
    return redirect("therapist_availability")


@require_POST
def add_extra(request: AuthedHttpRequest) -> HttpResponse:
    form = ExtraSlotForm(request.POST)
    if not form.is_valid():
        return _availability_page(request, extra_form=form)
    try:
        actions.do_add_extra_slot(request.user, **form.cleaned_data, request=request)
    except actions.BookingError as exc:
        messages.error(request, str(exc))
    return redirect("therapist_availability")


@require_POST
def remove_exception(request: AuthedHttpRequest, exception_id: int) -> HttpResponse:
    actions.do_remove_exception(request.user, exception_id, request=request)
    return redirect("therapist_availability")


def schedule(request: AuthedHttpRequest) -> HttpResponse:
    now = timezone.now()
    return render(
        request,
        "bookings/schedule.html",
        {
            "rows": queries.therapist_schedule(request.user, now, SCHEDULE_PAST),
            "now": now,
            "attendance_form": AttendanceForm(),
        },
    )


@require_POST
def attendance(request: AuthedHttpRequest, booking_id: int) -> HttpResponse:
    form = AttendanceForm(request.POST)
    if form.is_valid():
        try:
            actions.do_mark_attendance(
                request.user, booking_id, form.cleaned_data["status"], request=request
            )
        except actions.BookingError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Attendance recorded."))
    return redirect("therapist_bookings")


@require_POST
def cancel(request: AuthedHttpRequest, booking_id: int) -> HttpResponse:
    return do_cancel_view(request, booking_id, "therapist_bookings")
