"""screen() with the trained semantic model: invented texts at every level, look-alikes,
scores inside their level's band, long and empty texts, determinism.

Every text here is written for this file, not copied from the corpus (corpus/*.jsonl), so
these are held-out checks of what the model learnt, not of what it memorised.
"""

from __future__ import annotations

import pytest

from kindred.safety.screening import LEVELS, ScreenResult, level_at_least, screen, semantic
from kindred.safety.screening.decide import BAND
from kindred.safety.screening.semantic import ARTEFACT_DIR

# The artefact ships in the repository; while it is being retrained it is missing, and then
# screen() falls back to the rules (these tests would only measure the rules).
pytestmark = pytest.mark.skipif(
    not (ARTEFACT_DIR / "semantic.npz").exists(),
    reason="the trained risk-screen artefact (model/semantic.npz) is not there",
)


def known(text: str, what: str = "known miss") -> object:
    """A text the screen is known to get wrong: a strict expected failure, so a fix shows up."""
    reason = f"{what}, listed in docs/model-card-risk-screen.md"
    return pytest.param(text, marks=pytest.mark.xfail(strict=True, reason=reason))


HIGH = [
    # The sentence that started issue 14: published with no flag by the old screen.
    "I have the pills saved and I'm going to take them all tonight",
    "the pills are lined up on my desk and tonight i'm taking every one of them",
    "i've picked the bridge and i'm driving there after my shift ends at six",
    "wrote letters to my mum and my brother, they're in the drawer. it ends this weekend",
    known("just swallowed the whole strip of my nan's heart tablets, feeling dizzy already"),
    known("sorted my passwords and left the dog's food out for a week. won't be here by morning"),
    "its friday. the date i set is friday. i have the rope in my car boot",
    "i'm sitting on the roof ledge of the car park right now and i'm going to let go",
]
MODERATE = [
    "i keep thinking i should just end my own life, it won't stop",
    "most days now i think about killing myself, i don't have a plan it's just always there",
    "honestly i want to die by suicide and i don't know why i'm telling strangers this",
    known("part of me really wants to end it all and that part is getting louder"),
    "every time i'm alone i start working out ways to kill myself",
    "i genuinely want to stop being alive and do it myself",
]
LOW = [
    "lately i keep hoping my heart just gives out in my sleep",
    known("if a bus hit me tomorrow honestly i'd be relieved"),
    "my family would have an easier life if i wasn't around to drag them down",
    "i don't see any point in carrying on, nothing's ever going to change",
    "it would honestly be a relief to just stop existing one of these days",
    "i feel like such a weight on everyone, they'd all breathe easier without me",
]
NONE = [
    # Two false alarms of the old screen: a reply, and a sleep-routine question.
    known("I'm going to try it this week too", "known false alarm (low)"),
    # Short room lines: "hi all" was moderate and "anyone there" low before the corpus had
    # short everyday chat (its short texts were nearly all risky).
    "hi all",
    "anyone there?",
    "is this thing on",
    "does anyone have a bedtime routine that actually helps you fall asleep before midnight?",
    "this spreadsheet is killing me",
    "my sister's cat died and I'm gutted",
    "if you're struggling tonight please text 741741",
    "my phone battery died halfway through the match, so annoying",
    "we're planning to jump off the pier into the sea for charity on saturday",
    "the pharmacist said don't take more than two of these tablets in a day",
    "she finally killed the weeds in the allotment, took her all summer",
    "haha i nearly died laughing at the office quiz",
]


@pytest.mark.parametrize("text", HIGH)
def test_imminent_texts_are_high(text: str) -> None:
    r = screen(text)
    assert r.level == "high", (text, r)


@pytest.mark.parametrize("text", MODERATE)
def test_active_ideation_is_at_least_moderate(text: str) -> None:
    r = screen(text)
    assert level_at_least(r.level, "moderate"), (text, r)


@pytest.mark.parametrize("text", LOW)
def test_a_passive_wish_is_at_least_low(text: str) -> None:
    r = screen(text)
    assert level_at_least(r.level, "low"), (text, r)


@pytest.mark.parametrize("text", NONE)
def test_look_alikes_are_none(text: str) -> None:
    r = screen(text)
    assert r.level == "none", (text, r)


@pytest.mark.parametrize(
    "text",
    [
        "the pills are lined up on my desk and tonight i'm taking every one of them",
        "i keep thinking i should just end my own life, it won't stop",
        "lately i keep hoping my heart just gives out in my sleep",
        "this spreadsheet is killing me",
    ],
)
def test_a_flag_says_which_layer_raised_it_and_the_score_sits_in_its_band(text: str) -> None:
    r = screen(text)
    assert isinstance(r, ScreenResult)
    level = LEVELS.index(r.level)
    if level:
        assert {"semantic", "explicit"} & set(r.signals), (text, r)
    assert level * BAND <= r.score <= 1.0, (text, r)
    if level < len(LEVELS) - 1:
        assert r.score < (level + 1) * BAND, (text, r)


def test_model_is_in_use() -> None:
    # A missing or mismatched artefact falls back to the rules silently (it only logs).
    assert "model_unavailable" not in screen("i want to die").signals


def test_chat_is_read_by_the_larger_encoder_and_long_posts_by_the_faster_one() -> None:
    models = semantic.get_models()
    assert models.short is not None, "model_short/ is not shipped"
    assert models.short.encoder == semantic.SHORT_ENCODER
    assert models.long.encoder == semantic.ENCODER
    assert models.pick(semantic.prepare(HIGH[0])) is models.short
    assert models.pick(semantic.prepare(_HOLIDAY * 3)) is models.long


@pytest.mark.parametrize("text", ["", "   ", "\n\n\t"])
def test_empty_text_is_none(text: str) -> None:
    assert screen(text) == ScreenResult("none", 0.0, ())


_HOLIDAY = (
    "We went to the coast for the long weekend and the weather held for once. The kids "
    "built a sandcastle that took up half the beach and the dog chased every gull. "
)


def test_a_very_long_text_is_screened() -> None:
    long_ordinary = _HOLIDAY * 130
    assert len(long_ordinary) > 20_000
    r = screen(long_ordinary)
    assert r.level == "none", r
    assert 0.0 <= r.score < BAND


def test_a_goodbye_at_the_end_of_a_very_long_text_is_read() -> None:
    ending = "\nI'm sorry for everything. Goodbye, I love you all, this is my last post."
    text = _HOLIDAY * 130 + ending
    assert len(text) > 20_000
    r = screen(text)
    assert r.level == "high", r


def test_screen_is_deterministic() -> None:
    texts = [HIGH[0], MODERATE[0], LOW[0], NONE[1], NONE[2]]
    first = [screen(t) for t in texts]
    assert [screen(t) for t in reversed(texts)][::-1] == first
