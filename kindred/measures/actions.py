"""Submitting questionnaires: score, store, audit, and raise a flag on a critical answer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from kindred.audit.actions import record_event
from kindred.core.notifications import do_notify
from kindred.measures import audit_names as measures_audit
from kindred.measures.access import access_assignment, access_client, visible_responses
from kindred.measures.availability import check_instrument_available
from kindred.measures.models import Assignment, AssignmentReminder, Response, ResponseDraft
from kindred.measures.scoring import Score, score, validate_answers
from kindred.safety.actions import do_raise_flag
from kindred.safety.models import MEASURES_SCOPE, Flag, FlagKind

if TYPE_CHECKING:
    from kindred.accounts.models import User

FLAG_LEVEL = "high"
# A clinical scope: the flag's text goes to the treating therapist(s) only.
FLAG_SCOPE = MEASURES_SCOPE


@dataclass(frozen=True)
class SubmitOutcome:
    response: Response
    score: Score
    flags: tuple[Flag, ...]
    # Show the member crisis resources and their safety plan, privately, now.
    show_crisis_resources: bool


def do_submit_response(
    member: User,
    instrument_id: str,
    answers: Mapping[str, int | None],
    *,
    assigned_by: User | None = None,
) -> SubmitOutcome:
    """Score and store ``member``'s answers.

    Raises :class:`~kindred.measures.availability.InstrumentUnavailable` for an unknown
    or unlicensed instrument and :class:`~kindred.measures.scoring.ScoringError` for
    answers that cannot be scored; nothing is stored then. The audit row carries the
    instrument and total only — never the answers. Each triggered critical item raises
    one high-level ``CRITICAL_ANSWER`` flag in the same transaction.

    Without ``assigned_by``, an open due assignment of this instrument
    (:func:`kindred.measures.schedules.due_assignments`) links the response to the
    therapist who assigned it.
    """
    definition = check_instrument_available(instrument_id)
    result = score(definition, answers)
    if assigned_by is None:
        assigned_by = assigning_therapist(member, definition.id)
    stored = {key: value for key, value in answers.items() if value is not None}
    with transaction.atomic():
        response = Response(
            member=member,
            instrument_id=definition.id,
            instrument_version=definition.version,
            total=result.total,
            band=result.band.key,
            prorated=result.prorated,
            assigned_by=assigned_by,
        )
        response.answers = stored  # assigned apart: the stubs type the field as text
        response.save()
        # A finished questionnaire replaces any half-answered one of the same instrument.
        ResponseDraft.objects.filter(member_id=member.pk, instrument_id=definition.id).delete()
        record_event(
            actor=member,
            event=measures_audit.RESPONSE_SUBMITTED,
            target=response,
            changes={
                "instrument": definition.id,
                "version": definition.version,
                "total": result.total,
            },
        )
        triggered = result.critical_items_triggered
        # Whoever may read the answers (kindred/measures/access.py) reads the flag on them.
        therapists = _treating_therapists(member) if triggered else []
        flags = tuple(
            do_raise_flag(
                kind=FlagKind.CRITICAL_ANSWER,
                subject=member,
                text=f"{definition.name} item {hit.number} answered “{hit.label}”",
                level=FLAG_LEVEL,
                source_type="measures.response",
                source_id=str(response.pk),
                context=f"Questionnaire: {definition.name}",
                scope=FLAG_SCOPE,
                clinicians=therapists,
            )
            for hit in triggered
        )
        if flags:
            _tell_treating_therapists(therapists, member, definition.name)
    return SubmitOutcome(
        response=response,
        score=result,
        flags=flags,
        show_crisis_resources=bool(result.critical_items_triggered),
    )


def assigning_therapist(member: User, instrument_id: str) -> User | None:
    """The therapist whose open, due assignment an answer to ``instrument_id`` now
    counts for (None when the member takes it on their own)."""
    from kindred.measures.schedules import due_assignments

    due = [
        d
        for d in due_assignments(member, timezone.now())
        if d.assignment.instrument_id == instrument_id
    ]
    return due[0].assignment.therapist if due else None


class AssignmentError(ValueError):
    pass


def do_assign_measure(
    therapist: User,
    member_id: int | str,
    instrument_id: str,
    *,
    every_days: int | None = None,
    before_sessions: bool = False,
    request: HttpRequest | None = None,
) -> Assignment:
    """Ask a client to complete an instrument on a schedule.

    Raises :class:`~kindred.core.access.NotFound` unless ``therapist`` treats the member,
    :class:`~kindred.measures.availability.InstrumentUnavailable` for an unknown or
    unlicensed instrument, and :class:`AssignmentError` for a schedule that is empty or
    duplicates an active assignment of the same instrument.
    """
    member = access_client(therapist, member_id)
    definition = check_instrument_available(instrument_id)
    if every_days is None and not before_sessions:
        raise AssignmentError(gettext("Choose every so many days, before each session, or both."))
    if every_days is not None and every_days < 1:
        raise AssignmentError(gettext("Every how many days must be at least 1."))
    with transaction.atomic():
        if Assignment.objects.filter(
            therapist=therapist, member=member, instrument_id=definition.id, active=True
        ).exists():
            raise AssignmentError(
                gettext("%(name)s is already assigned to this client.") % {"name": definition.name}
            )
        assignment = Assignment.objects.create(
            therapist=therapist,
            member=member,
            instrument_id=definition.id,
            every_days=every_days,
            before_sessions=before_sessions,
        )
        record_event(
            actor=therapist,
            event=measures_audit.ASSIGNED,
            target=assignment,
            changes={
                "member": member.pk,
                "instrument": definition.id,
                "every_days": every_days,
                "before_sessions": before_sessions,
            },
            request=request,
        )
        if every_days is not None:
            # The first occurrence is due at once: this notification is its reminder,
            # so the reminder sweep (kindred.measures.schedules) does not send a second.
            AssignmentReminder.objects.create(
                assignment=assignment, due_at=assignment.created_at, sent_at=assignment.created_at
            )
        # The instrument's name only: no therapist, no reason, nothing clinical.
        do_notify(
            [member],
            kind="measures.assigned",
            title=gettext("New questionnaire to complete: %(name)s") % {"name": definition.name},
            url=reverse("measures_take", args=[definition.id]),
        )
    return assignment


def do_stop_assignment(
    therapist: User, assignment_id: int | str, *, request: HttpRequest | None = None
) -> Assignment:
    """Stop one of the therapist's assignments (kept, inactive, for the record)."""
    with transaction.atomic():
        assignment = access_assignment(therapist, assignment_id)
        if assignment.active:
            assignment.active = False
            assignment.stopped_at = timezone.now()
            assignment.save(update_fields=["active", "stopped_at"])
            record_event(
                actor=therapist,
                event=measures_audit.ASSIGNMENT_STOPPED,
                target=assignment,
                changes={"member": assignment.member_id, "instrument": assignment.instrument_id},
                request=request,
            )
    return assignment


