"""Availability and booking operations, shared by pages, tasks and tests.

Double booking is made impossible by the database (see ``Booking.Meta`` and
migration 0002); the checks here only give a friendlier message first.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kindred.accounts.models import User
from kindred.audit.actions import record_event
from kindred.bookings import audit_names as bookings_audit
from kindred.bookings.access import access_booking, access_therapist_booking, is_bookable
from kindred.bookings.calendar import booking_event
from kindred.bookings.models import (
    ATTENDANCE,
    AvailabilityException,
    Booking,
    BookingStatus,
    ExceptionKind,
    WeeklyAvailability,
)
from kindred.bookings.slots import Slot, candidate_slots, local_to_utc
from kindred.core import calendar
from kindred.core.access import NotFound
from kindred.core.inputs import schedulable_problem
from kindred.core.mail import send_mail_later
from kindred.core.notifications import do_notify
from kindred.core.roles import Role
from kindred.core.when import format_when, zone_of

TAKEN = gettext_lazy("That time was just taken. Please choose another.")
CLASH = gettext_lazy("You already have a booking at that time.")
NOT_OFFERED = gettext_lazy("That time is not available.")
# Session links open this long before the start.
LINK_OPENS_BEFORE = timedelta(minutes=15)


class BookingError(Exception):
    """A rule stops this action; the message is for the person."""


def notice_period() -> timedelta:
    return timedelta(hours=int(getattr(settings, "BOOKING_NOTICE_HOURS", 24)))


def local_label(at: datetime, user: User | AnonymousUser) -> str:
    """``at`` on ``user``'s clock, with the zone, e.g. "14 Jan 2025, 18:00 GMT"."""
    return format_when(at, zone_of(user))


def _overlapping(
    qs: QuerySet[Booking], starts_at: datetime, ends_at: datetime
) -> QuerySet[Booking]:
    return qs.filter(status=BookingStatus.BOOKED, starts_at__lt=ends_at, ends_at__gt=starts_at)


# --- Availability ---------------------------------------------------------------


def _check_therapist(therapist: User) -> None:
    if not therapist.has_role(Role.THERAPIST):
        raise NotFound("page")


def do_add_weekly_availability(
    therapist: User,
    *,
    weekday: int,
    start_time: time,
    end_time: time,
    session_minutes: int = 50,
    buffer_minutes: int = 10,
    request: HttpRequest | None = None,
) -> WeeklyAvailability:
    _check_therapist(therapist)
    if end_time <= start_time:
        raise BookingError(_("The end must be after the start."))
    if not 10 <= session_minutes <= 240 or not 0 <= buffer_minutes <= 120:
        raise BookingError(_("Sessions are 10 to 240 minutes, buffers up to 120."))
    with transaction.atomic():
        rule = WeeklyAvailability.objects.create(
            therapist=therapist,
            weekday=weekday,
            start_time=start_time,
            end_time=end_time,
            timezone=zone_of(therapist).key,
            session_minutes=session_minutes,
            buffer_minutes=buffer_minutes,
        )
        record_event(
            actor=therapist,
            event=bookings_audit.AVAILABILITY_ADDED,
            target=rule,
            changes={
                "weekday": weekday,
                "start": start_time.isoformat("minutes"),
                "end": end_time.isoformat("minutes"),
                "timezone": rule.timezone,
                "session_minutes": session_minutes,
                "buffer_minutes": buffer_minutes,
            },
            request=request,
        )
    return rule


def do_remove_weekly_availability(
    therapist: User, rule_id: int, *, request: HttpRequest | None = None
) -> None:
    """Existing bookings stay; only future slots stop being offered."""
    with transaction.atomic():
        rule = WeeklyAvailability.objects.filter(pk=rule_id, therapist=therapist).first()
        if rule is None:
            raise NotFound("availability")
        record_event(actor=therapist, event=bookings_audit.AVAILABILITY_REMOVED, target=rule)
        rule.delete()


def do_add_time_off(
    therapist: User, *, first_day: date, last_day: date, request: HttpRequest | None = None
) -> AvailabilityException:
    """Whole days off, inclusive, on the therapist's own calendar."""
    _check_therapist(therapist)
    for day in (first_day, last_day):
        if problem := schedulable_problem(day):
            raise BookingError(problem)
    if last_day < first_day:
        raise BookingError(_("The last day must not be before the first."))
    zone = zone_of(therapist)
    starts_at = datetime.combine(first_day, time.min, tzinfo=zone).astimezone(UTC)
    ends_at = datetime.combine(last_day + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)
    return _add_exception(therapist, ExceptionKind.OFF, starts_at, ends_at, request)


