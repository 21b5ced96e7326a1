"""Reference vectors for every shipped instrument, missing-item rules and properties.

The expected bands below are copied from the published tables (cited per instrument in
its JSON file), not read back from the definitions, so a wrong file fails here.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kindred.measures.definitions import get_definition, get_library
from kindred.measures.scoring import IncompleteResponse, ScoringError, score
from tests.measures.builders import answers_for_raw, highest, lowest

# (raw item sum, expected total, expected band) at the scale ends and on both sides of
# every published band boundary.
REFERENCE = {
    # Kroenke 2001: 0–4 minimal, 5–9 mild, 10–14 moderate, 15–19 mod. severe, 20–27 severe.
    "phq9": [
        (0, 0, "minimal"),
        (4, 4, "minimal"),
        (5, 5, "mild"),
        (9, 9, "mild"),
        (10, 10, "moderate"),
        (14, 14, "moderate"),
        (15, 15, "moderately_severe"),
        (19, 19, "moderately_severe"),
        (20, 20, "severe"),
        (27, 27, "severe"),
    ],
    # Kroenke 2003: positive at ≥ 3.
    "phq2": [(0, 0, "negative"), (2, 2, "negative"), (3, 3, "positive"), (6, 6, "positive")],
    # Spitzer 2006: cut-points 5, 10, 15.
    "gad7": [
        (0, 0, "minimal"),
        (4, 4, "minimal"),
        (5, 5, "mild"),
        (9, 9, "mild"),
        (10, 10, "moderate"),
        (14, 14, "moderate"),
        (15, 15, "severe"),
        (21, 21, "severe"),
    ],
    # Kroenke 2007: positive at ≥ 3.
    "gad2": [(0, 0, "negative"), (2, 2, "negative"), (3, 3, "positive"), (6, 6, "positive")],
    # Topp 2015: percentage = raw × 4; ≤ 28 likely depression, ≤ 50 poor wellbeing.
    # raw 7 → 28, raw 8 → 32, raw 12 → 48, raw 13 → 52.
    "who5": [
        (0, 0, "likely_depression"),
        (7, 28, "likely_depression"),
        (8, 32, "poor_wellbeing"),
        (12, 48, "poor_wellbeing"),
        (13, 52, "not_poor"),
        (25, 100, "not_poor"),
    ],
    # Babor 2001 zones: 0–7, 8–15, 16–19, 20–40.
    "audit": [
        (0, 0, "zone_1"),
        (7, 7, "zone_1"),
        (8, 8, "zone_2"),
        (15, 15, "zone_2"),
        (16, 16, "zone_3"),
        (19, 19, "zone_3"),
        (20, 20, "zone_4"),
        (40, 40, "zone_4"),
    ],
    # Bradley 2007: ≥ 3 women, ≥ 4 men.
    "auditc": [
        (0, 0, "negative"),
        (2, 2, "negative"),
        (3, 3, "positive_women"),
        (4, 4, "positive"),
        (12, 12, "positive"),
    ],
    # NCPTSD: provisional PTSD cut-point range 31–33.
    "pcl5": [
        (0, 0, "below_cutpoint"),
        (30, 30, "below_cutpoint"),
        (31, 31, "cutpoint_range"),
        (33, 33, "cutpoint_range"),
        (34, 34, "probable_ptsd"),
        (80, 80, "probable_ptsd"),
    ],
    # Skinner 1982: 0, 1–2, 3–5, 6–8, 9–10.
    "dast10": [
        (0, 0, "none"),
        (1, 1, "low"),
        (2, 2, "low"),
        (3, 3, "moderate"),
        (5, 5, "moderate"),
        (6, 6, "substantial"),
        (8, 8, "substantial"),
        (9, 9, "severe"),
        (10, 10, "severe"),
    ],
}

CASES = [(iid, raw, total, band) for iid, rows in REFERENCE.items() for raw, total, band in rows]


def test_every_shipped_instrument_has_reference_vectors():
    assert set(REFERENCE) == set(get_library())


@pytest.mark.parametrize(("instrument_id", "raw", "total", "band"), CASES)
def test_it_scores_the_band_boundaries(instrument_id, raw, total, band):
    definition = get_definition(instrument_id)
    result = score(definition, answers_for_raw(definition, raw))
    assert (result.total, result.band.key, result.prorated, result.missing) == (
        total,
        band,
        False,
        (),
    )


@pytest.mark.parametrize(
    ("instrument_id", "minimum", "maximum"),
    [
        ("phq9", 0, 27),
        ("phq2", 0, 6),
        ("gad7", 0, 21),
        ("gad2", 0, 6),
        ("who5", 0, 100),
        ("audit", 0, 40),
        ("auditc", 0, 12),
        ("pcl5", 0, 80),
        ("dast10", 0, 10),
    ],
)
def test_it_scores_the_lowest_and_highest_answers(instrument_id, minimum, maximum):
    definition = get_definition(instrument_id)
    assert score(definition, lowest(definition)).total == minimum
    assert score(definition, highest(definition)).total == maximum


# Hand-computed vectors, one or more per instrument.
HAND = [
    # PHQ-9: 1+2+3+0+1+2+3+0+0 = 12 → moderate (10–14).
    (
        "phq9",
        {"q1": 1, "q2": 2, "q3": 3, "q4": 0, "q5": 1, "q6": 2, "q7": 3, "q8": 0, "q9": 0},
        12,
        "moderate",
    ),
    # PHQ-2: 2+1 = 3 → positive.
    ("phq2", {"q1": 2, "q2": 1}, 3, "positive"),
    # GAD-7: 2+2+1+1+0+1+1 = 8 → mild (5–9).
    ("gad7", {"q1": 2, "q2": 2, "q3": 1, "q4": 1, "q5": 0, "q6": 1, "q7": 1}, 8, "mild"),
    # GAD-2: 1+1 = 2 → negative.
    ("gad2", {"q1": 1, "q2": 1}, 2, "negative"),
    # WHO-5: (3+2+2+1+4) = 12 raw × 4 = 48 → poor wellbeing.
    ("who5", {"q1": 3, "q2": 2, "q3": 2, "q4": 1, "q5": 4}, 48, "poor_wellbeing"),
    # AUDIT: 3+2+2+1+1+0+1+0 + 2 + 4 = 16 → zone III.
    (
        "audit",
        {"q1": 3, "q2": 2, "q3": 2, "q4": 1, "q5": 1, "q6": 0, "q7": 1, "q8": 0, "q9": 2, "q10": 4},
        16,
        "zone_3",
    ),
    # AUDIT-C: 2+1+0 = 3 → positive for women only.
    ("auditc", {"q1": 2, "q2": 1, "q3": 0}, 3, "positive_women"),
    # PCL-5: ten 2s and ten 1s = 30 → just below the cut-point.
    ("pcl5", {f"q{n}": 2 if n <= 10 else 1 for n in range(1, 21)}, 30, "below_cutpoint"),
    # DAST-10: q1 yes, q2 yes, q3 "No" (reverse: 1), rest no = 3 → moderate.
    ("dast10", {"q1": 1, "q2": 1, "q3": 1} | {f"q{n}": 0 for n in range(4, 11)}, 3, "moderate"),
    # DAST-10: all "No" answers, so q3 "No" scores 1 → low.
    ("dast10", {"q3": 1} | {f"q{n}": 0 for n in range(1, 11) if n != 3}, 1, "low"),
]


@pytest.mark.parametrize(("instrument_id", "answers", "total", "band"), HAND)
def test_it_scores_hand_computed_vectors(instrument_id, answers, total, band):
    result = score(get_definition(instrument_id), answers)
    assert (result.total, result.band.key) == (total, band)


@pytest.mark.parametrize(
    ("instrument_id", "total", "met"),
    [
        ("phq2", 2, ()),
        ("phq2", 3, ("positive_screen",)),
        ("gad2", 3, ("positive_screen",)),
        ("phq9", 9, ()),
        ("phq9", 10, ("major_depression_cutpoint", "talking_therapies_case")),
        ("gad7", 7, ()),
        ("gad7", 8, ("talking_therapies_case",)),
        ("gad7", 10, ("gad_cutpoint", "talking_therapies_case")),
        ("who5", 7, ("poor_wellbeing", "likely_depression")),  # raw 7 = 28%
        ("who5", 8, ("poor_wellbeing",)),  # 32%
        ("who5", 13, ()),  # 52%
        ("audit", 7, ()),
        ("audit", 8, ("hazardous",)),
        ("auditc", 2, ()),
        ("auditc", 3, ("positive_women",)),
        ("auditc", 4, ("positive_men", "positive_women")),
        ("pcl5", 30, ()),
        ("pcl5", 31, ("provisional_ptsd_31",)),
        ("pcl5", 33, ("provisional_ptsd_31", "provisional_ptsd_33")),
        ("dast10", 2, ()),
        ("dast10", 3, ("further_assessment",)),
    ],
)
def test_it_reports_the_published_cut_points_met(instrument_id, total, met):
    # ``total`` here is the raw item sum (WHO-5 rows note the percentage).
    definition = get_definition(instrument_id)
    assert score(definition, answers_for_raw(definition, total)).thresholds_met == met


# --- critical items -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "label"),
    [(1, "Several days"), (2, "More than half the days"), (3, "Nearly every day")],
)
def test_phq9_item_9_above_zero_is_critical(phq9, value, label):
    answers = lowest(phq9) | {"q9": value}
    (hit,) = score(phq9, answers).critical_items_triggered
    assert (hit.item_id, hit.number, hit.value, hit.label) == ("q9", 9, value, label)


def test_phq9_item_9_at_zero_is_not_critical_even_at_the_maximum_elsewhere(phq9):
    answers = highest(phq9) | {"q9": 0}
    result = score(phq9, answers)
    assert result.total == 24
    assert result.critical_items_triggered == ()


@pytest.mark.parametrize(
    "instrument_id", ["phq2", "gad7", "gad2", "who5", "audit", "auditc", "pcl5", "dast10"]
)
def test_other_instruments_have_no_critical_items(instrument_id):
    definition = get_definition(instrument_id)
    for answers in (lowest(definition), highest(definition)):
        assert score(definition, answers).critical_items_triggered == ()


# --- missing items ----------------------------------------------------------------------


def test_phq9_prorates_one_missing_item(phq9):
    # 8 answered items of 2 = 16; 16 × 9/8 = 18 → moderately severe.
    answers = {f"q{n}": 2 for n in range(2, 10)}
    result = score(phq9, answers)
    assert (result.total, result.band.key, result.prorated, result.missing) == (
        18,
        "moderately_severe",
        True,
        ("q1",),
    )


def test_phq9_prorates_two_missing_items(phq9):
    # 7 answered items of 1 = 7; 7 × 9/7 = 9 → mild.
    answers = {f"q{n}": 1 for n in range(3, 10)} | {"q1": None}
    result = score(phq9, answers)
    assert (result.total, result.band.key, result.prorated, result.missing) == (
        9,
        "mild",
        True,
        ("q1", "q2"),
    )


def test_phq9_prorating_rounds_half_up_and_says_item_9_was_not_answered(phq9):
    # 8 answered summing to 4: 4 × 9/8 = 4.5 → 5 (mild, not minimal).
    answers = {"q1": 1, "q2": 1, "q3": 1, "q4": 1, "q5": 0, "q6": 0, "q7": 0, "q8": 0}
    result = score(phq9, answers)
    assert (result.total, result.band.key) == (5, "mild")
    assert result.critical_items_unanswered == ("q9",)
    assert result.critical_items_triggered == ()


def test_phq9_refuses_three_missing_items(phq9):
    answers = {f"q{n}": 1 for n in range(4, 10)}
    with pytest.raises(IncompleteResponse, match=r"3 items unanswered \(1, 2, 3\).*at most 2"):
        score(phq9, answers)


@pytest.mark.parametrize(
    "instrument_id", ["phq2", "gad7", "gad2", "who5", "audit", "auditc", "pcl5", "dast10"]
)
def test_instruments_without_a_manual_rule_refuse_any_missing_item(instrument_id):
    definition = get_definition(instrument_id)
    answers = highest(definition)
    del answers[definition.items[-1].id]
    with pytest.raises(IncompleteResponse, match="gives no rule"):
        score(definition, answers)


def test_audit_scores_skipped_items_as_zero_after_never_drinking():
    # Q1 "Never" → skip to Q9–10 (Babor 2001): 0 + 0 (Q2–8) + 2 + 0 = 2.
    result = score(get_definition("audit"), {"q1": 0, "q9": 2, "q10": 0})
    assert (result.total, result.missing, result.prorated) == (2, (), False)


def test_audit_scores_items_4_to_8_as_zero_when_items_2_and_3_are_zero():
    # Q2 + Q3 = 0 → skip to Q9–10: 3 + 0 + 0 + 0 (Q4–8) + 4 + 2 = 9 → zone II.
    result = score(get_definition("audit"), {"q1": 3, "q2": 0, "q3": 0, "q9": 4, "q10": 2})
    assert (result.total, result.band.key, result.missing) == (9, "zone_2", ())


def test_audit_without_a_skip_condition_still_needs_every_item():
    with pytest.raises(IncompleteResponse, match=r"item\(s\) 4, 5, 6, 7, 8"):
        score(get_definition("audit"), {"q1": 3, "q2": 1, "q3": 0, "q9": 0, "q10": 0})


def test_auditc_never_drinking_scores_zero():
    result = score(get_definition("auditc"), {"q1": 0})
    assert (result.total, result.band.key, result.missing) == (0, "negative", ())


# --- invalid answers --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"q1": 4}, r"PHQ-9 item 1: 4 is not a valid answer; allowed values are 0, 1, 2, 3"),
        ({"q1": -1}, r"item 1: -1 is not a valid answer"),
        ({"q1": True}, r"item 1: True is not a valid answer"),
        ({"q1": "2"}, r"item 1: '2' is not a valid answer"),
        ({"q1": 1.0}, r"item 1: 1.0 is not a valid answer"),
        ({"q10": 1}, r"PHQ-9 has no item\(s\) q10"),
        ({1: 1}, r"PHQ-9 has no item\(s\) 1"),
    ],
)
def test_it_rejects_out_of_range_answers(phq9, answers, message):
    with pytest.raises(ScoringError, match=message):
        score(phq9, lowest(phq9) | answers)


def test_it_rejects_a_value_between_the_audit_harm_options():
    definition = get_definition("audit")
    with pytest.raises(
        ScoringError, match="item 9: 1 is not a valid answer; allowed values are 0, 2, 4"
    ):
        score(definition, lowest(definition) | {"q9": 1})


# --- properties -----------------------------------------------------------------------


def complete_answers(definition):
    return st.fixed_dictionaries(
        {
            item.id: st.sampled_from([o.value for o in definition.options_for(item)])
            for item in definition.items
        }
    )


@pytest.mark.parametrize("instrument_id", sorted(REFERENCE))
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_scores_stay_in_range_and_in_their_band(instrument_id, data):
    definition = get_definition(instrument_id)
    answers = data.draw(complete_answers(definition))
    result = score(definition, answers)
    assert definition.scoring.min <= result.total <= definition.scoring.max
    assert result.total == sum(answers.values()) * definition.scoring.multiplier
    assert result.band.min <= result.total <= result.band.max


@pytest.mark.parametrize("instrument_id", sorted(REFERENCE))
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_scores_never_fall_when_one_answer_rises(instrument_id, data):
    definition = get_definition(instrument_id)
    answers = data.draw(complete_answers(definition))
    item = data.draw(st.sampled_from(definition.items))
    higher = [o.value for o in definition.options_for(item) if o.value >= answers[item.id]]
    raised = answers | {item.id: data.draw(st.sampled_from(higher))}
    assert score(definition, raised).total >= score(definition, answers).total


def test_reverse_scored_items_score_the_yes_end_lowest():
    # DAST-10 Q3 "Are you always able to stop…?": "Yes" is the healthy answer.
    definition = get_definition("dast10")
    reverse = [item for item in definition.items if item.reverse_scored]
    assert [item.number for item in reverse] == [3]
    base = lowest(definition)
    by_label = {o.label: o.value for o in definition.options_for(reverse[0])}
    assert (
        score(definition, base | {"q3": by_label["Yes"]}).total
        < score(definition, base | {"q3": by_label["No"]}).total
    )
    for item in definition.items:
        if not item.reverse_scored:
            labels = {o.label: o.value for o in definition.options_for(item)}
            assert labels["Yes"] > labels["No"]


@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_prorated_phq9_scores_stay_in_range(data):
    definition = get_definition("phq9")
    answers = data.draw(complete_answers(definition))
    dropped = data.draw(st.sets(st.sampled_from(definition.item_ids), max_size=2))
    result = score(definition, {k: v for k, v in answers.items() if k not in dropped})
    assert 0 <= result.total <= 27
    assert result.prorated == bool(dropped)
    assert set(result.missing) == dropped
