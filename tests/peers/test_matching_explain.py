import re

import numpy as np
import pytest
from hypothesis import given, settings

from kindred.peers.matching.explain import (
    THEME_LABELS,
    describe_slots,
    explain,
    story_themes,
)
from kindred.peers.matching.profile import MatchProfile
from kindred.peers.matching.score import Score, hybrid_score
from kindred.peers.taxonomy import AVAILABILITY_SLOTS, TAGS
from tests.peers.test_matching_strategies import profiles


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My mum died in March and I keep reaching for the phone.", {"lost_parent"}),
        ("Lost my dad two years ago, grief still comes in waves.", {"lost_parent", "grief"}),
        ("My husband passed away suddenly in the spring.", {"lost_partner"}),
        ("I haven't had a drink in 40 days and the evenings are the hardest.", {"early_recovery"}),
        ("Six years sober this May.", {"long_recovery"}),
        ("I was made redundant after 22 years at the plant.", {"job_loss"}),
        ("I'm the main carer for my wife who has dementia.", {"caring", "dementia"}),
        ("Diagnosed with MS last month and still taking it in.", {"new_diagnosis"}),
        ("I get panic attacks on the bus.", {"panic"}),
    ],
)
def test_story_themes_finds_first_person_experiences(text, expected):
    assert expected <= story_themes(text)


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("I haven't lost anyone, but my anxiety has been awful.", {"lost_parent", "grief"}),
        ("Luckily I have never been made redundant.", {"job_loss"}),
        ("I was never diagnosed with anything, I just feel flat.", {"new_diagnosis"}),
        ("I'm not a carer, my sister does all of that.", {"caring"}),
        ("I don't get panic attacks, just a low hum of worry.", {"panic"}),
        ("Her mum died last year and I didn't know what to say.", {"lost_parent"}),
        ("I lost my keys and my temper today.", {"lost_parent", "lost_partner", "job_loss"}),
        ("I'm drinking in the last chance saloon of this job.", {"early_recovery"}),
    ],
)
def test_story_themes_ignores_negated_and_other_peoples_experiences(text, absent):
    assert not (absent & story_themes(text))


def test_negation_applies_only_within_its_clause():
    assert "lost_parent" in story_themes("I didn't expect it, but my dad died in June.")
    assert "job_loss" in story_themes("Not what I planned. I was laid off in May.")


def test_story_themes_of_empty_text():
    assert story_themes("") == frozenset()


def test_describe_slots():
    weekday_evenings = [f"{d}_evening" for d in ("mon", "tue", "wed", "thu", "fri")]
    assert describe_slots(frozenset(weekday_evenings)) == "weekday evenings"
    assert describe_slots(frozenset({"sat_morning", "sun_morning"})) == "weekend mornings"
    assert (
        describe_slots(frozenset({"mon_evening", "thu_evening", "sat_morning"}))
        == "Saturday mornings and Monday and Thursday evenings"
    )
    assert describe_slots(frozenset()) == ""


def person(user_id: int, **kw) -> MatchProfile:
    return MatchProfile(user_id=user_id, languages=frozenset({"en"}), **kw)


def test_explain_names_shared_tags_themes_and_times():
    a = person(
        1,
        tags=frozenset({"bereavement.parent", "recovery.early", "condition.ocd"}),
        story_themes=frozenset({"lost_parent", "caring", "job_loss"}),
        availability=frozenset({"mon_evening", "tue_evening", "sat_morning"}),
    )
    b = person(
        2,
        tags=frozenset({"bereavement.parent", "recovery.early"}),
        story_themes=frozenset({"lost_parent", "caring"}),
        availability=frozenset({"mon_evening", "tue_evening"}),
    )
    text = explain(a, b, hybrid_score(a, b))
    assert "“Losing a parent”" in text
    assert "“Early recovery (first year)”" in text
    assert "caring for someone" in text
    assert "Monday and Tuesday evenings" in text
    # Only one side has these.
    assert "OCD" not in text
    assert "losing a job" not in text
    assert "Saturday" not in text
    # The theme that repeats a shared tag is said once.
    assert text.count("losing a parent") + text.count("Losing a parent") == 1


def test_explain_with_nothing_shared_claims_nothing():
    a = person(1, tags=frozenset({"condition.ocd"}), vector=np.array([1, 0], dtype=np.float32))
    b = person(2, tags=frozenset({"condition.adhd"}), vector=np.array([0, 1], dtype=np.float32))
    assert explain(a, b, hybrid_score(a, b)) == ""


def test_explain_ignores_a_score_that_claims_more_than_is_shared():
    a = person(1, tags=frozenset({"condition.ocd"}))
    b = person(2, tags=frozenset({"condition.adhd"}))
    forged = Score(
        total=1,
        semantic=1,
        tags=1,
        availability=1,
        shared_tags=("condition.ocd",),
        shared_slots=("mon_evening",),
        shared_themes=("lost_parent",),
    )
    assert explain(a, b, forged) == ""


def _mentioned_themes(text: str) -> set[str]:
    m = re.search(r"You both wrote about (.+?)\.(?: |$)", text)
    if not m:
        return set()
    parts = set(re.split(r", | and ", m.group(1)))
    return {t for t, label in THEME_LABELS.items() if label in parts}


@settings(max_examples=300, deadline=None)
@given(a=profiles(user_id=1), b=profiles(user_id=2), stale=profiles(user_id=3))
def test_explanations_mention_only_truly_shared_signals(a, b, stale):
    for score in (hybrid_score(a, b), hybrid_score(a, stale)):
        text = explain(a, b, score)
        for tag_id, tag in TAGS.items():
            if f"“{tag.label}”" in text:
                assert tag_id in a.tags and tag_id in b.tags
        for theme in _mentioned_themes(text):
            assert theme in a.story_themes and theme in b.story_themes
        free = re.search(r"You are both free on (.+?)\.", text)
        shared_slots = a.availability & b.availability
        if free:
            assert free.group(1) == describe_slots(shared_slots)
        else:
            assert not (shared_slots & set(AVAILABILITY_SLOTS))
        if not (a.tags & b.tags) and not (a.story_themes & b.story_themes) and not shared_slots:
            assert "You both" not in text