def do_add_extra_slot(
    therapist: User,
    *,
    day: date,
    at: time,
    session_minutes: int = 50,
    request: HttpRequest | None = None,
) -> AvailabilityException:
    _check_therapist(therapist)
    if problem := schedulable_problem(day):
        raise BookingError(problem)
    starts_at = local_to_utc(day, at, zone_of(therapist))
    if starts_at is None:
        raise BookingError(_("That time does not exist on that day (the clocks change)."))
    if not 10 <= session_minutes <= 240:
        raise BookingError(_("Sessions are 10 to 240 minutes."))
    ends_at = starts_at + timedelta(minutes=session_minutes)
    return _add_exception(therapist, ExceptionKind.EXTRA, starts_at, ends_at, request)


def _add_exception(
    therapist: User, kind: str, starts_at: datetime, ends_at: datetime, request: HttpRequest | None
) -> AvailabilityException:
    with transaction.atomic():
        exc = AvailabilityException.objects.create(
            therapist=therapist, kind=kind, starts_at=starts_at, ends_at=ends_at
        )
        record_event(
            actor=therapist,
            event=bookings_audit.EXCEPTION_ADDED,
            target=exc,
            changes={
                "kind": kind,
                "starts_at": starts_at.isoformat(),
                "ends_at": ends_at.isoformat(),
            },
            request=request,
        )
    return exc


def do_remove_exception(
    therapist: User, exception_id: int, *, request: HttpRequest | None = None
) -> None:
    with transaction.atomic():
        exc = AvailabilityException.objects.filter(pk=exception_id, therapist=therapist).first()
        if exc is None:
            raise NotFound("exception")
        record_event(
            actor=therapist, event=bookings_audit.EXCEPTION_REMOVED, target=exc, request=request
        )
        exc.delete()


# --- Booking ----------------------------------------------------------------------


def find_slot(therapist: User, starts_at: datetime) -> Slot | None:
    for slot in candidate_slots(therapist, starts_at, starts_at + timedelta(seconds=1)):
        if slot.starts_at == starts_at:
            return slot
    return None


def do_book(
    member: User,
    therapist: User,
    starts_at: datetime,
    *,
    now: datetime | None = None,
    request: HttpRequest | None = None,
    rescheduled_from: Booking | None = None,
) -> Booking:
    now = now or timezone.now()
    # First: a time near the ends of the calendar overflows in the slot arithmetic below.
    if problem := schedulable_problem(starts_at, now):
        raise BookingError(problem)
    if member.pk == therapist.pk or not is_bookable(therapist):
        raise BookingError(NOT_OFFERED)
    if starts_at <= now:
        raise BookingError(_("That time has passed."))
    slot = find_slot(therapist, starts_at)
    if slot is None:
        raise BookingError(NOT_OFFERED)
    try:
        with transaction.atomic():
            if _overlapping(Booking.objects.filter(therapist=therapist), *_span(slot)).exists():
                raise BookingError(TAKEN)
            if _overlapping(Booking.objects.filter(member=member), *_span(slot)).exists():
                raise BookingError(CLASH)
            booking = Booking.objects.create(
                therapist=therapist,
                member=member,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                created_at=now,
                rescheduled_from=rescheduled_from,
            )
            record_event(
                actor=member,
                event=bookings_audit.BOOKED,
                target=booking,
                changes={
                    "therapist": therapist.pk,
                    "starts_at": slot.starts_at.isoformat(),
                    **({"rescheduled_from": rescheduled_from.pk} if rescheduled_from else {}),
                },
                request=request,
            )
    except IntegrityError:
        # The constraint fired: someone committed first. Which one decides the message.
        if _overlapping(Booking.objects.filter(member=member), *_span(slot)).exists():
            raise BookingError(CLASH) from None
        raise BookingError(TAKEN) from None
    _notify_booked(booking, now)
    return booking


def _span(slot: Slot) -> tuple[datetime, datetime]:
    return slot.starts_at, slot.ends_at


def _notify_booked(booking: Booking, now: datetime) -> None:
    for user, other in ((booking.member, booking.therapist), (booking.therapist, booking.member)):
        when = local_label(booking.starts_at, user)
        do_notify(
            [user],
            kind="booking",
            title=f"Session booked with {other.handle}: {when}",
            url=reverse("bookings_home")
            if user == booking.member
            else reverse("therapist_bookings"),
        )
    send_confirmation(booking, now)


def send_confirmation(booking: Booking, now: datetime) -> None:
    """Queue the confirmation email, with the session as an .ics attachment, for after
    commit (kindred.core.mail): a mail server that is down never fails the booking."""
    for user, other in ((booking.member, booking.therapist), (booking.therapist, booking.member)):
        send_mail_later(
            "bookings.confirmation",
            f"Session booked: {local_label(booking.starts_at, user)}",
            (
                f"Your session with {other.handle} is booked for "
                f"{local_label(booking.starts_at, user)} "
                f"(until {booking.ends_at.astimezone(zone_of(user)):%H:%M}).\n\n"
                "The attached file adds it to your calendar. You can cancel or "
                "reschedule from your bookings page.\n"
            ),
            [user.email],
            attachments=(
                (
                    "session.ics",
                    calendar.render([booking_event(booking, user)], now),
                    "text/calendar; method=PUBLISH",
                ),
            ),
        )


