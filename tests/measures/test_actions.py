"""Submitting a questionnaire: stored encrypted, audited without answers, flagged when critical."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from kindred.audit.models import AuditEvent
from kindred.measures.actions import do_submit_response
from kindred.measures.availability import InstrumentUnavailable, do_confirm_licence
from kindred.measures.models import Response
from kindred.measures.scoring import IncompleteResponse, ScoringError
from kindred.safety.models import Flag, FlagKind

pytestmark = pytest.mark.django_db

# 0+1+2+3+0+1+2+3 = 12, plus item 9.
PHQ9 = {"q1": 0, "q2": 1, "q3": 2, "q4": 3, "q5": 0, "q6": 1, "q7": 2, "q8": 3}


def raw_answers_column(response_id):
    with connection.cursor() as cursor:
        cursor.execute("SELECT answers FROM measures_response WHERE id = %s", [response_id])
        return cursor.fetchone()[0]


def test_it_stores_scores_and_encrypts_the_answers(member):
    outcome = do_submit_response(member, "phq9", PHQ9 | {"q9": 0})
    response = Response.objects.get()
    assert (response.member, response.instrument_id, response.instrument_version) == (
        member,
        "phq9",
        "1",
    )
    assert (response.total, response.band, response.prorated) == (12, "moderate", False)
    assert response.answers == PHQ9 | {"q9": 0}
    raw = raw_answers_column(response.pk)
    assert '"q9"' not in raw and json.dumps(PHQ9, sort_keys=True)[:20] not in raw
    assert outcome.response == response and outcome.score.total == 12


def test_the_audit_row_has_the_instrument_and_total_but_no_answers(member):
    outcome = do_submit_response(member, "phq9", PHQ9 | {"q9": 0})
    event = AuditEvent.objects.get(event="measures.response_submitted")
    assert (event.actor_id, event.target_type, event.target_id) == (
        member.pk,
        "measures.response",
        str(outcome.response.pk),
    )
    assert event.changes == {"instrument": "phq9", "version": "1", "total": 12}


def test_item_9_at_zero_raises_no_flag(member):
    outcome = do_submit_response(member, "phq9", PHQ9 | {"q9": 0})
    assert not Flag.objects.exists()
    assert outcome.flags == ()
    assert outcome.show_crisis_resources is False


def test_item_9_above_zero_raises_exactly_one_high_critical_answer_flag(member, moderator):
    outcome = do_submit_response(member, "phq9", PHQ9 | {"q9": 1})
    flag = Flag.objects.get()
    assert (flag.kind, flag.level, flag.subject, flag.scope) == (
        FlagKind.CRITICAL_ANSWER,
        "high",
        member,
        "measures",
    )
    assert (flag.source_type, flag.source_id) == ("measures.response", str(outcome.response.pk))
    assert flag.text == "PHQ-9 item 9 answered “Several days”"
    assert flag.context == "Questionnaire: PHQ-9"
    assert outcome.flags == (flag,)
    assert outcome.show_crisis_resources is True
    assert AuditEvent.objects.filter(event="safety.flag_raised").count() == 1


def test_a_prorated_form_without_item_9_raises_no_flag_but_says_so(member):
    outcome = do_submit_response(member, "phq9", PHQ9)
    # 12 × 9/8 = 13.5 → 14 (moderate).
    assert (outcome.response.total, outcome.response.prorated) == (14, True)
    assert outcome.score.critical_items_unanswered == ("q9",)
    assert not Flag.objects.exists()
    assert outcome.response.answers == PHQ9


def test_other_instruments_never_flag(member):
    outcome = do_submit_response(member, "gad7", {f"q{n}": 3 for n in range(1, 8)})
    assert (outcome.response.total, outcome.response.band) == (21, "severe")
    assert not Flag.objects.exists()
    assert outcome.show_crisis_resources is False


def test_it_records_who_assigned_the_questionnaire(member, therapist):
    outcome = do_submit_response(
        member, "who5", {f"q{n}": 3 for n in range(1, 6)}, assigned_by=therapist
    )
    outcome.response.refresh_from_db()
    assert (outcome.response.total, outcome.response.assigned_by) == (60, therapist)


@pytest.mark.parametrize(
    ("answers", "error"),
    [
        (PHQ9 | {"q9": 7}, ScoringError),
        ({"q1": 1}, IncompleteResponse),
    ],
)
def test_answers_that_cannot_be_scored_store_nothing(member, answers, error):
    with pytest.raises(error):
        do_submit_response(member, "phq9", answers)
    assert not Response.objects.exists()
    assert not AuditEvent.objects.filter(event="measures.response_submitted").exists()


def test_dast10_cannot_be_submitted_until_its_licence_is_confirmed(member, staff):
    answers = {f"q{n}": 0 for n in range(1, 11)}
    with pytest.raises(InstrumentUnavailable):
        do_submit_response(member, "dast10", answers)
    assert not Response.objects.exists()
    do_confirm_licence(staff, "dast10")
    # All "No": only Q3 (reverse-scored) counts → 1, low.
    outcome = do_submit_response(member, "dast10", answers | {"q3": 1})
    assert (outcome.response.total, outcome.response.band) == (1, "low")


def test_a_flagged_submission_is_bounded_in_queries(
    member, moderator, django_assert_max_num_queries
):
    # +1 over the plain flag path: looking up the member's treating therapists; +5: the
    # audit row saying where the clinical flag was routed (here: on-call, no therapist).
    with django_assert_max_num_queries(31):
        do_submit_response(member, "phq9", PHQ9 | {"q9": 3})


def test_a_critical_answer_also_reaches_the_treating_therapist(db, member, therapist, therapist2):
    from datetime import timedelta

    from django.utils import timezone

    from kindred.bookings.models import Booking
    from kindred.core.models import Notification
    from kindred.measures.actions import do_submit_response

    start = timezone.now() + timedelta(days=2)
    Booking.objects.create(
        therapist=therapist, member=member, starts_at=start, ends_at=start + timedelta(minutes=50)
    )
    answers = {f"q{i}": 0 for i in range(1, 9)} | {"q9": 1}
    do_submit_response(member, "phq9", answers)
    note = Notification.objects.get(recipient=therapist, kind="measures.critical_answer")
    assert note.url == f"/therapist/measures/{member.pk}/"
    assert "Several days" not in note.title  # no answer content in the notification
    assert not Notification.objects.filter(recipient=therapist2).exists()
    # No therapist, no therapist notification — the moderators' flag still rises.
    do_submit_response(member, "phq9", {f"q{i}": 0 for i in range(1, 9)} | {"q9": 0})
    assert Notification.objects.filter(kind="measures.critical_answer").count() == 1
