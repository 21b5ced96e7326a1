"""The rules table, run against a table of cases: one per branch a clinician would check."""

from __future__ import annotations

import pytest

from kindred.guide.options import OPTIONS_BY_KEY, SOURCES
from kindred.guide.rules import RULES, RULES_BY_ID, Facts, evaluate
from kindred.guide.screening import score_screening
from kindred.measures.definitions import get_library
from tests.guide.conftest import answers, items, phq9

EVIDENCE_AND_SAFETY = {r.id for r in RULES if r.kind != "preference"}


def run(**overrides):
    given = answers(**overrides)
    scores = score_screening(given.screening, get_library())
    return evaluate(Facts(answers=given, scores=scores))


# (case, answers, rules that must fire (safety/evidence only), options suggested, risk)
CASES = [
    ("nothing but the safety check", {}, set(), (), False),
    (
        "safety: thoughts of ending life",
        {"safety_thoughts": "yes"},
        {"safety-answer"},
        (),
        True,
    ),
    ("safety: in danger now", {"safety_danger": "yes"}, {"safety-answer"}, (), True),
    (
        "safety: rather not say",
        {"safety_intent": "rather_not_say"},
        {"safety-not-said"},
        (),
        True,
    ),
    (
        "safety: PHQ-9 item 9 above zero",
        {"screening": {"phq2": items(4, 2), "phq9": phq9(8, item9=1)}},
        {"safety-phq9-item9", "depression-less-severe", "depression-less-severe-peer"},
        (),
        True,
    ),
    (
        "depression: PHQ-2 negative",
        {"screening": {"phq2": items(2, 2)}},
        {"phq2-negative"},
        (),
        False,
    ),
    (
        "depression: PHQ-2 positive, no PHQ-9",
        {"screening": {"phq2": items(3, 2)}},
        {"phq2-positive-no-phq9"},
        (),
        False,
    ),
    (
        "depression: PHQ-9 minimal (4)",
        {"screening": {"phq2": items(3, 2), "phq9": phq9(4)}},
        {"depression-minimal"},
        (),
        False,
    ),
    (
        "depression: less severe, lower edge (5)",
        {"screening": {"phq9": phq9(5)}},
        {"depression-less-severe", "depression-less-severe-peer"},
        (),
        False,
    ),
    (
        "depression: less severe, upper edge (15)",
        {"screening": {"phq9": phq9(15)}},
        {"depression-less-severe", "depression-less-severe-peer"},
        (),
        False,
    ),
    (
        "depression: more severe, lower edge (16)",
        {"screening": {"phq9": phq9(16)}},
        {"depression-more-severe"},
        ("therapy_cbt", "both"),
        False,
    ),
    (
        "depression: more severe (24)",
        {"screening": {"phq9": phq9(24, item9=0)}},
        {"depression-more-severe"},
        ("therapy_cbt", "both"),
        False,
    ),
    (
        "depression with a long-term illness (CG91)",
        {"topics": ["chronic-illness-pain"], "screening": {"phq9": phq9(10)}},
        {"depression-less-severe", "depression-less-severe-peer", "depression-chronic-illness"},
        ("peer_group",),
        False,
    ),
    (
        "anxiety: GAD-2 negative",
        {"screening": {"gad2": items(2, 2)}},
        {"gad2-negative"},
        (),
        False,
    ),
    (
        "anxiety: GAD-2 positive, no GAD-7",
        {"screening": {"gad2": items(3, 2)}},
        {"gad2-positive-no-gad7"},
        (),
        False,
    ),
    ("anxiety: GAD-7 minimal (4)", {"screening": {"gad7": items(4, 7)}}, set(), (), False),
    (
        "anxiety: step 1 (GAD-7 9)",
        {"screening": {"gad7": items(9, 7)}},
        {"anxiety-step-1"},
        (),
        False,
    ),
    (
        "anxiety: step 2 (GAD-7 10)",
        {"screening": {"gad7": items(10, 7)}},
        {"anxiety-step-2"},
        (),
        False,
    ),
    (
        "anxiety: step 3 by marked impairment (GAD-7 12)",
        {"impairment": "marked", "screening": {"gad7": items(12, 7)}},
        {"anxiety-step-3"},
        ("therapy_cbt", "both"),
        False,
    ),
    (
        "anxiety: step 3 by severity (GAD-7 15)",
        {"screening": {"gad7": items(15, 7)}},
        {"anxiety-step-3"},
        ("therapy_cbt", "both"),
        False,
    ),
    (
        "alcohol: AUDIT-C below the cut-off for men (3)",
        {"auditc_cutoff": "men", "screening": {"auditc": items(3, 3, top=4)}},
        set(),
        (),
        False,
    ),
    (
        "alcohol: AUDIT-C at the cut-off for women (3)",
        {"auditc_cutoff": "women", "screening": {"auditc": items(3, 3, top=4)}},
        {"alcohol-screen-positive"},
        (),
        False,
    ),
    (
        "alcohol: zone I (7)",
        {"screening": {"audit": items(7, 10, top=4)}},
        {"alcohol-zone-1"},
        (),
        False,
    ),
    (
        "alcohol: zone II (8)",
        {"screening": {"audit": items(8, 10, top=4)}},
        {"alcohol-zone-2"},
        (),
        False,
    ),
    (
        "alcohol: zone III (16)",
        {"screening": {"audit": items(16, 10, top=4)}},
        {"alcohol-zone-3"},
        ("both", "therapy_cbt"),
        False,
    ),
    (
        "alcohol: zone IV (20)",
        {"screening": {"audit": items(20, 10, top=4)}},
        {"alcohol-zone-4"},
        ("both",),
        False,
    ),
    ("a teenager", {"age_group": "teen"}, {"teen"}, (), False),
]


