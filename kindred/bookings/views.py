"""Member pages: my bookings, booking a therapist, the calendar feed."""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from kindred.bookings import actions, directory, feeds, queries
from kindred.bookings.access import access_bookable_therapist, access_booking
from kindred.bookings.forms import BookForm
from kindred.bookings.models import Booking, BookingStatus
from kindred.bookings.relationships import treating_therapists
from kindred.bookings.slots import slots_for
from kindred.core import calendar
from kindred.core.http import AuthedHttpRequest
from kindred.core.when import zone_of

BOOKING_HORIZON = timedelta(days=14)


@login_required
def home(request: AuthedHttpRequest) -> HttpResponse:
    now = timezone.now()
    mine = queries.member_bookings(request.user, now)
    return render(
        request,
        "bookings/home.html",
        {
            "upcoming": mine.upcoming,
            "past": mine.past,
            "therapists": treating_therapists(request.user, now),
            "notice_hours": int(actions.notice_period().total_seconds() // 3600),
        },
    )


def do_cancel_view(request: AuthedHttpRequest, booking_id: int, done: str) -> HttpResponse:
    try:
        booking = actions.do_cancel(request.user, booking_id, request=request)
    except actions.BookingError as exc:
        messages.error(request, str(exc))
    else:
        if booking.status == BookingStatus.CANCELLED_LATE:
            messages.warning(request, _("Cancelled. This was inside the notice period."))
        else:
            messages.success(request, _("Cancelled."))
    return redirect(done)


@login_required
@require_POST
def cancel(request: AuthedHttpRequest, booking_id: int) -> HttpResponse:
    return do_cancel_view(request, booking_id, "bookings_home")


def _parse_instant(text: str) -> datetime | None:
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        return None
    return at if at.tzinfo is not None else None


@login_required
@require_http_methods(["GET", "POST"])
def therapist_slots(request: AuthedHttpRequest, therapist_id: int) -> HttpResponse:
    therapist = access_bookable_therapist(therapist_id)
    reschedule_id = request.GET.get("reschedule") or request.POST.get("reschedule")
    moving: Booking | None = None
    if reschedule_id and str(reschedule_id).isdigit():
        moving = access_booking(request.user, int(reschedule_id))
        if moving.member_id != request.user.pk or moving.therapist_id != therapist.pk:
            moving = None
    if request.method == "POST":
        form = BookForm(request.POST)
        if form.is_valid():
            starts_at = form.cleaned_data["starts_at"]
            try:
                if moving is not None:
                    actions.do_reschedule(request.user, moving.pk, starts_at, request=request)
                else:
                    actions.do_book(request.user, therapist, starts_at, request=request)
            except actions.BookingError as exc:
                messages.error(request, str(exc))
            else:
                messages.success(request, _("Booked. A confirmation is on its way by email."))
                return redirect("bookings_home")
        else:
            problems = form.errors.get("starts_at") or [_("Choose a time from the list.")]
            messages.error(request, str(problems[0]))
    now = timezone.now()
    zone = zone_of(request.user)
    # A time chosen on the therapist's profile arrives ticked.
    chosen = _parse_instant(request.POST.get("starts_at") or request.GET.get("at") or "")
    days: OrderedDict[str, list[dict[str, Any]]] = OrderedDict()
    for slot in slots_for(therapist, now, now + BOOKING_HORIZON):
        local = slot.starts_at.astimezone(zone)
        days.setdefault(formats.date_format(local, "MONTH_DAY_FORMAT"), []).append(
            {
                "value": slot.starts_at.isoformat(),
                "label": formats.time_format(local),
                "checked": slot.starts_at == chosen,
            }
        )
    return render(
        request,
        "bookings/slots.html",
        {
            "therapist": therapist,
            "summary": directory.summary(therapist),
            "days": days,
            "zone": zone.key,
            "moving": moving,
            "moving_when": actions.local_label(moving.starts_at, request.user) if moving else "",
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def calendar_settings(request: AuthedHttpRequest) -> HttpResponse:
    new_url = ""
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            feeds.do_revoke_calendar_feed(request.user, request=request)
            messages.success(request, _("Your calendar link no longer works."))
            return redirect("bookings_calendar")
        token = feeds.do_create_calendar_feed(request.user, request=request)
        new_url = request.build_absolute_uri(reverse("bookings_calendar_feed", args=[token]))
    return render(
        request,
        "bookings/calendar.html",
        {"feed": feeds.live_feed(request.user), "new_url": new_url},
    )


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """No login: the secret in the URL is the credential (calendar apps cannot log in)."""
    from kindred.core.access import NotFound

    user = feeds.get_feed_user(token)
    if user is None:
        raise NotFound("calendar")
    # Every registered source (therapy sessions, group sessions, ...): one subscription.
    body = calendar.calendar_for(user, timezone.now(), name="Kindred sessions")
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
