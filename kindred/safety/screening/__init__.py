"""Text risk screen: explicit patterns + a semantic model -> none / low / moderate / high.

``screen()`` runs inline on every chat message and post (Python, numpy and onnxruntime; no
Django, no I/O after the first call). Its output is for triage to a human: it never blocks,
reports or decides anything by itself. See docs/model-card-risk-screen.md.

Levels:
    none      everything else, including look-alikes (hyperbole, negation, someone else,
              recovery stories, lyrics, supportive replies, gaming, everyday mentions)
    low       passive wish to be dead, hopelessness, feeling a burden, self-harm urges
    moderate  active suicidal ideation without a plan, means, time or place
    high      a plan, means at hand, a time or place, an attempt under way or just made,
              goodbyes or final arrangements, a date set, suicide as the only way left

How: the rule layer (``rules.py``) finds explicit phrases and look-alikes; rule families
proven precise set floors (``decide.py``); when no floor already says high, the semantic
layer (``semantic.py``) reads every window of the text and decides. No text skips the
semantic model unless the explicit layer already says high.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from kindred.safety.screening import semantic
from kindred.safety.screening.decide import band_score, floor_level, semantic_level
from kindred.safety.screening.rules import HIGH, MODERATE, analyse

LEVELS: tuple[str, ...] = ("none", "low", "moderate", "high")
_RANK = {name: i for i, name in enumerate(LEVELS)}
# Longest text screened; beyond this only the start and the end are read, which bounds the
# worst-case latency (a goodbye is usually at the end of a long message).
MAX_TEXT = 20_000

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ScreenResult:
    level: str
    score: float
    signals: tuple[str, ...]


def level_at_least(level: str, threshold: str) -> bool:
    """True when ``level`` is as severe as ``threshold`` or more (unknown names raise)."""
    try:
        return _RANK[level] >= _RANK[threshold]
    except KeyError as exc:
        raise ValueError(f"unknown risk level {exc.args[0]!r}; expected one of {LEVELS}") from None


def _loaded() -> semantic.Cascade | None:
    try:
        return semantic.get_models()
    except (OSError, ValueError, KeyError, RuntimeError, ImportError):
        # Never break chat because the artefact or the encoder is missing: rules only.
        log.exception("risk screen model unavailable; using rules only")
        return None


def screen(text: str, *, context: str = "") -> ScreenResult:
    """Screen one message. ``context`` is optional preceding conversation (e.g. the message
    this one replies to): it lets "yes" answer "are you thinking of killing yourself?" and
    "tonight" follow an earlier disclosure."""
    if not isinstance(text, str):
        raise TypeError("text must be a str")
    if len(text) > MAX_TEXT:
        text = text[: MAX_TEXT // 2] + "\n" + text[-MAX_TEXT // 2 :]
    if not text.strip():
        return ScreenResult("none", 0.0, ())
    rule = analyse(text, context[-2000:] if context else "")
    loaded = _loaded()
    if loaded is None:
        fallback = (*rule.signals, "model_unavailable")
        return ScreenResult(LEVELS[rule.level], round(rule.level * 0.25, 4), fallback)
    prepared = semantic.prepare(text)
    model = loaded.pick(prepared)
    th = model.thresholds
    floor = floor_level(rule, model.floors)
    # An answer to a direct question, or timing after an earlier disclosure, is only visible
    # with the conversation: the rules' context reading is a floor of its own.
    if context and any(s.startswith("context:") or s == "affirmed_question" for s in rule.signals):
        floor = max(floor, rule.level)
    if floor >= HIGH:
        return ScreenResult("high", band_score(HIGH, 1.0), (*rule.signals, "explicit"))
    sem = model.score(text, prepared=prepared)
    long_ = sem.p_post is not None
    level = semantic_level(sem.p_low, sem.p_moderate, sem.p_high, th, long_)
    signals = list(rule.signals)
    if sem.p_post is not None and sem.p_post >= th.t_post and level < MODERATE:
        level = MODERATE
        signals.append("post")
    if level > floor:
        signals.append("semantic")
    elif floor:
        signals.append("explicit")
    level = max(level, floor)
    if level:
        signals.extend(n for n in sem.nearest if n not in signals)
    p = (sem.p_low, sem.p_low, sem.p_moderate, sem.p_high)[level]
    if signals and "post" in signals and sem.p_post is not None:
        p = max(p, sem.p_post)
    return ScreenResult(LEVELS[level], band_score(level, p), tuple(signals))


__all__ = ["LEVELS", "ScreenResult", "level_at_least", "screen"]
