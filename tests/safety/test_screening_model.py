"""Learned layer, combination rules and evaluation metrics (no database)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kindred.safety.screening import model as m
from kindred.safety.screening.combine import Thresholds, band_score, combine_level
from kindred.safety.screening.evaluate import auprc, auroc, evaluate, format_report


def test_artefact_loads_and_is_small() -> None:
    model = m.get_model()
    assert model.weights.shape == (1 << model.bits,)
    assert model.weights.dtype == np.float32
    th = Thresholds.from_meta(model.meta)
    assert 0.0 <= th.t_low <= th.t_moderate_alone <= 1.0
    size = sum(f.stat().st_size for f in m.ARTEFACT_DIR.iterdir())
    assert size < 5 * 1024 * 1024


@pytest.mark.parametrize(
    "text",
    ["", "hello", "i want to kill myself", "x" * 10_000, "😂💀 lol", "ça va? très bien", "1234"],
)
def test_scores_in_unit_interval(text: str) -> None:
    p = m.get_model().predict(text)
    assert 0.0 <= p <= 1.0
    assert not math.isnan(p)


def test_model_ranks_risk_above_neutral_on_long_texts() -> None:
    risky = (
        "i cant do this anymore. every night i lie awake thinking about how i would do it and "
        "i honestly think everyone would be better off if i was gone, i have nothing left"
    )
    neutral = (
        "my landlord wants to raise the rent again this year and i am trying to work out "
        "whether it is legal under my tenancy agreement, has anyone dealt with this before"
    )
    model = m.get_model()
    assert model.predict(risky) > model.predict(neutral)


def test_features_are_stable_and_normalised() -> None:
    idx1, v1 = m.feature_indices("I want to kill myself", 18)
    idx2, _v2 = m.feature_indices("i want to KILL myself", 18)
    assert idx1 == idx2  # CRC-32 hashing: the same across processes and case
    assert math.isclose(sum(v * v for v in v1), 1.0, rel_tol=1e-9)
    assert all(0 <= i < (1 << 18) for i in idx1)
    assert m.feature_indices("", 18) == ([], [])


def test_combine_levels() -> None:
    th = Thresholds(t_low=0.2, t_moderate=0.5, t_moderate_alone=0.8, min_words=15)
    long_ = 40
    assert combine_level(0, False, 0.1, th, long_) == (0, False)
    assert combine_level(0, False, 0.3, th, long_) == (1, True)
    assert combine_level(0, False, 0.9, th, long_) == (2, True)
    assert combine_level(1, False, 0.6, th, long_) == (2, True)
    assert combine_level(3, False, 0.0, th, long_) == (3, False)  # rules are floors
    assert combine_level(0, True, 0.9, th, long_) == (1, True)  # look-alikes: at most low
    assert combine_level(1, True, 0.9, th, long_) == (1, False)  # third person stays low
    assert combine_level(0, False, 0.99, th, 5) == (0, False)  # short: rules only
    assert band_score(0, 0.0) == 0.0
    assert band_score(3, 1.0) == 1.0
    assert band_score(2, 0.5) == pytest.approx(0.625)


def test_auroc_hand_computed() -> None:
    # y = [0, 0, 1, 1, 0, 1], s = [.1, .4, .35, .8, .4, .9]
    # Pairs (positive, negative) = 3 x 3 = 9. Positive .35 beats .1 only -> 1;
    # .8 beats .1, .4, .4 -> 3; .9 beats all three -> 3. Total 7 / 9 = 0.7778.
    y = [0, 0, 1, 1, 0, 1]
    s = [0.1, 0.4, 0.35, 0.8, 0.4, 0.9]
    assert auroc(y, s) == pytest.approx(7 / 9)
    # A tie between a positive and a negative counts 1/2: y=[1,0], s=[.5,.5] -> 0.5.
    assert auroc([1, 0], [0.5, 0.5]) == pytest.approx(0.5)
    assert math.isnan(auroc([1, 1], [0.2, 0.3]))


def test_auprc_hand_computed() -> None:
    # Sorted by score: .9 (1), .8 (1), .4 (0), .4 (0), .35 (1), .1 (0).
    # Thresholds: .9 -> P=1/1, R=1/3; .8 -> P=2/2, R=2/3; .4 (both ties enter) -> P=2/4,
    # R=2/3 (no recall gain); .35 -> P=3/5, R=1; .1 -> no gain.
    # AP = 1/3*1 + 1/3*1 + 0*.5 + 1/3*3/5 = 0.8667.
    y = [0, 0, 1, 1, 0, 1]
    s = [0.1, 0.4, 0.35, 0.8, 0.4, 0.9]
    assert auprc(y, s) == pytest.approx(1 / 3 + 1 / 3 + (1 / 3) * 0.6)


def test_evaluate_tables() -> None:
    recs = [
        {"label": 1, "level": "high", "score": 0.9, "group": "a"},
        {"label": 1, "level": "low", "score": 0.3, "group": "a"},
        {"label": 0, "level": "moderate", "score": 0.6, "group": "b"},
        {"label": 0, "level": "none", "score": 0.1, "group": "b"},
    ]
    rep = evaluate(recs)
    mod = rep["thresholds"]["moderate"]
    # >= moderate flags the high positive and the moderate negative: P = 1/2, R = 1/2.
    assert mod["precision"] == pytest.approx(0.5)
    assert mod["recall"] == pytest.approx(0.5)
    assert mod["false_alarm_rate"] == pytest.approx(0.5)
    assert rep["thresholds"]["low"]["recall"] == 1.0
    assert rep["confusion"]["high"] == {"label_0": 0, "label_1": 1}
    assert rep["groups"]["b"]["flag_moderate"] == pytest.approx(0.5)
    # Scores .9 > .6 > .3 > .1 with labels 1,0,1,0: positive pairs won 3 of 4 -> .75.
    assert rep["auroc"] == pytest.approx(0.75)
    md = format_report(rep, "markdown", "tiny")
    assert md.startswith("### tiny") and "| >= moderate |" in md
    assert "a" in format_report(rep, "text")
