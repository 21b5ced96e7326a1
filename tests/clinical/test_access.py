"""Who reaches which part of the record: every persona, and missing ids alike."""

import pytest

from kindred.clinical.access import (
    access_client,
    access_intake,
    access_note,
    access_own_intake,
    access_psychotherapy_note,
)
from kindred.core.access import NotFound
from tests.clinical.conftest import book

OUTSIDERS = [
    "member",
    "member2",
    "peer_supporter",
    "facilitator",
    "therapist2",
    "moderator",
    "staff",
]
MISSING = 999_999


def test_the_treating_therapist_reaches_everything(therapist, member, draft, process_note, intake):
    assert access_client(therapist, member.pk) == member
    assert access_note(therapist, draft.pk, write=True) == draft
    assert access_psychotherapy_note(therapist, process_note.pk) == process_note
    assert access_intake(therapist, intake.pk) == intake


@pytest.mark.parametrize("persona", OUTSIDERS, indirect=True)
def test_nobody_else_reaches_the_record(
    persona, member, draft, process_note, intake, other_treats_member
):
    # therapist2 also treats maya here, and still sees nothing of dr_ellis's record.
    for fn, obj_id in [(access_note, draft.pk), (access_psychotherapy_note, process_note.pk)]:
        for write in (False, True):
            with pytest.raises(NotFound) as found:
                fn(persona, obj_id, write=write)
            with pytest.raises(NotFound) as missing:
                fn(persona, MISSING, write=write)
            assert str(found.value) == str(missing.value)
    if persona != member:
        with pytest.raises(NotFound):
            access_intake(persona, intake.pk)


@pytest.mark.parametrize(
    "persona", ["member", "member2", "peer_supporter", "moderator", "staff"], indirect=True
)
def test_only_therapists_have_clients(persona, member, booking):
    with pytest.raises(NotFound):
        access_client(persona, member.pk)


def test_a_second_therapist_learns_nothing_about_someone_elses_client(therapist2, member, booking):
    with pytest.raises(NotFound) as found:
        access_client(therapist2, member.pk)
    with pytest.raises(NotFound) as missing:
        access_client(therapist2, MISSING)
    assert str(found.value) == str(missing.value)


def test_access_ends_with_the_treatment_relationship(therapist, member, draft, booking):
    booking.status = "cancelled"
    booking.save(update_fields=["status"])
    with pytest.raises(NotFound):
        access_client(therapist, member.pk)
    with pytest.raises(NotFound):
        access_note(therapist, draft.pk)


def test_a_recently_attended_session_keeps_the_relationship(therapist, member2):
    book(therapist, member2, days=-30, status="attended")
    assert access_client(therapist, member2.pk) == member2


def test_a_therapist_without_mfa_is_refused(member, booking, therapist):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=therapist).delete()
    with pytest.raises(NotFound):
        access_client(therapist, member.pk)


def test_the_member_reads_and_writes_their_own_intake_only(member, member2, therapist, intake):
    assert access_own_intake(member, therapist.pk, write=True) == intake
    with pytest.raises(NotFound):
        access_own_intake(member2, therapist.pk)
    with pytest.raises(NotFound):
        access_own_intake(member, MISSING)


def test_the_member_keeps_reading_but_stops_writing_after_treatment(
    member, therapist, intake, booking
):
    booking.status = "cancelled"
    booking.save(update_fields=["status"])
    assert access_own_intake(member, therapist.pk) == intake
    with pytest.raises(NotFound):
        access_own_intake(member, therapist.pk, write=True)


def test_the_member_never_reaches_notes(member, draft, signed, process_note):
    with pytest.raises(NotFound):
        access_note(member, signed.pk)
    with pytest.raises(NotFound):
        access_psychotherapy_note(member, process_note.pk)
