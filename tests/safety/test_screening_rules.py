"""Rule layer (the explicit-pattern layer of the risk screen): positive and negative invented
cases for every family, read from ``analyse()``.

These are the rules' own levels. ``screen()`` adds the semantic model on top (floors and the
model decide; see decide.py), so what screen() returns for texts like these is tested in
test_screening_semantic.py. Pure Python: no database work, no trained artefact.
"""

from __future__ import annotations

import pytest

from kindred.safety.screening import LEVELS, level_at_least, screen
from kindred.safety.screening.rules import HIGH, RuleResult, analyse, normalise

# (text, expected level, a signal that must be present or None)
POSITIVE = [
    # intent
    ("I'm going to kill myself tonight", "high", "intent"),
    ("ive decided to end it this weekend", "high", "intent"),
    ("i am going to end my life", "high", "intent"),
    # plan
    ("i wrote my suicide note", "high", "plan"),
    ("i have a plan to end my life", "high", "plan"),
    ("how many sleeping pills does it take to die", "high", "plan"),
    ("whats the most painless way to die", "high", "plan"),
    ("been giving away my stuff, my cat goes to my sister", "high", "plan"),
    # means
    ("i have been stockpiling my pills for weeks", "high", "means"),
    ("the rope is ready", "high", "means"),
    ("I bought a rope. I want to die", "high", "means_nearby"),
    # timing (escalates active ideation)
    ("i want to kill myself tonight", "high", "timing"),
    ("gonna kms when everyone is asleep", "high", "algospeak"),
    # goodbye
    ("goodbye everyone, i love you", "high", "goodbye"),
    ("by the time you read this i'll be gone", "high", "goodbye"),
    ("this is my last message", "high", "goodbye"),
    # attempt in progress / just made
    ("i just took all my pills", "high", "attempt_now"),
    ("i took 30 tylenol an hour ago", "high", "attempt_now"),
    ("im standing on the bridge right now", "high", "attempt_now"),
    ("i tried to kill myself last night", "high", "attempt_now"),
    # active ideation
    ("i want to kill myself", "moderate", "ideation"),
    ("i keep thinking about suicide", "moderate", "ideation"),
    ("ive been feeling really suicidal lately", "moderate", "ideation"),
    ("i just want to end it all", "moderate", "ideation"),
    ("i want to end my life", "moderate", "ideation"),
    ("i wanna kil myslef", "moderate", "ideation"),
    ("thinking about sewerslide again", "moderate", "ideation"),
    ("i tried to kill myself", "moderate", "attempt"),
    # method
    ("i want to jump off a bridge", "moderate", "method"),
    ("i keep thinking of hanging myself", "moderate", "method"),
    ("thinking about overdosing on my meds", "moderate", "method"),
    # self-harm
    ("i cut myself again last night", "moderate", "self_harm"),
    ("relapsed on sh after 3 months", "moderate", "self_harm"),
    ("the urge to self-harm is so strong", "moderate", "self_harm"),
    # algospeak
    ("kms", "moderate", "algospeak"),
    ("i wanna unalive myself", "moderate", "algospeak"),
    ("i want to ctb", "moderate", "algospeak"),
    ("honestly ready to catch the bus", "moderate", "algospeak"),
    ("i want to k!ll mys3lf", "moderate", "ideation"),
    ("I attempted in March", "moderate", "attempt"),
    ("i dont want to kill myself but i think i will", "moderate", "ambivalence"),
    # passive ideation (low)
    ("i wish i was dead", "low", "passive"),
    ("i dont want to wake up tomorrow", "low", "passive"),
    ("not wanting to wake up anymore", "low", "passive"),
    ("everyone would be better off without me", "low", "passive"),
    ("im so tired of living", "low", "passive"),
    ("whats the point of living", "low", "passive"),
    ("i want to die", "low", "passive"),
    ("i just want to disappear", "low", "passive"),
    ("idk if i want to live anymore", "low", "passive"),
    # hopelessness / distress (low)
    ("i feel so hopeless", "low", "hopelessness"),
    ("i'm a burden to everyone", "low", "hopelessness"),
    ("i cant do this anymore", "low", "hopelessness"),
    ("i cant stop crying", "low", "distress"),
    # someone else at risk: surfaced low so the supporter gets help
    ("my friend said she wants to die", "low", "third_person:passive"),
    ("my brother wants to kill himself, what do i do", "low", "third_person:ideation"),
    ("she told me she has pills and is going to kill herself tonight", "low", None),
    # laughter softens one level only
    ("kms lol", "low", "laughter"),
]

