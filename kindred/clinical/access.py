"""Who may see which part of the clinical record: the one place these rules live.

A record belongs to one (client, therapist) pair. Only that therapist, while they
treat the client (:mod:`kindred.bookings.relationships`), with their role and
second factor, may read or write it. Everyone else — another therapist, a
moderator, a peer supporter, staff — gets :class:`NotFound`, the same as for an
id that does not exist, so they cannot even learn that the client exists.

The client sees only their own intake answers. Progress notes stay
therapist-only for now; process (psychotherapy) notes are never shown to them.

These functions do not audit; the views record each read (``record_read`` /
:func:`kindred.clinical.record.get_client_record`) so one page view is one row.
"""

from __future__ import annotations

from typing import TypeGuard

from django.contrib.auth.models import AnonymousUser

from kindred.accounts.access import has_mfa
from kindred.accounts.models import User
from kindred.bookings.relationships import clients_of, treating_therapists
from kindred.clinical.models import IntakeForm, ProgressNote, PsychotherapyNote
from kindred.core.access import NotFound
from kindred.core.roles import Role


def is_clinician(user: User | AnonymousUser | None) -> TypeGuard[User]:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_role(Role.THERAPIST)
        and has_mfa(user)
    )


def access_client(therapist: User | AnonymousUser, member_id: int) -> User:
    """The member if they are ``therapist``'s current client, else NotFound."""
    if not is_clinician(therapist):
        raise NotFound("client")
    member = clients_of(therapist).filter(pk=member_id).first()
    if member is None:
        raise NotFound("client")
    return member


def _treats(therapist: User | AnonymousUser, member_id: int) -> bool:
    return is_clinician(therapist) and clients_of(therapist).filter(pk=member_id).exists()


def access_note(user: User | AnonymousUser, note_id: int, *, write: bool = False) -> ProgressNote:
    """The progress note if ``user`` wrote it and still treats its client.

    ``write`` asks the same question: only the author writes, and whether a
    signed note may change is the actions' (and the database's) business.
    """
    note = (
        ProgressNote.objects.select_related("member", "booking", "signed_by")
        .filter(pk=note_id)
        .first()
    )
    if note is None or note.therapist_id != user.pk:
        raise NotFound("note")
    if not _treats(user, note.member_id):
        raise NotFound("note")
    return note


def access_psychotherapy_note(
    user: User | AnonymousUser, note_id: int, *, write: bool = False
) -> PsychotherapyNote:
    """Process notes: their author only, while treating the client. Never the client."""
    note = PsychotherapyNote.objects.select_related("member").filter(pk=note_id).first()
    if note is None or note.therapist_id != user.pk:
        raise NotFound("note")
    if not _treats(user, note.member_id):
        raise NotFound("note")
    return note


def access_intake(user: User | AnonymousUser, intake_id: int, *, write: bool = False) -> IntakeForm:
    """An intake, for its client (read always; write while still in treatment) or its
    treating therapist (read only: the answers are the client's words)."""
    intake = IntakeForm.objects.select_related("member", "therapist").filter(pk=intake_id).first()
    if intake is None or not user.is_authenticated:
        raise NotFound("intake")
    if intake.member_id == user.pk:
        if write and not treating_therapists(user).filter(pk=intake.therapist_id).exists():
            raise NotFound("intake")
        return intake
    if not write and intake.therapist_id == user.pk and _treats(user, intake.member_id):
        return intake
    raise NotFound("intake")


def access_own_intake(
    member: User | AnonymousUser, therapist_id: int, *, write: bool = False
) -> IntakeForm:
    """The intake ``therapist_id`` asked ``member`` to fill in."""
    if not member.is_authenticated:
        raise NotFound("intake")
    intake = IntakeForm.objects.filter(member_id=member.pk, therapist_id=therapist_id).first()
    if intake is None:
        raise NotFound("intake")
    return access_intake(member, intake.pk, write=write)
