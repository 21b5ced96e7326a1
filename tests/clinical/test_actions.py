import pytest

from kindred.audit.models import AuditEvent
from kindred.clinical import actions, icd10
from kindred.clinical.actions import ClinicalError
from kindred.clinical.models import NoteAddendum, ProgressNote, WorkingDiagnosis
from kindred.core.models import Notification
from tests.clinical.conftest import SOAP, book


def events(name):
    return AuditEvent.objects.filter(event=name)


def test_requesting_an_intake_notifies_the_member_once(therapist, member, booking):
    first = actions.do_request_intake(therapist, member)
    again = actions.do_request_intake(therapist, member)
    assert first == again
    assert Notification.objects.filter(recipient=member, kind="clinical.intake").count() == 1
    assert events("clinical.intake.requested").count() == 1


def test_intake_answers_are_saved_and_unknown_questions_refused(intake, member):
    intake.refresh_from_db()
    assert intake.answers["reason"] == "I can't sleep." and intake.submitted_at
    with pytest.raises(ClinicalError):
        actions.do_save_intake(member, intake, {"favourite_colour": "blue"})
    row = events("clinical.intake.saved").get()
    assert "sleep" not in str(row.changes)


def test_diagnoses_come_from_the_code_list_and_update_in_place(therapist, member, booking):
    with pytest.raises(ClinicalError):
        actions.do_set_diagnosis(therapist, member, "Z99.9")
    actions.do_set_diagnosis(therapist, member, "F41.1")
    dx = actions.do_set_diagnosis(therapist, member, "F41.1", "Worry most days.")
    assert WorkingDiagnosis.objects.count() == 1
    assert dx.description == icd10.describe("F41.1") == "Generalized anxiety disorder"
    assert events("clinical.diagnosis.updated").count() == 1
    actions.do_remove_diagnosis(therapist, dx)
    assert WorkingDiagnosis.objects.count() == 0


@pytest.mark.parametrize(
    ("fmt", "content"),
    [
        ("soap", SOAP),
        ("dap", {"data": "d", "assessment": "a", "plan": "p"}),
        ("birp", {"behavior": "b", "intervention": "i", "response": "r", "plan": "p"}),
    ],
)
def test_each_format_keeps_its_own_sections(therapist, member, booking, fmt, content):
    note = actions.do_save_note_draft(
        therapist, member, fmt=fmt, content=content, risk_level="none"
    )
    assert ProgressNote.objects.get(pk=note.pk).content == content
    row = events("clinical.note.drafted").get()
    assert row.changes == {"format": fmt, "member": member.pk, "risk_level": "none"}


def test_a_note_refuses_sections_of_another_format(therapist, member, booking):
    with pytest.raises(ClinicalError):
        actions.do_save_note_draft(
            therapist, member, fmt="dap", content={"subjective": "x"}, risk_level="none"
        )


@pytest.mark.parametrize("level", ["low", "moderate", "high"])
def test_a_risk_above_none_needs_a_rationale(therapist, member, booking, level):
    with pytest.raises(ClinicalError):
        actions.do_save_note_draft(therapist, member, fmt="soap", content=SOAP, risk_level=level)


def test_high_risk_is_recorded_without_raising_a_safety_flag(therapist, member, booking):
    from kindred.safety.models import Flag

    note = actions.do_save_note_draft(
        therapist, member, fmt="soap", content=SOAP, risk_level="high", risk_rationale="Plan."
    )
    assert note.risk_level == "high"
    assert Flag.objects.count() == 0


def test_a_booking_must_belong_to_the_pair(therapist, therapist2, member, member2):
    theirs = book(therapist2, member2)
    book(therapist, member)
    with pytest.raises(ClinicalError):
        actions.do_save_note_draft(
            therapist, member, fmt="soap", content=SOAP, risk_level="none", booking=theirs
        )


def test_signing_records_who_and_when_and_refuses_twice(therapist, draft):
    note = actions.do_sign_note(therapist, draft)
    assert note.signed_by == therapist and note.signed_at
    assert events("clinical.note.signed").get().changes["format"] == "soap"
    with pytest.raises(ClinicalError):
        actions.do_sign_note(therapist, note)


def test_an_empty_note_cannot_be_signed(therapist, member, booking):
    note = actions.do_save_note_draft(therapist, member, fmt="dap", content={}, risk_level="none")
    with pytest.raises(ClinicalError):
        actions.do_sign_note(therapist, note)


def test_the_draft_action_refuses_a_signed_note(therapist, member, signed):
    with pytest.raises(ClinicalError):
        actions.do_save_note_draft(
            therapist, member, fmt="soap", content={"plan": "new"}, risk_level="none", note=signed
        )
    signed.refresh_from_db()
    assert signed.content == SOAP


def test_addenda_work_after_signing_only(therapist, draft):
    with pytest.raises(ClinicalError):
        actions.do_add_addendum(therapist, draft, "Too early.")
    note = actions.do_sign_note(therapist, draft)
    actions.do_add_addendum(therapist, note, "Correction: the move was in March.")
    actions.do_add_addendum(therapist, note, "Second addendum.")
    assert [a.text[:6] for a in NoteAddendum.objects.filter(note=note)] == ["Correc", "Second"]
    assert "March" not in str(events("clinical.note.addendum_added").first().changes)


def test_only_the_author_signs_or_adds(therapist2, draft, signed):
    with pytest.raises(ClinicalError):
        actions.do_add_addendum(therapist2, signed, "Not mine.")


def test_psychotherapy_notes_can_be_revised(therapist, member, process_note):
    actions.do_save_psychotherapy_note(therapist, member, "Revised.", note=process_note)
    process_note.refresh_from_db()
    assert process_note.text == "Revised."
    assert "Revised" not in str(events("clinical.psychotherapy_note.revised").get().changes)


def test_audit_rows_never_hold_content(signed, intake, process_note):
    blob = " ".join(str(e.changes) for e in AuditEvent.objects.filter(event__startswith="clinical"))
    for secret in ["low mood", "Passive", "sleep", "Countertransference"]:
        assert secret not in blob
