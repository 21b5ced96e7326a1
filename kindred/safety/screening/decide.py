"""How the explicit-pattern layer and the semantic layer decide the final level and score.

* **Floors.** A rule family that was right at least 97 % of the time on the corpus's train
  and dev splits (``kindred train_screen`` measures it and writes the list into
  ``meta.json``) sets a floor at its level: an explicit "I took all my pills an hour ago" is
  high whatever the model says. Other rule hits only explain (they appear in ``signals``):
  the semantic layer decides, because a regex cannot tell "I'm going to try it this week
  too" from a plan.
* **Window head.** The riskiest window's cumulative probabilities against ``t_low``,
  ``t_moderate`` and ``t_high``. A long post (``POST_MIN_WORDS`` words or more) has many
  windows, and the riskiest of many ordinary sentences looks riskier than one chat message,
  so long posts have their own, stricter thresholds (``*_long``), chosen with Reddit posts
  from 26 non-suicide communities as the false alarms to keep down.
* **Post head.** A long post whose whole-post probability reaches ``t_post`` is at least
  moderate (chosen with ``t_moderate_long`` on RMHD out-of-fold scores).

The score is banded so it orders texts the same way the levels do: none in [0, .25), low in
[.25, .5), moderate in [.5, .75), high in [.75, 1]; inside a band the model's probability
places the text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from kindred.safety.screening.rules import HIGH, LOW, MODERATE, NONE, RuleResult

BAND = 0.25


@dataclass(frozen=True, slots=True)
class Thresholds:
    t_low: float
    t_moderate: float
    t_high: float
    t_post: float
    t_low_long: float
    t_moderate_long: float
    t_high_long: float

    @classmethod
    def from_meta(cls, meta: Mapping[str, object]) -> Thresholds:
        th = meta.get("thresholds")
        if not isinstance(th, dict):
            raise ValueError("meta.json has no thresholds")
        return cls(**{name: float(th[name]) for name in cls.__slots__})

    def as_dict(self) -> dict[str, float]:
        return {name: float(getattr(self, name)) for name in self.__slots__}

    def for_length(self, long_: bool) -> tuple[float, float, float]:
        if long_:
            return self.t_low_long, self.t_moderate_long, self.t_high_long
        return self.t_low, self.t_moderate, self.t_high


def semantic_level(
    p_low: float, p_moderate: float, p_high: float, th: Thresholds, long_: bool = False
) -> int:
    t_low, t_moderate, t_high = th.for_length(long_)
    if p_high >= t_high:
        return HIGH
    if p_moderate >= t_moderate:
        return MODERATE
    if p_low >= t_low:
        return LOW
    return NONE


def floor_level(rule: RuleResult, floors: Mapping[str, int]) -> int:
    """The highest level set by a live hit of a floor family (0 when none)."""
    level = NONE
    for h in rule.hits:
        if h.damper is None and h.family in floors:
            level = max(level, min(h.level, floors[h.family]))
    return level


def floor_levels(rules: Iterable[RuleResult], floors: Mapping[str, int]) -> np.ndarray:
    return np.array([floor_level(r, floors) for r in rules], dtype=int)


def decide_levels(
    scores: np.ndarray, post: np.ndarray, th: Thresholds, floors: np.ndarray
) -> np.ndarray:
    """Vectorised decision: ``scores`` (n, 3) cumulative window probabilities, ``post`` the
    post head's probability (-1 where the text is too short, which also marks it as short),
    ``floors`` from the rules."""
    s = np.asarray(scores, dtype=float)
    long_ = np.asarray(post) >= 0
    lv = np.zeros(len(s), dtype=int)
    for k, level in enumerate((LOW, MODERATE, HIGH)):
        t = np.where(long_, th.for_length(True)[k], th.for_length(False)[k])
        lv[s[:, k] >= t] = level
    lv = np.where(np.asarray(post) >= th.t_post, np.maximum(lv, MODERATE), lv)
    return np.maximum(lv, np.asarray(floors, dtype=int))


def band_score(level: int, p: float) -> float:
    """A score inside the level's band: [level/4, (level+1)/4), the top band closed."""
    top = 1.0 if level >= HIGH else 0.999
    return round(level * BAND + BAND * min(max(p, 0.0), top), 4)
