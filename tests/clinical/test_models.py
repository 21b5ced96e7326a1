import pytest
from django.db import DatabaseError, connection, transaction

from kindred.clinical import actions
from kindred.clinical.models import (
    NoteAddendum,
    ProgressNote,
    PsychotherapyNote,
    SignedNoteImmutable,
)
from tests.sealed import assert_sealed


def raw_column(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_note_content_is_encrypted_at_rest(draft, process_note):
    raw = raw_column("clinical_progressnote", "content", draft.pk)
    assert "low mood" not in raw and "Behavioural" not in raw
    assert "Passive thoughts" not in raw_column("clinical_progressnote", "risk_rationale", draft.pk)
    assert "Countertransference" not in raw_column(
        "clinical_psychotherapynote", "text", process_note.pk
    )
    assert ProgressNote.objects.get(pk=draft.pk).content["subjective"].startswith("Reports")


def test_intake_answers_and_diagnoses_are_encrypted_at_rest(intake, therapist, member):
    assert "sleep" not in raw_column("clinical_intakeform", "answers", intake.pk)
    dx = actions.do_set_diagnosis(therapist, member, "F32.1", "Since the spring.")
    assert_sealed(raw_column("clinical_workingdiagnosis", "code", dx.pk), "F32.1")
    assert "spring" not in raw_column("clinical_workingdiagnosis", "note", dx.pk)


def test_model_save_refuses_to_change_a_signed_note(signed):
    note = ProgressNote.objects.get(pk=signed.pk)
    note.content = {**note.content, "plan": "Rewritten"}
    with pytest.raises(SignedNoteImmutable):
        note.save()
    # Un-signing in memory does not get past it: the stored row decides.
    note.signed_at = None
    with pytest.raises(SignedNoteImmutable):
        note.save(update_fields=["content", "signed_at"])
    note.refresh_from_db()
    assert note.content["plan"].startswith("Behavioural") and note.signed_at is not None


def test_queryset_update_and_delete_refuse_a_signed_note(signed):
    with pytest.raises(SignedNoteImmutable):
        ProgressNote.objects.filter(pk=signed.pk).update(risk_level="none")
    with pytest.raises(SignedNoteImmutable):
        signed.delete()
    assert ProgressNote.objects.get(pk=signed.pk).risk_level == "low"


def test_database_trigger_refuses_raw_update_of_a_signed_note(signed):
    for sql, params in [
        ("UPDATE clinical_progressnote SET risk_level = %s WHERE id = %s", ["none", signed.pk]),
        ("UPDATE clinical_progressnote SET content = %s WHERE id = %s", ["x", signed.pk]),
        ("UPDATE clinical_progressnote SET signed_at = NULL WHERE id = %s", [signed.pk]),
    ]:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    assert ProgressNote.objects.get(pk=signed.pk).risk_level == "low"


def test_database_trigger_lets_drafts_change_and_be_signed(draft):
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE clinical_progressnote SET risk_level = %s WHERE id = %s", ["none", draft.pk]
        )
    draft.refresh_from_db()
    assert draft.risk_level == "none"


def test_addenda_are_append_only(therapist, signed):
    addendum = actions.do_add_addendum(therapist, signed, "Correction: two weeks, not one.")
    addendum.text = "changed"
    with pytest.raises(SignedNoteImmutable):
        addendum.save()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE clinical_noteaddendum SET text = %s WHERE id = %s", ["x", addendum.pk]
        )
    assert NoteAddendum.objects.get(pk=addendum.pk).text.startswith("Correction")


def test_notes_render_their_sections_in_format_order(draft):
    assert [h for h, _ in draft.sections()] == ["Subjective", "Objective", "Assessment", "Plan"]
    assert str(draft) == f"progress note {draft.pk}"
    assert PsychotherapyNote.objects.count() == 0