@pytest.mark.parametrize(
    ("given", "fired", "suggested", "risk"),
    [case[1:] for case in CASES],
    ids=[case[0] for case in CASES],
)
def test_the_rules_table(given, fired, suggested, risk):
    outcome = run(**given)
    assert {r.id for r in outcome.fired} & EVIDENCE_AND_SAFETY == fired
    assert set(outcome.suggested_options) == set(suggested)
    assert outcome.immediate_risk is risk


def test_every_branch_of_the_table_has_a_case():
    covered = set().union(*(case[2] for case in CASES))
    assert covered == EVIDENCE_AND_SAFETY


def test_every_rule_names_a_known_source_and_options_and_says_why():
    for rule in RULES:
        assert rule.source in SOURCES, rule.id
        assert all(key in OPTIONS_BY_KEY for key in rule.options), rule.id
        assert len(rule.reason) > 30 and len(rule.when) > 5, rule.id
    assert len(RULES_BY_ID) == len(RULES), "rule ids must be unique"


def test_safety_rules_rank_no_option():
    for rule in RULES:
        if rule.kind == "safety":
            assert rule.options == () and rule.strength == "crisis"


def test_every_option_is_always_shown_whatever_fires():
    outcome = run(
        safety_thoughts="yes",
        screening={"phq9": phq9(20)},
        lived_experience="very",
        max_fee="0",
    )
    assert {v.key for v in outcome.verdicts} == set(OPTIONS_BY_KEY)


def test_options_the_evidence_suggests_come_first():
    outcome = run(screening={"phq9": phq9(18)})
    assert {v.key for v in outcome.verdicts[:2]} == {"therapy_cbt", "both"}


def test_more_severe_depression_still_shows_peer_support_as_an_option_not_a_suggestion():
    outcome = run(screening={"phq9": phq9(18)}, lived_experience="very")
    peer = next(v for v in outcome.verdicts if v.key == "peer_group")
    assert peer.evidence is None
    assert [r.id for r in peer.fits] == ["wants-lived-experience"]


@pytest.mark.parametrize(
    ("given", "option", "fits", "poor_fits"),
    [
        ({"max_fee": "0"}, "peer_forum", {"free-only"}, set()),
        ({"max_fee": "0"}, "therapy_cbt", set(), {"free-only-therapy"}),
        ({"max_fee": "40"}, "therapy_cbt", set(), set()),
        ({"expertise": "very"}, "therapy_humanistic", {"wants-expertise"}, set()),
        ({"expertise": "not"}, "peer_one_to_one", {"no-expertise"}, set()),
        ({"privacy": "very"}, "peer_group", set(), {"privacy-group"}),
        ({"privacy": "very"}, "therapy_cbt", {"privacy-matters"}, set()),
        ({"style": "structured"}, "therapy_cbt", {"wants-structure"}, set()),
        ({"style": "informal"}, "therapy_cbt", set(), {"informal-cbt"}),
        ({"style": "informal"}, "peer_forum", {"wants-informal"}, set()),
        ({"formats": ["group"]}, "peer_group", {"wants-group"}, set()),
        ({"formats": ["one_to_one"]}, "therapy_psychodynamic", {"wants-one-to-one"}, set()),
        ({"formats": ["text"]}, "peer_forum", {"wants-writing"}, set()),
        ({"times": ["weekend"]}, "peer_forum", {"evenings-weekends"}, set()),
        ({"times": ["weekend", "weekday_daytime"]}, "peer_forum", set(), set()),
    ],
)
def test_preferences_change_how_each_option_fits(given, option, fits, poor_fits):
    verdict = next(v for v in run(**given).verdicts if v.key == option)
    assert {r.id for r in verdict.fits} == fits
    assert {r.id for r in verdict.poor_fits} == poor_fits


def test_the_documentation_lists_every_rule():
    from pathlib import Path

    from django.conf import settings

    text = (Path(settings.BASE_DIR) / "docs" / "decision-guide.md").read_text(encoding="utf-8")
    missing = [rule.id for rule in RULES if f"`{rule.id}`" not in text]
    assert not missing, f"docs/decision-guide.md does not list {missing}"
