"""How the rule level and the learned score combine into the final level and score.

Rules give floors: a rule level is never lowered by the model (an explicit plan is high even
when the model, trained on long Reddit posts, has never seen such a short message). The model
can only *raise* a level, and only by one step from what the rules found:

* none -> low       when p >= ``t_low``
* low  -> moderate  when p >= ``t_moderate``
* none -> moderate  when p >= ``t_moderate_alone`` (rules saw nothing at all)

The model only speaks for texts of at least ``min_words`` words. It was trained on Reddit
posts (median ~120 words; about 2% of them are shorter than 15); on a one-line chat message
its few active features give extreme, meaningless scores ("my feet are killing me" scores
high on the word "killing"), so short messages are judged by the rules alone, which were
written for them.

When the rules found risk vocabulary but explained every hit away (negation, third person,
hyperbole, past, ...), the model may raise at most to low: a look-alike stays visible to a
moderator without paging anyone.

The score is banded so that it orders texts the same way the levels do: none in [0, .25),
low in [.25, .5), moderate in [.5, .75), high in [.75, 1]; inside a band, the model's
probability places the text. Thresholds come from cross-validation (see train.py) and are
stored in model/meta.json.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from kindred.safety.screening.rules import HIGH, LOW, MODERATE, NONE, RuleResult

BAND = 0.25


@dataclass(frozen=True, slots=True)
class Thresholds:
    t_low: float
    t_moderate: float
    t_moderate_alone: float
    min_words: int = 15

    @classmethod
    def from_meta(cls, meta: dict[str, object]) -> Thresholds:
        th = meta.get("thresholds")
        if not isinstance(th, dict):
            raise ValueError("meta.json has no thresholds")
        return cls(
            float(th["t_low"]),
            float(th["t_moderate"]),
            float(th["t_moderate_alone"]),
            int(th.get("min_words", 15)),
        )

    def as_dict(self) -> dict[str, float]:
        return {
            "t_low": self.t_low,
            "t_moderate": self.t_moderate,
            "t_moderate_alone": self.t_moderate_alone,
            "min_words": self.min_words,
        }


def combine_level(
    rule_level: int, damped: bool, p: float, th: Thresholds, n_words: int
) -> tuple[int, bool]:
    """Final level (0-3) and whether the model raised it."""
    level = rule_level
    if n_words < th.min_words:
        return level, False
    if damped:
        # Look-alikes only: the model may make them visible (low), never more.
        if rule_level == NONE and p >= th.t_moderate:
            return LOW, True
        return level, False
    if level == NONE and p >= th.t_moderate_alone:
        return MODERATE, True
    if level == NONE and p >= th.t_low:
        return LOW, True
    if level == LOW and p >= th.t_moderate:
        return MODERATE, True
    return level, False


def combine_levels(
    rule_levels: ArrayLike,
    damped: ArrayLike,
    p: ArrayLike,
    th: Thresholds,
    n_words: ArrayLike,
) -> np.ndarray:
    """Vectorised :func:`combine_level` for evaluation and threshold search."""
    rl = np.asarray(rule_levels, dtype=int)
    long_ = np.asarray(n_words) >= th.min_words
    dm = np.asarray(damped, dtype=bool)
    pp = np.where(long_, np.asarray(p, dtype=float), -1.0)
    out = rl.copy()
    none_live = (rl == NONE) & ~dm
    out[(rl == NONE) & dm & (pp >= th.t_moderate)] = LOW
    out[none_live & (pp >= th.t_low)] = LOW
    out[none_live & (pp >= th.t_moderate_alone)] = MODERATE
    out[(rl == LOW) & ~dm & (pp >= th.t_moderate)] = MODERATE
    # (damped texts already at low, e.g. third person, stay there)
    return out


def band_score(level: int, p: float) -> float:
    return min(level * BAND + BAND * p, 1.0)


def n_words(rule: RuleResult) -> int:
    return rule.normalised.count(" ") + 1 if rule.normalised else 0


def combine(rule: RuleResult, p: float, th: Thresholds) -> tuple[int, float, tuple[str, ...]]:
    level, raised = combine_level(rule.level, rule.damped, p, th, n_words(rule))
    signals = (*rule.signals, "model") if raised else rule.signals
    return level, round(band_score(level, p), 4), signals


def choose_thresholds(
    rule_levels: ArrayLike,
    damped: ArrayLike,
    p: ArrayLike,
    y: ArrayLike,
    words: ArrayLike,
    target_recall: float = 0.90,
    low_recall: float = 0.95,
) -> Thresholds:
    """Pick thresholds on (out-of-fold) predictions.

    ``t_moderate``/``t_moderate_alone``: among pairs reaching ``target_recall`` at level >=
    moderate, the one with the best precision (ties: the higher thresholds). If no pair
    reaches the target, the pair with the best recall. ``t_low``: the highest threshold that
    still puts ``low_recall`` of positives at >= low.
    """
    rl = np.asarray(rule_levels)
    dm = np.asarray(damped, dtype=bool)
    pp = np.asarray(p, dtype=float)
    yy = np.asarray(y, dtype=int)
    nw = np.asarray(words, dtype=int)
    n_pos = max(int(yy.sum()), 1)
    min_words = Thresholds(0, 0, 0).min_words
    pp = np.where(nw >= min_words, pp, -1.0)  # short texts: rules only
    grid = np.unique(np.round(np.quantile(pp[pp >= 0], np.linspace(0.0, 1.0, 201)), 4))
    grid = np.append(grid, 1.01)
    rule_mod = (rl >= MODERATE) & ~dm
    can_low = (rl == LOW) & ~dm
    can_alone = (rl == NONE) & ~dm
    best: tuple[float, float, float, float] | None = None  # (ok, precision/recall, tm, ta)
    for tm in grid:
        from_low = can_low & (pp >= tm)
        for ta in grid[grid >= tm]:
            flag = rule_mod | from_low | (can_alone & (pp >= ta))
            tp = int((flag & (yy == 1)).sum())
            recall = tp / n_pos
            precision = tp / max(int(flag.sum()), 1)
            ok = recall >= target_recall
            key = (1.0 if ok else 0.0, precision if ok else recall, float(tm), float(ta))
            if best is None or key > best:
                best = key
    assert best is not None
    t_mod, t_alone = best[2], best[3]
    # t_low: the highest threshold that keeps the recall target for ">= low".
    t_low = float(grid[0])
    for tl in grid[::-1]:
        if tl > t_alone:
            continue
        lvl = combine_levels(rl, dm, pp, Thresholds(float(tl), t_mod, t_alone), nw)
        if ((lvl >= LOW) & (yy == 1)).sum() / n_pos >= low_recall:
            t_low = float(tl)
            break
    return Thresholds(float(t_low), float(t_mod), float(t_alone))


__all__ = [
    "BAND",
    "HIGH",
    "LOW",
    "MODERATE",
    "NONE",
    "Thresholds",
    "band_score",
    "choose_thresholds",
    "combine",
    "combine_level",
]