def _cancel(booking: Booking, user: User, now: datetime) -> str:
    """Caller holds the row lock (``access_booking(write=True)``)."""
    if not booking.is_active:
        raise BookingError(_("This booking is not active."))
    if booking.starts_at <= now:
        raise BookingError(_("This session has already started."))
    # A therapist cancelling never counts against the member.
    late = user.pk == booking.member_id and booking.starts_at - now < notice_period()
    booking.status = BookingStatus.CANCELLED_LATE if late else BookingStatus.CANCELLED
    booking.cancelled_at = now
    booking.cancelled_by = user
    booking.save(update_fields=["status", "cancelled_at", "cancelled_by"])
    return booking.status


def do_cancel(
    user: User, booking_id: int, *, now: datetime | None = None, request: HttpRequest | None = None
) -> Booking:
    now = now or timezone.now()
    with transaction.atomic():
        booking = access_booking(user, booking_id, write=True)
        status = _cancel(booking, user, now)
        record_event(
            actor=user,
            event=bookings_audit.CANCELLED,
            target=booking,
            changes={"status": status},
            request=request,
        )
        _end_grants_if_therapy_ended(booking)
        other = booking.therapist if user.pk == booking.member_id else booking.member
        do_notify(
            [other],
            kind="booking",
            title=f"Session cancelled by {user.handle}: {local_label(booking.starts_at, other)}",
        )
    return booking


def do_reschedule(
    member: User,
    booking_id: int,
    new_starts_at: datetime,
    *,
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> Booking:
    """Cancel and book in one transaction: the old time is only given up if the
    new one is booked. The old booking follows the notice rule like a cancel."""
    now = now or timezone.now()
    with transaction.atomic():
        old = access_booking(member, booking_id, write=True)
        if old.member_id != member.pk:
            raise NotFound("booking")
        status = _cancel(old, member, now)
        record_event(
            actor=member,
            event=bookings_audit.CANCELLED,
            target=old,
            changes={"status": status, "rescheduling": True},
            request=request,
        )
        new = do_book(
            member, old.therapist, new_starts_at, now=now, request=request, rescheduled_from=old
        )
    return new


def do_mark_attendance(
    therapist: User,
    booking_id: int,
    status: str,
    *,
    now: datetime | None = None,
    request: HttpRequest | None = None,
) -> Booking:
    now = now or timezone.now()
    if status not in ATTENDANCE:
        raise BookingError(_("Choose attended, did not attend or cancelled late."))
    with transaction.atomic():
        booking = access_therapist_booking(therapist, booking_id, write=True)
        if booking.starts_at > now:
            raise BookingError(_("Attendance can be recorded once the session has started."))
        if booking.status not in (BookingStatus.BOOKED, *ATTENDANCE):
            raise BookingError(_("This booking was cancelled."))
        previous = booking.status
        booking.status = status
        booking.attendance_marked_at = now
        booking.save(update_fields=["status", "attendance_marked_at"])
        record_event(
            actor=therapist,
            event=bookings_audit.ATTENDANCE_MARKED,
            target=booking,
            changes={"status": [previous, status]},
            request=request,
        )
        if status != BookingStatus.ATTENDED:
            _end_grants_if_therapy_ended(booking)
    return booking


def _end_grants_if_therapy_ended(booking: Booking) -> None:
    """A cancelled or missed session that was the last thing tying member and therapist
    together ends what either shares with the other (the care app checks the team).
    Runs in the caller's transaction, after the booking is saved."""
    # Imported here: the care app depends on bookings, not the other way round.
    from kindred.consent.actions import do_end_grants_for_relationship
    from kindred.consent.models import EndReason

    do_end_grants_for_relationship(
        booking.member, booking.therapist, reason=EndReason.THERAPY_ENDED
    )


def session_link(booking: Booking, user: User, now: datetime | None = None) -> str:
    """The video link, for the two participants only, from 15 minutes before the
    start until the end; "" otherwise or when no provider is configured."""
    template: str = getattr(settings, "SESSION_LINK_TEMPLATE", "") or ""
    now = now or timezone.now()
    if not template or booking.status != BookingStatus.BOOKED:
        return ""
    if user.pk not in (booking.member_id, booking.therapist_id):
        return ""
    if not booking.starts_at - LINK_OPENS_BEFORE <= now < booking.ends_at:
        return ""
    return template.replace("{booking_id}", str(booking.pk)).replace(
        "{secret}", booking.link_secret
    )


def upcoming_for(user: User, now: datetime) -> QuerySet[Booking]:
    return (
        Booking.objects.filter(Q(member_id=user.pk) | Q(therapist_id=user.pk))
        .filter(status=BookingStatus.BOOKED, ends_at__gt=now)
        .select_related("therapist", "member")
        .order_by("starts_at")
    )
