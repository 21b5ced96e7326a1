from __future__ import annotations

import math
from datetime import date

import pytest

from kindred.measures.actions import do_submit_response
from kindred.measures.definitions import get_definition
from kindred.plans import actions
from kindred.plans.progress import get_progress, plan_gas_t_score
from tests.measures.builders import answers_for_raw

TODAY = date(2030, 1, 1)


def submit(member, total, assigned_by=None):
    do_submit_response(
        member, "phq9", answers_for_raw(get_definition("phq9"), total), assigned_by=assigned_by
    )


def test_measure_objective_progress_comes_from_real_responses(plan, member, member2):
    progress = get_progress(plan, plan.versions.get().parsed, TODAY)
    measure = progress.objectives[0]
    assert measure.current is None and measure.met is None
    submit(member, 18)
    submit(member, 12)
    submit(member2, 2)  # someone else's result never counts
    measure = get_progress(plan, plan.versions.get().parsed, TODAY).objectives[0]
    assert (measure.current, measure.met, measure.trend) == (12, False, (18, 12))
    assert measure.spark
    submit(member, 8)
    measure = get_progress(plan, plan.versions.get().parsed, TODAY).objectives[0]
    assert (measure.current, measure.met, measure.trend) == (8, True, (18, 12, 8))


def test_count_objective_uses_the_latest_recorded_value(plan, therapist):
    actions.do_record_objective_value(therapist, plan, 2, 1)
    count = get_progress(plan, plan.versions.get().parsed, TODAY).objectives[1]
    assert (count.current, count.met) == (1, False)
    actions.do_record_objective_value(therapist, plan, 2, 3)
    count = get_progress(plan, plan.versions.get().parsed, TODAY).objectives[1]
    assert (count.current, count.met) == (3, True)
    past = get_progress(plan, plan.versions.get().parsed, date(2031, 1, 1)).objectives[0]
    assert past.overdue


def test_gas_t_score_worked_example():
    # Two objectives at +1 and −1 cancel out: T = 50.
    assert plan_gas_t_score([1, -1]) == 50
    # Two objectives, both +1, ρ = 0.3, equal weights:
    # T = 50 + 10·2 / √(0.7·2 + 0.3·4) = 50 + 20/√2.6 ≈ 62.40
    assert plan_gas_t_score([1, 1]) == pytest.approx(50 + 20 / math.sqrt(2.6))
    assert plan_gas_t_score([1, 1]) == pytest.approx(62.4035, abs=1e-4)
    assert plan_gas_t_score([]) is None


def test_plan_gas_score_uses_the_latest_attainment_per_objective(plan, therapist):
    actions.do_score_attainment(therapist, plan, 1, -1)
    actions.do_score_attainment(therapist, plan, 1, 1)
    actions.do_score_attainment(therapist, plan, 2, 1)
    progress = get_progress(plan, plan.versions.get().parsed, TODAY)
    assert progress.scored == 2
    assert progress.gas_t == pytest.approx(62.4035, abs=1e-4)


def test_the_therapist_sees_progress_from_the_questionnaires_they_assigned_only(
    plan, member, therapist, therapist2
):
    from kindred.consent.actions import do_set_default_access
    from kindred.consent.visibility import THERAPIST_ASSIGNED_QUESTIONNAIRES

    submit(member, 18, assigned_by=therapist)
    submit(member, 4)  # taken alone
    submit(member, 3, assigned_by=therapist2)
    content = plan.versions.get().parsed
    mine = get_progress(plan, content, TODAY).objectives[0]
    assert mine.trend == (18, 4, 3)
    theirs = get_progress(plan, content, TODAY, for_therapist=True).objectives[0]
    assert (theirs.current, theirs.trend) == (18, (18,))

    do_set_default_access(member, THERAPIST_ASSIGNED_QUESTIONNAIRES.key, on=False)
    theirs = get_progress(plan, content, TODAY, for_therapist=True).objectives[0]
    assert (theirs.current, theirs.trend) == (None, ())
    assert get_progress(plan, content, TODAY).objectives[0].trend == (18, 4, 3)