NEGATIVE = [
    # negation
    ("I would never kill myself", "negation:ideation"),
    ("i would never, ever kill myself", "negation:ideation"),
    ("i'm not suicidal, just tired", "negation:ideation"),
    ("i dont want to die", "negation:passive"),
    ("i have no intention of killing myself", "negation:ideation"),
    ("i would never kill myself and i want to go to the party", "negation:ideation"),
    # past / recovery
    ("five years ago I attempted, now I'm doing well", "past:attempt"),
    ("when i was 15 i used to cut myself, 4 years clean now", "past:self_harm"),
    ("i used to be suicidal in high school", "past:ideation"),
    # hyperbole
    ("this exam is killing me", None),
    ("I could kill for a pizza right now", None),
    ("i was dying of laughter", None),
    ("if i have to hear that song again i'll kill myself", "hyperbole:intent"),
    ("my feet are killing me", None),
    ("im dying to see that movie", None),
    ("i'd rather die than wear crocs", None),
    ("scared to death of spiders", None),
    ("i want to die of embarrassment", "hyperbole:passive"),
    # accidents
    ("i cut myself while chopping onions", "accident:self_harm"),
    # supportive replies and questions
    ("if you are thinking of suicide please call 988", "supportive"),
    ("you're not alone, please reach out to a crisis line", "supportive"),
    ("are you having thoughts of killing yourself?", "supportive"),
    # abuse is not the writer's risk (moderated elsewhere)
    ("kys loser", "abuse"),
    # compound nouns, news, ordinary text
    ("suicide squad was a terrible movie", None),
    ("suicide rates among teens rose in 2020 according to the report", None),
    ("hello how are you", None),
    ("i killed it at the gym today", None),
    ("kill the process and restart the server", None),
    ("bye everyone, see you tomorrow", None),
    ("my plan is to study tonight", None),
    ("i have a gun safe in the garage", None),
    ("i'm going to die if i don't get coffee", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "level", "signal"), POSITIVE)
def test_positive_cases(text: str, level: str, signal: str | None) -> None:
    r = analyse(text)
    assert LEVELS[r.level] == level, (text, r.signals)
    if signal:
        assert signal in r.signals, (text, r.signals)


@pytest.mark.parametrize(("text", "signal"), NEGATIVE)
def test_look_alikes_are_none(text: str, signal: str | None) -> None:
    r = analyse(text)
    assert LEVELS[r.level] == "none", (text, r.signals)
    if signal:
        assert signal in r.signals, (text, r.signals)


def test_result_shape() -> None:
    r = analyse("i want to kill myself")
    assert isinstance(r, RuleResult)
    assert r.normalised == "i want to kill myself"
    assert [(h.family, h.damper) for h in r.hits] == [("ideation", None)]
    assert not r.damped
    with pytest.raises(AttributeError):
        r.level = 0  # type: ignore[misc]


def test_rule_levels_follow_severity() -> None:
    texts = ["hello", "i feel so hopeless", "i want to kill myself", "i just took all my pills"]
    assert [LEVELS[analyse(t).level] for t in texts] == list(LEVELS)


def test_level_at_least() -> None:
    assert level_at_least("high", "moderate")
    assert level_at_least("moderate", "moderate")
    assert not level_at_least("low", "moderate")
    assert level_at_least("none", "none")
    with pytest.raises(ValueError, match="unknown risk level"):
        level_at_least("severe", "low")


def test_context_yes_to_direct_question() -> None:
    q = "are you thinking about killing yourself?"
    assert LEVELS[analyse("yeah", q).level] == "moderate"
    assert "affirmed_question" in analyse("yes", q).signals
    assert LEVELS[analyse("yeah", "do you want pizza?").level] == "none"


def test_context_timing_after_disclosure() -> None:
    r = analyse("tonight", "i want to kill myself")
    assert LEVELS[r.level] == "high"
    assert "context:imminence" in r.signals
    assert LEVELS[analyse("tonight", "want to watch a film?").level] == "none"


def test_normalise_spellings() -> None:
    assert normalise("I don’t wanna  UNALIVE my-self!!!") == "i dont want to unalive myself!!!"
    assert "suicide" in normalise("thinking about sewer slide")
    assert normalise("su1c1de") == "suicide"


def test_type_and_size_guards() -> None:
    with pytest.raises(TypeError):
        screen(None)  # type: ignore[arg-type]
    long_text = "la " * 20_000 + " goodbye forever, i love you"
    r = analyse(long_text)  # the end of a long text is still read
    assert r.level == HIGH
    assert "goodbye" in r.signals


def test_rules_report_hits_with_dampers() -> None:
    r = analyse("I would never kill myself")
    assert r.damped
    assert r.hits and all(h.damper == "negation" for h in r.hits)
