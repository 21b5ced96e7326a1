"""When an assigned questionnaire is due, and the reminders for it.

An assignment has *occurrences* (due moments):

* every ``every_days`` days: ``created_at + k·every_days`` (the first straight away);
  an occurrence stays open until the next one replaces it;
* before each session: 24 hours before each booked session with the assigning
  therapist; it stays open until the session starts.

An occurrence is done once the member has submitted that instrument at or after its due
moment. Only assignments whose therapist still treats the member
(:func:`kindred.bookings.relationships.treating_therapists`) are due at all.

``send_measure_reminders(now)`` runs from ``tasks.py``; each occurrence gets one
:class:`~kindred.measures.models.AssignmentReminder` row, created in the same
transaction as the notification, so it is reminded once even when sweeps overlap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse

from kindred.bookings.models import Booking, BookingStatus
from kindred.bookings.relationships import treating_therapists
from kindred.core.mail import send_mail_later
from kindred.core.notification_prefs import wants_email
from kindred.core.notifications import do_notify
from kindred.measures.definitions import UnknownInstrument, get_definition
from kindred.measures.models import Assignment, AssignmentReminder, Response

if TYPE_CHECKING:
    from kindred.accounts.models import User

BEFORE_SESSION = timedelta(hours=24)


@dataclass(frozen=True)
class DueMeasure:
    assignment: Assignment
    due_at: datetime
    # "schedule" (every N days) or "session" (before a booked session).
    reason: str


def _current_periodic(assignment: Assignment, now: datetime) -> datetime | None:
    if assignment.every_days is None or now < assignment.created_at:
        return None
    period = timedelta(days=assignment.every_days)
    elapsed = (now - assignment.created_at) // period
    return assignment.created_at + elapsed * period


def due_assignments(member: User, now: datetime) -> list[DueMeasure]:
    """``member``'s open, not yet completed occurrences at ``now`` (earliest first).

    Three queries whatever the number of assignments: the assignments, the sessions in
    the next 24 hours, the member's latest response per instrument.
    """
    assignments = list(
        Assignment.objects.filter(
            member_id=member.pk,
            active=True,
            therapist__in=treating_therapists(member, now).values("pk"),
        ).select_related("therapist")
    )
    if not assignments:
        return []
    session_starts: dict[int, list[datetime]] = {}
    if any(a.before_sessions for a in assignments):
        for therapist_id, starts_at in Booking.objects.filter(
            member_id=member.pk,
            status=BookingStatus.BOOKED,
            starts_at__gt=now,
            starts_at__lte=now + BEFORE_SESSION,
        ).values_list("therapist_id", "starts_at"):
            session_starts.setdefault(therapist_id, []).append(starts_at)
    latest = dict(
        Response.objects.filter(
            member_id=member.pk, instrument_id__in={a.instrument_id for a in assignments}
        )
        .values("instrument_id")
        .annotate(at=Max("created_at"))
        .values_list("instrument_id", "at")
    )
    due: list[DueMeasure] = []
    for assignment in assignments:
        done_at = latest.get(assignment.instrument_id)
        occurrences: list[tuple[datetime, str]] = []
        periodic = _current_periodic(assignment, now)
        if periodic is not None:
            occurrences.append((periodic, "schedule"))
        if assignment.before_sessions:
            occurrences += [
                (start - BEFORE_SESSION, "session")
                for start in session_starts.get(assignment.therapist_id, [])
            ]
        due += [
            DueMeasure(assignment, at, reason)
            for at, reason in occurrences
            if done_at is None or done_at < at
        ]
    return sorted(due, key=lambda d: (d.due_at, d.assignment.pk))


def send_measure_reminders(now: datetime) -> int:
    """Remind each member of each open occurrence once (in-app and email)."""
    member_ids = (
        Assignment.objects.filter(active=True).values_list("member_id", flat=True).distinct()
    )
    from kindred.accounts.models import User

    sent = 0
    for member in User.objects.filter(pk__in=list(member_ids), is_active=True):
        due = due_assignments(member, now)
        if not due:
            continue
        # Skip what was already reminded without trying (the marker still guards races).
        reminded = set(
            AssignmentReminder.objects.filter(
                assignment__in=[d.assignment for d in due], due_at__in=[d.due_at for d in due]
            ).values_list("assignment_id", "due_at")
        )
        for item in due:
            if (item.assignment.pk, item.due_at) in reminded:
                continue
            if _remind_one(member, item, now):
                sent += 1
    return sent


def _remind_one(member: User, item: DueMeasure, now: datetime) -> bool:
    try:
        name = get_definition(item.assignment.instrument_id).name
    except UnknownInstrument:
        return False
    try:
        with transaction.atomic():
            # The unique marker is what makes the reminder go once.
            AssignmentReminder.objects.create(
                assignment=item.assignment, due_at=item.due_at, sent_at=now
            )
            # Only the instrument's name: no scores, no therapist, nothing clinical.
            title = f"Questionnaire to complete: {name}"
            url = reverse("measures_take", args=[item.assignment.instrument_id])
            do_notify([member], kind="measure_reminder", title=title, url=url)
            if wants_email(member, "measure_reminder"):
                send_mail_later(
                    "measures.reminder",
                    title,
                    f"{title}.\n\nSign in to Kindred and open Questionnaires to complete it.\n",
                    [member.email],
                )
    except IntegrityError:
        return False
    return True
