"""Text risk screen: rules + a small learned model -> none / low / moderate / high.

``screen()`` runs inline on every chat message (pure Python + numpy, no Django, no I/O after
the first call). Its output is for triage to a human: it never blocks, reports or decides
anything by itself. See docs/model-card-risk-screen.md.

Levels:
    none      nothing found (or only look-alikes: negation, hyperbole, supportive replies...)
    low       distress, hopelessness, passive wish to be dead; or someone else at risk
    moderate  active suicidal or self-harm ideation
    high      plan, means, timing, intent, goodbye, an attempt in progress or just made
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from kindred.safety.screening import model as _model
from kindred.safety.screening.combine import Thresholds, combine
from kindred.safety.screening.rules import analyse

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


_thresholds: Thresholds | None = None


def _learned(text: str) -> float | None:
    global _thresholds
    try:
        m = _model.get_model()
        if _thresholds is None:
            _thresholds = Thresholds.from_meta(m.meta)
        return m.predict(text)
    except (OSError, ValueError, KeyError):
        # Never break chat because the artefact is missing: fall back to rules only.
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
    p = _learned(text)
    if p is None or _thresholds is None:
        signals = (*rule.signals, "model_unavailable")
        return ScreenResult(LEVELS[rule.level], round(rule.level * 0.25, 4), signals)
    level, score, signals = combine(rule, p, _thresholds)
    return ScreenResult(LEVELS[level], score, signals)


__all__ = ["LEVELS", "ScreenResult", "level_at_least", "screen"]
