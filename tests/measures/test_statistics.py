"""Reliable change, NHS Talking Therapies outcomes, response/remission and GAS T-scores.

Worked examples are computed by hand in the comments, from the values stored in the
instrument files.
"""

from __future__ import annotations

import pytest

from kindred.measures.definitions import get_definition
from kindred.measures.statistics import (
    Goal,
    StatisticsError,
    gas_t_score,
    is_phq9_remission,
    is_response,
    reliable_change,
    se_difference,
    talking_therapies_outcome,
)


def test_the_stored_reliable_change_parameters_are_the_ones_worked_below():
    phq9 = get_definition("phq9").reliable_change
    gad7 = get_definition("gad7").reliable_change
    assert phq9 is not None and (phq9.sd, phq9.reliability) == (3.52, 0.87)
    assert gad7 is not None and (gad7.sd, gad7.reliability) == (3.41, 0.89)


# PHQ-9: SD 3.52, r 0.87 (Kocalevent 2013).
#   √2 = 1.414214, √(1 − 0.87) = √0.13 = 0.360555
#   SEdiff = 3.52 × 1.414214 × 0.360555 = 3.52 × 0.509902 = 1.794855
#   Reliable when |Δ| > 1.96 × 1.794855 = 3.5179, i.e. a change of 4 or more points.
def test_phq9_standard_error_of_the_difference():
    assert se_difference(get_definition("phq9")) == pytest.approx(1.794855, abs=1e-6)


@pytest.mark.parametrize(
    ("before", "after", "rci", "reliable", "improved", "deteriorated"),
    [
        # 18 → 12: RCI = −6 / 1.794855 = −3.342889 → reliable improvement.
        (18, 12, -3.342889, True, True, False),
        # 15 → 11: RCI = −4 / 1.794855 = −2.228592 → reliable improvement (just).
        (15, 11, -2.228592, True, True, False),
        # 12 → 9: RCI = −3 / 1.794855 = −1.671444 → within measurement error.
        (12, 9, -1.671444, False, False, False),
        # 10 → 14: RCI = +4 / 1.794855 = +2.228592 → reliable deterioration.
        (10, 14, 2.228592, True, False, True),
        (7, 7, 0.0, False, False, False),
    ],
)
def test_phq9_reliable_change(before, after, rci, reliable, improved, deteriorated):
    result = reliable_change(get_definition("phq9"), before, after)
    assert result.change == after - before
    assert result.rci == pytest.approx(rci, abs=1e-5)
    assert (result.reliable, result.improved, result.deteriorated) == (
        reliable,
        improved,
        deteriorated,
    )


# GAD-7: SD 3.41, r 0.89 (Löwe 2008).
#   √(1 − 0.89) = √0.11 = 0.331662
#   SEdiff = 3.41 × 1.414214 × 0.331662 = 3.41 × 0.469042 = 1.599432
#   14 → 10: RCI = −4 / 1.599432 = −2.500888 → reliable; 14 → 11: −3 / 1.599432 = −1.875666 → not.
@pytest.mark.parametrize(
    ("after", "rci", "reliable"), [(10, -2.500888, True), (11, -1.875666, False)]
)
def test_gad7_reliable_change(after, rci, reliable):
    definition = get_definition("gad7")
    assert se_difference(definition) == pytest.approx(1.599432, abs=1e-6)
    result = reliable_change(definition, 14, after)
    assert result.rci == pytest.approx(rci, abs=1e-5)
    assert result.reliable is reliable
    assert result.improved is reliable


@pytest.mark.parametrize("instrument_id", ["who5", "pcl5", "audit", "phq2"])
def test_reliable_change_needs_stored_parameters(instrument_id):
    with pytest.raises(StatisticsError, match="no stored reliability and SD"):
        reliable_change(get_definition(instrument_id), 0, 4)


@pytest.mark.parametrize(("before", "after"), [(-1, 5), (5, 28)])
def test_reliable_change_rejects_totals_off_the_scale(before, after):
    with pytest.raises(StatisticsError, match="totals run 0–27"):
        reliable_change(get_definition("phq9"), before, after)


# --- NHS Talking Therapies ------------------------------------------------------------
# Case: PHQ-9 ≥ 10 or GAD-7 ≥ 8. Reliable change: PHQ-9 6, GAD-7 4.


