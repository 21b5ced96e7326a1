"""Evaluating stores nothing; saving stores encrypted, audits, and flags a safety answer."""

from __future__ import annotations

import pytest
from django.db import connection

from kindred.audit.models import AuditEvent
from kindred.guide import actions
from kindred.guide.models import SavedGuide
from kindred.guide.options import CONTENT_VERSION
from kindred.safety.models import Flag, FlagKind
from tests.guide.conftest import answers, items, phq9
from tests.sealed import assert_sealed

pytestmark = pytest.mark.django_db


def test_evaluating_stores_nothing(member):
    before = AuditEvent.objects.count()
    evaluation = actions.evaluate_guide(answers(screening={"phq9": phq9(17)}), member)
    assert evaluation.outcome.suggested_options == ("therapy_cbt", "both")
    assert not SavedGuide.objects.exists()
    assert AuditEvent.objects.count() == before


def test_next_steps_come_from_the_registered_sources(member):
    evaluation = actions.evaluate_guide(answers(topics=["grief-loss"]), member)
    assert {"therapist", "space"} <= set(evaluation.next_steps)
    [space] = evaluation.next_steps["space"]
    assert space.url == "/spaces/grief-loss/"


def test_therapists_come_first_when_therapy_is_best_supported(member):
    evaluation = actions.evaluate_guide(answers(screening={"phq9": phq9(20)}), member)
    assert next(iter(evaluation.next_steps)) == "therapist"


def test_a_saved_guide_is_encrypted_at_rest_and_audited_without_the_answers(member):
    given = answers(screening={"phq9": phq9(12)}, choice="peer_group", lived_experience="very")
    guide = actions.do_save_guide(member, given)
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers, outcome FROM guide_savedguide WHERE id = %s", [guide.pk])
        raw_answers, raw_outcome = cursor.fetchone()
    guide.refresh_from_db()
    assert_sealed(raw_answers, guide.answers)
    assert_sealed(raw_outcome, guide.outcome)
    assert guide.answers["screening"]["phq9"]["q9"] == 0
    assert guide.outcome["scores"]["phq9"]["total"] == 12
    assert guide.outcome["choice"] == "peer_group"
    event = AuditEvent.objects.get(event="guide.saved")
    assert event.actor_id == member.pk
    assert event.changes == {"content_version": CONTENT_VERSION}


@pytest.mark.parametrize(
    "given",
    [{"safety_intent": "yes"}, {"screening": {"phq9": phq9(9, item9=2)}}],
    ids=["safety answer", "phq9 item 9"],
)
def test_saving_with_a_sign_of_risk_raises_a_flag(member, given):
    guide = actions.do_save_guide(member, answers(**given))
    flag = Flag.objects.get()
    assert flag.kind == FlagKind.CRITICAL_ANSWER
    assert flag.subject_id == member.pk and flag.level == "high" and flag.scope == "guide"
    assert flag.source_id == str(guide.pk)


def test_comparing_two_saves_shows_what_changed(member):
    first = actions.do_save_guide(member, answers(screening={"phq9": phq9(14)}, privacy="not"))
    second = actions.do_save_guide(
        member, answers(screening={"phq9": phq9(8), "gad7": items(6, 7)}, privacy="very")
    )
    assert actions.previous_guide(second) == first
    assert actions.previous_guide(first) is None
    answer_changes, score_changes = actions.compare(first, second)
    assert [(c.question, c.before, c.after) for c in answer_changes] == [
        ("Keeping what I share private", "Not important", "Very important")
    ]
    by_name = {s.name: s for s in score_changes}
    assert by_name["PHQ-9"].change == -6
    assert by_name["GAD-7"].before is None and by_name["GAD-7"].change is None


def test_deleting_a_saved_guide_is_audited(member):
    guide = actions.do_save_guide(member, answers())
    actions.do_delete_saved_guide(member, guide.pk)
    assert not SavedGuide.objects.exists()
    assert AuditEvent.objects.filter(event="guide.deleted", target_id=str(guide.pk)).exists()


def test_a_failing_next_step_source_does_not_break_the_guide(member, monkeypatch, caplog):
    from kindred.guide import nextsteps

    def broken(needs, user):
        raise RuntimeError("boom")

    monkeypatch.setitem(nextsteps.NEXT_STEP_SOURCES, "broken", broken)
    evaluation = actions.evaluate_guide(answers(safety_danger="yes"), member)
    assert evaluation.immediate_risk
    assert "broken" not in evaluation.next_steps and "space" in evaluation.next_steps
    assert "Next-step source 'broken' failed" in caplog.text


def test_reading_the_changes_audits_the_previous_guide_too(member):
    first = actions.do_save_guide(member, answers(screening={"phq9": phq9(14)}))
    second = actions.do_save_guide(member, answers(screening={"phq9": phq9(8)}))
    previous, _, scores = actions.changes_since_previous(second)
    assert previous == first and scores[0].change == -6
    assert AuditEvent.objects.filter(
        event="guide.savedguide.read", target_id=str(first.pk), actor_id=member.pk
    ).exists()
