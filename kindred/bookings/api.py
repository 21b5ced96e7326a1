"""A therapist's free times, and booking, cancelling and rescheduling sessions.

The same rules as the pages: free times are :func:`kindred.bookings.slots.slots_for`,
every change goes through :mod:`kindred.bookings.actions` (which checks the slot,
the notice period and, with the database's constraints, that nobody else took it),
and every booking is read through :mod:`kindred.bookings.access` — its member and its
therapist only; anyone else gets the same 404 as for a missing id.

Times are UTC ISO 8601. A signed-in caller also gets each time on their own clock
(their account's time zone).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict, model_validator

from kindred.api.auth import READ_AUTH, get_api_user, get_reader
from kindred.api.openapi import errors
from kindred.api.schemas import InputSchema
from kindred.bookings import actions, directory, queries
from kindred.bookings.access import access_bookable_therapist
from kindred.bookings.models import Booking, BookingStatus
from kindred.bookings.slots import slots_for
from kindred.core.ids import ObjectId
from kindred.core.inputs import SchedulableDatetime
from kindred.core.when import zone_of

router = Router(tags=["bookings"])

# Both mean "someone (you, or another member) already holds that time".
CONFLICTS = (actions.TAKEN, actions.CLASH)
# The most bookings one list answer holds.
MAX_LISTED = queries.LISTED


# --- Schemas -----------------------------------------------------------------


class SlotOut(Schema):
    starts_at: datetime = Field(description="UTC. Send it back as-is to book.")
    ends_at: datetime
    local_starts_at: datetime | None = Field(description="On your clock; null for visitors.")
    local_label: str | None = Field(description="E.g. 'Tue 14 Jan 2025, 18:00 GMT'.")


class SlotsOut(Schema):
    therapist_profile_id: int
    therapist_user_id: int
    timezone: str | None = Field(description="Your time zone; null for visitors.")
    slots: list[SlotOut]


class SlotsQuery(InputSchema):
    days: int = Field(default=14, ge=1, le=28, description="How far ahead to look.")


class BookingOut(Schema):
    id: int
    role: Literal["member", "therapist"] = Field(description="Your part in this booking.")
    therapist_user_id: int
    therapist: str = Field(description="The therapist's handle.")
    member: str = Field(description="The member's handle.")
    starts_at: datetime
    ends_at: datetime
    local_label: str = Field(description="The start on your clock.")
    status: BookingStatus
    cancelled_at: datetime | None
    rescheduled_from: int | None = Field(description="The booking this one replaced.")
    session_link: str = Field(
        description="The video link, from 15 minutes before the start; empty otherwise."
    )


class BookingsQuery(InputSchema):
    when: Literal["upcoming", "past"] = Field(
        default="upcoming",
        description="upcoming: active bookings not yet over, soonest first. "
        f"past: everything else, newest first. At most {MAX_LISTED}.",
    )


class BookIn(InputSchema):
    """Name the therapist by ``therapist_profile_id`` (from the directory) or by
    ``therapist_user_id``, not both."""

    model_config = ConfigDict(extra="forbid")

    therapist_profile_id: ObjectId | None = None
    therapist_user_id: ObjectId | None = None
    starts_at: SchedulableDatetime = Field(description="A slot's starts_at, with its offset.")

    @model_validator(mode="after")
    def one_therapist(self) -> BookIn:
        if (self.therapist_profile_id is None) == (self.therapist_user_id is None):
            raise ValueError("Give therapist_profile_id or therapist_user_id (one of them).")
        return self


class RescheduleIn(InputSchema):
    model_config = ConfigDict(extra="forbid")

    starts_at: SchedulableDatetime = Field(description="A free slot of the same therapist.")


# --- Helpers -----------------------------------------------------------------


def refused(exc: actions.BookingError) -> HttpError:
    """409 when the time is held by someone; 422 for any other booking rule."""
    message = str(exc)
    # The messages are lazy: compare them as text in the language now active.
    conflict = any(message == str(text) for text in CONFLICTS)
    return HttpError(409 if conflict else 422, message)


def _booked(request: HttpRequest, booking: Booking) -> queries.BookingRow:
    return queries.booking_row(booking, get_api_user(request), timezone.now())


# --- Endpoints ----------------------------------------------------------------


@router.get(
    "/therapists/{profile_id}/slots",
    auth=READ_AUTH,
    response=SlotsOut,
    summary="A therapist's free times",
)
def list_slots(request: HttpRequest, profile_id: int, query: Query[SlotsQuery]) -> dict[str, Any]:
    """Free session times starting in the next ``days`` days (listed therapists only)."""
    reader = get_reader(request)
    therapist = access_bookable_therapist(directory.therapist_of_profile(reader, profile_id))
    now = timezone.now()
    zone = zone_of(reader) if reader.is_authenticated else None
    return {
        "therapist_profile_id": profile_id,
        "therapist_user_id": therapist.pk,
        "timezone": zone.key if zone else None,
        "slots": [
            {
                "starts_at": s.starts_at,
                "ends_at": s.ends_at,
                "local_starts_at": s.starts_at.astimezone(zone) if zone else None,
                "local_label": actions.local_label(s.starts_at, reader) if zone else None,
            }
            for s in slots_for(therapist, now, now + timedelta(days=query.days))
        ],
    }


@router.get("/bookings", response=list[BookingOut], summary="Your bookings")
def list_bookings(request: HttpRequest, query: Query[BookingsQuery]) -> list[queries.BookingRow]:
    """As a member and as a therapist (``role`` says which)."""
    return queries.bookings_of(get_api_user(request), query.when, timezone.now())


@router.post(
    "/bookings",
    response={201: BookingOut, **errors(404, 409)},
    summary="Book a session",
)
def create_booking(request: HttpRequest, payload: BookIn) -> Status[queries.BookingRow]:
    """409 when the time was just taken (or you have another session then); 422 when
    it is not one of the therapist's free times."""
    user = get_api_user(request)
    if payload.therapist_profile_id is not None:
        therapist_id = directory.therapist_of_profile(user, payload.therapist_profile_id)
        therapist = access_bookable_therapist(therapist_id)
    else:
        assert payload.therapist_user_id is not None
        therapist = access_bookable_therapist(payload.therapist_user_id)
    try:
        booking = actions.do_book(user, therapist, payload.starts_at, request=request)
    except actions.BookingError as exc:
        raise refused(exc) from None
    return Status(201, _booked(request, booking))


@router.post(
    "/bookings/{booking_id}/cancel",
    response={200: BookingOut, **errors(409)},
    summary="Cancel a booking",
)
def cancel_booking(request: HttpRequest, booking_id: int) -> queries.BookingRow:
    """The member or the therapist. A member cancelling inside the notice period gets
    ``cancelled_late``."""
    try:
        booking = actions.do_cancel(get_api_user(request), booking_id, request=request)
    except actions.BookingError as exc:
        raise refused(exc) from None
    return _booked(request, booking)


@router.post(
    "/bookings/{booking_id}/reschedule",
    response={201: BookingOut, **errors(409)},
    summary="Move your booking to another time",
)
def reschedule_booking(
    request: HttpRequest, booking_id: int, payload: RescheduleIn
) -> Status[queries.BookingRow]:
    """The member only. Answers with the new booking; the old one is cancelled only
    if the new time is booked."""
    try:
        booking = actions.do_reschedule(
            get_api_user(request), booking_id, payload.starts_at, request=request
        )
    except actions.BookingError as exc:
        raise refused(exc) from None
    return Status(201, _booked(request, booking))
