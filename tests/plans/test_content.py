from __future__ import annotations

import pytest

from kindred.measures.definitions import Op
from kindred.plans.content import (
    PlanTextError,
    differences,
    parse_plan_text,
    plain_target,
    render_text,
)
from tests.plans.conftest import PLAN_TEXT


def test_it_parses_the_hierarchy_and_targets():
    content = parse_plan_text(PLAN_TEXT)
    (problem,) = content.problems
    (goal,) = problem.goals
    first, second = goal.objectives
    assert first.measure is not None
    assert (first.measure.instrument, first.measure.op, first.measure.value) == (
        "phq9",
        Op.LT,
        10,
    )
    assert second.count is not None
    assert (second.count.op, second.count.value, second.count.unit) == (
        Op.GE,
        3,
        "walks per week",
    )
    assert [o.key for o in content.objectives()] == [1, 2]
    assert first.interventions[0].frequency == "weekly"
    assert "PHQ-9" in plain_target(first) and "below 10" in plain_target(first)


def test_rendered_text_parses_back_to_the_same_content():
    content = parse_plan_text(PLAN_TEXT)
    assert parse_plan_text(render_text(content), content) == content


def test_it_reports_every_error_with_its_line():
    with pytest.raises(PlanTextError) as exc:
        parse_plan_text(
            "Goal: orphan\nProblem: p\nGoal: g\n"
            "Objective: x | measure nosuch < 3 | by 2030-01-01\n"
            "Objective: y | count >= 3 | soon\n"
            "Something else\n"
        )
    text = " ".join(exc.value.errors)
    for n in (1, 4, 5, 6):
        assert f"Line {n}:" in text


def test_objectives_keep_their_key_across_revisions_and_new_ones_get_fresh_keys():
    v1 = parse_plan_text(PLAN_TEXT)
    text = PLAN_TEXT.replace(
        "Objective: Depression score",
        "Objective: Sleep 7 hours | count >= 5 nights | by 2030-08-01\nObjective: Depression score",
    ).replace("Walk outside", "Walk in the park")
    v2 = parse_plan_text(text, v1)
    keys = {o.text: o.key for o in v2.objectives()}
    assert keys["Depression score in the mild range"] == 1
    assert keys["Sleep 7 hours"] == 3
    assert keys["Walk in the park"] == 4
    changes = differences(v1, v2, old_extra=[], new_extra=[])
    assert any(c.startswith("Added: Objective: Sleep 7 hours") for c in changes)
    assert any(c.startswith("Removed: Objective: Walk outside") for c in changes)