@pytest.mark.parametrize(
    ("phq9", "gad7", "expected"),
    [
        # Both drop reliably (10 ≥ 6, 6 ≥ 4); case at start (18 ≥ 10), not at end (8 < 10,
        # 6 < 8) → recovered, reliably.
        ((18, 8), (12, 6), (True, False, True, False, True, True)),
        # Case at start, below both thresholds at the end, but drops of 3 and 2 are not
        # reliable → recovery without reliable recovery.
        ((12, 9), (9, 7), (True, False, False, False, True, False)),
        # PHQ-9 improves reliably (−7) but GAD-7 deteriorates reliably (+5) → neither;
        # GAD-7 11 ≥ 8 keeps them a case.
        ((15, 8), (6, 11), (True, True, False, False, False, False)),
        # Not a case at start (8 < 10, 7 < 8) → recovery not applicable (None), but the
        # PHQ-9 drop of exactly 6 is still reliable improvement.
        ((8, 2), (7, 1), (False, False, True, False, None, None)),
        # Reliable deterioration: PHQ-9 +6, GAD-7 +2.
        ((5, 11), (4, 6), (False, True, False, True, None, None)),
        # Boundaries: a GAD-7 of exactly 8 is a case; PHQ-9 drop of 5 is not reliable,
        # GAD-7 drop of exactly 4 is.
        ((9, 4), (8, 4), (True, False, True, False, True, True)),
    ],
)
def test_talking_therapies_outcomes(phq9, gad7, expected):
    outcome = talking_therapies_outcome(phq9=phq9, gad7=gad7)
    assert (
        outcome.case_at_start,
        outcome.case_at_end,
        outcome.reliable_improvement,
        outcome.reliable_deterioration,
        outcome.recovery,
        outcome.reliable_recovery,
    ) == expected


def test_talking_therapies_outcome_rejects_totals_off_the_scale():
    with pytest.raises(StatisticsError, match="GAD-7 totals run 0–21"):
        talking_therapies_outcome(phq9=(10, 5), gad7=(22, 3))


# --- response and remission -----------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        (20, 10, True),  # (20 − 10) / 20 = 50% → response
        (20, 11, False),  # 45%
        (9, 4, True),  # 5/9 = 56%
        (0, 0, False),  # nothing to reduce
        (10, 12, False),
    ],
)
def test_response_is_a_halving(first, last, expected):
    assert is_response(get_definition("phq9"), first, last) is expected


def test_response_is_not_defined_for_wellbeing_scales():
    with pytest.raises(StatisticsError, match="symptom measures"):
        is_response(get_definition("who5"), 40, 80)


@pytest.mark.parametrize(("total", "expected"), [(0, True), (4, True), (5, False), (27, False)])
def test_phq9_remission_is_below_five(total, expected):
    assert is_phq9_remission(total) is expected


# --- Goal Attainment Scaling ----------------------------------------------------------
# T = 50 + 10·Σwx / √((1 − ρ)Σw² + ρ(Σw)²), ρ = 0.3.


@pytest.mark.parametrize(
    ("goals", "expected"),
    [
        # All as expected: Σwx = 0 → T = 50.
        ([Goal(0), Goal(0), Goal(0)], 50.0),
        # Balanced: +1, 0, −1 → Σwx = 0 → T = 50.
        ([Goal(1), Goal(0), Goal(-1)], 50.0),
        # One goal at +2: denominator √(0.7·1 + 0.3·1) = 1 → T = 50 + 20 = 70.
        ([Goal(2)], 70.0),
        # +2, +1, 0 unweighted: Σwx = 3, Σw² = 3, (Σw)² = 9;
        # √(0.7·3 + 0.3·9) = √4.8 = 2.190890 → T = 50 + 30 / 2.190890 = 63.693064.
        ([Goal(2), Goal(1), Goal(0)], 63.693064),
        # Weights 2 and 1 at +1 and −1: Σwx = 1, Σw² = 5, (Σw)² = 9;
        # √(3.5 + 2.7) = √6.2 = 2.489980 → T = 50 + 10 / 2.489980 = 54.016097.
        ([Goal(1, weight=2), Goal(-1)], 54.016097),
        # −1, −1: Σwx = −2, Σw² = 2, (Σw)² = 4; √(1.4 + 1.2) = √2.6 = 1.612452
        # → T = 50 − 20 / 1.612452 = 37.596527.
        ([Goal(-1), Goal(-1)], 37.596527),
    ],
)
def test_gas_t_score_worked_examples(goals, expected):
    assert gas_t_score(goals) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    ("goals", "message"),
    [
        ([], "at least one goal"),
        ([Goal(3)], "−2…\\+2"),
        ([Goal(1, weight=0)], "positive"),
    ],
)
def test_gas_rejects_bad_goals(goals, message):
    with pytest.raises(StatisticsError, match=message):
        gas_t_score(goals)