def get_draft(member: User, instrument_id: str) -> ResponseDraft | None:
    """``member``'s unfinished answers to the instrument, if any (their own only)."""
    return ResponseDraft.objects.filter(member_id=member.pk, instrument_id=instrument_id).first()


def do_save_draft(
    member: User, instrument_id: str, answers: Mapping[str, int], *, step: int
) -> ResponseDraft:
    """Merge ``answers`` into the member's draft and remember the step to resume at.

    Each answer is checked against the instrument before it is kept, so a draft never
    holds something :func:`do_submit_response` would refuse as invalid.
    """
    definition = check_instrument_available(instrument_id)
    validate_answers(definition, answers)
    step = max(0, min(step, len(definition.items) - 1))
    with transaction.atomic():
        draft = (
            ResponseDraft.objects.select_for_update()
            .filter(member_id=member.pk, instrument_id=definition.id)
            .first()
        )
        if draft is None or draft.instrument_version != definition.version:
            if draft is not None:
                draft.delete()
            draft = ResponseDraft(
                member=member, instrument_id=definition.id, instrument_version=definition.version
            )
            draft.answers = {}
        draft.answers = {**(draft.answers or {}), **answers}
        draft.step = step
        draft.updated_at = timezone.now()
        draft.save()
    return draft


def do_discard_draft(member: User, instrument_id: str) -> None:
    ResponseDraft.objects.filter(member_id=member.pk, instrument_id=instrument_id).delete()


def do_export_responses(
    member: User,
    *,
    actor: User | None = None,
    responses: QuerySet[Response] | None = None,
    request: HttpRequest | None = None,
) -> dict[str, object]:
    """``member``'s responses as a FHIR R4 (R4B models) Bundle, as JSON-ready data.

    ``actor`` is who exports (the member, or their treating therapist after
    ``access_client_results``, which passes the responses it allows). Audited as
    ``measures.exported`` with the count only.
    """
    from kindred.measures.fhir import build_bundle  # fhir.resources is slow to import

    actor = actor or member
    chosen = responses if responses is not None else visible_responses(member)
    rows = list(chosen.order_by("created_at", "id"))
    bundle = build_bundle(member, rows)
    record_event(
        actor=actor,
        event=measures_audit.EXPORTED,
        target=member,
        changes={"format": "fhir-r4b-bundle", "responses": len(rows)},
        request=request,
    )
    return bundle.model_dump(mode="json", exclude_none=True)


def _treating_therapists(member: User) -> list[User]:
    from kindred.bookings.relationships import treating_therapists

    return list(treating_therapists(member))


def _tell_treating_therapists(therapists: list[User], member: User, instrument_name: str) -> None:
    """A critical answer reaches the member's therapist(s) first (the flag is routed to
    them; on-call moderators hear only that the member needs attention).

    The notification names the questionnaire and links to the client's results; the answer
    itself is on the results page, where the read is audited.
    """
    if therapists:
        do_notify(
            therapists,
            kind="measures.critical_answer",
            title=f"A client's {instrument_name} has an answer that needs your attention today",
            url=f"/therapist/measures/{member.pk}/",
        )
