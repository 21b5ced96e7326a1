"""Reproducible training of the learned layer, with out-of-fold (cross-validated) metrics.

Data: the RMHD sample shipped in construct-tracker 1.0.16 (Apache-2.0; Low et al., JMIR
2020): ``rmhd_27subreddits_260posts_test.csv``, 260 posts from each of 27 Reddit communities.
Label 1 = posted in r/suicidewatch, 0 = any of the 26 others (r/depression, r/lonely,
r/divorce, r/guns, r/personalfinance, ...). Optionally the Suicide Risk Lexicon v1.0 from the
same package adds short phrases (suicidal constructs = 1, other mental-health constructs = 0)
so the model has seen chat-length texts, not only long posts.

SDCNL is never read here: it is kept fully held out for evaluation.

scikit-learn is used only in this module (imported inside functions) and is not a run-time
dependency of the screen. Everything is seeded; two runs produce the same artefact.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from kindred.safety.screening import model as screen_model
from kindred.safety.screening.combine import (
    Thresholds,
    band_score,
    choose_thresholds,
    combine_levels,
    n_words,
)
from kindred.safety.screening.evaluate import LEVELS, evaluate, format_report
from kindred.safety.screening.rules import analyse

SEED = 20240607
C = 4.0  # inverse L2 strength; chosen once from {1, 4, 16} by out-of-fold AUPRC on RMHD
N_FOLDS = 5
POSITIVE_GROUP = "suicidewatch"
TARGET_RECALL = 0.90

LEXICON_POSITIVE = (
    "Passive suicidal ideation",
    "Active suicidal ideation & suicidal planning",
    "Direct self-injury",
    "Other suicidal language",
)
# Other constructs give the model negatives that still sound like mental-health talk.
# Hopelessness, burdensomeness, psychache and lethal means are left out: ambiguous alone.
LEXICON_NEGATIVE = (
    "Anxiety",
    "Panic",
    "Sleep issues",
    "Physical health issues & disability",
    "Finances & work stress",
    "Relationships & kinship",
    "Mental health treatment",
    "Alcohol use",
    "Other substance use",
    "Psychosis & schizophrenia",
    "Bipolar Disorder",
    "Eating disorders",
    "Gender & sexual identity",
    "Fatigue & tired",
    "Perfectionism",
    "Poverty & homelessness",
    "Discrimination",
    "Barriers to treatment",
    "Trauma & PTSD",
    "Rumination",
    "Loneliness & isolation",
    "Relationship issues",
)


class Writer(Protocol):
    def write(self, s: str, /) -> Any: ...


def _say(out: Writer, *parts: object) -> None:
    # Django's OutputWrapper appends its own newline; a plain stream gets one here.
    out.write(" ".join(str(p) for p in parts).rstrip("\n") + "\n")


def load_rmhd(path: Path) -> tuple[list[str], np.ndarray, list[str]]:
    csv.field_size_limit(sys.maxsize)
    texts: list[str] = []
    groups: list[str] = []
    with path.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            text = (row.get("post") or "").strip()
            if not text:
                continue
            texts.append(text)
            groups.append((row.get("subreddit") or "").strip().lower())
    y = np.array([int(g == POSITIVE_GROUP) for g in groups], dtype=int)
    if not y.any():
        raise ValueError(f"no r/{POSITIVE_GROUP} posts in {path}; is this the RMHD CSV?")
    return texts, y, groups


def load_lexicon(directory: Path) -> tuple[list[str], np.ndarray]:
    files = sorted(directory.glob("suicide_risk_lexicon_validated_*_metadata.json"))
    if not files:
        raise FileNotFoundError(f"no suicide_risk_lexicon_validated_*_metadata.json in {directory}")
    meta = json.loads(files[0].read_text(encoding="utf-8"))
    pos = {t.strip() for c in LEXICON_POSITIVE for t in meta[c]["tokens"] if t.strip()}
    neg = {t.strip() for c in LEXICON_NEGATIVE for t in meta[c]["tokens"] if t.strip()} - pos
    phrases = sorted(pos) + sorted(neg)
    return phrases, np.array([1] * len(pos) + [0] * len(neg), dtype=int)


def featurise(texts: Sequence[str], bits: int) -> Any:
    from scipy.sparse import csr_matrix

    indptr = [0]
    indices: list[int] = []
    data: list[float] = []
    for t in texts:
        idx, vals = screen_model.feature_indices(t, bits)
        indices.extend(idx)
        data.extend(vals)
        indptr.append(len(indices))
    return csr_matrix(
        (np.asarray(data, dtype=np.float32), np.asarray(indices), np.asarray(indptr)),
        shape=(len(texts), 1 << bits),
    )


def fit(x: Any, y: np.ndarray, c: float = C) -> tuple[np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(
        C=c, class_weight="balanced", solver="liblinear", max_iter=200, random_state=SEED
    )
    clf.fit(x, y)
    return clf.coef_.ravel().astype(np.float32), float(clf.intercept_[0])


def predict(x: Any, w: np.ndarray, b: float) -> np.ndarray:
    # Round weights to float16 as shipped, so CV scores match the artefact's behaviour.
    z = x @ w.astype(np.float16).astype(np.float32) + b
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def cross_validate(
    texts: list[str],
    y: np.ndarray,
    groups: list[str],
    x: Any,
    lex: tuple[Any, np.ndarray] | None,
    c: float = C,
) -> dict[str, Any]:
    """Out-of-fold predictions. Each post is scored by a model that never saw it, and its
    level uses thresholds chosen on the other folds' out-of-fold scores (not its own)."""
    from scipy.sparse import vstack
    from sklearn.model_selection import StratifiedKFold

    skf = StratifiedKFold(n_splits=N_FOLDS, shuffle=True, random_state=SEED)
    # Stratify by community so every fold holds 1/5 of every subreddit.
    folds = list(skf.split(np.zeros(len(y)), groups))
    p = np.zeros(len(y))
    for train_idx, test_idx in folds:
        xt, yt = x[train_idx], y[train_idx]
        if lex is not None:
            xt, yt = vstack([xt, lex[0]]), np.r_[yt, lex[1]]
        w, b = fit(xt, yt, c)
        p[test_idx] = predict(x[test_idx], w, b)
    rules = [analyse(t) for t in texts]
    rl = np.array([r.level for r in rules])
    dm = np.array([r.damped for r in rules])
    nw = np.array([n_words(r) for r in rules])
    level = np.zeros(len(y), dtype=int)
    fold_thresholds = []
    for _, test_idx in folds:
        other = np.setdiff1d(np.arange(len(y)), test_idx)
        th = choose_thresholds(rl[other], dm[other], p[other], y[other], nw[other], TARGET_RECALL)
        fold_thresholds.append(th.as_dict())
        level[test_idx] = combine_levels(rl[test_idx], dm[test_idx], p[test_idx], th, nw[test_idx])
    score = np.array([band_score(int(lv), float(pp)) for lv, pp in zip(level, p, strict=True)])
    records = [
        {"label": int(yy), "level": LEVELS[int(lv)], "score": float(s), "group": g}
        for yy, lv, s, g in zip(y, level, score, groups, strict=True)
    ]
    rules_only = [
        {"label": int(yy), "level": LEVELS[int(r)], "score": float(r) / 3, "group": g}
        for yy, r, g in zip(y, rl, groups, strict=True)
    ]
    return {
        "p": p,
        "rule_levels": rl,
        "damped": dm,
        "words": nw,
        "records": records,
        "report": evaluate(records),
        "rules_only_report": evaluate(rules_only),
        "model_only_auroc": evaluate(
            [
                {"label": int(a), "level": "none", "score": float(b)}
                for a, b in zip(y, p, strict=True)
            ]
        )["auroc"],
        "fold_thresholds": fold_thresholds,
    }


def train(
    rmhd: Path,
    lexicon: Path | None = None,
    out: Path | None = None,
    *,
    cv: bool = True,
    fmt: str = "text",
    oof_out: Path | None = None,
    bits: int = screen_model.DEFAULT_BITS,
    stdout: Writer = sys.stdout,
) -> dict[str, Any]:
    """Train on RMHD (+ lexicon), print out-of-fold metrics, write the artefact to ``out``.

    ``out=None`` only cross-validates. ``oof_out`` writes the out-of-fold predictions as JSON
    Lines (label, group, level, score: no text) for ``kindred screen --eval``-style reports.
    """
    texts, y, groups = load_rmhd(rmhd)
    _say(stdout, f"RMHD: {len(texts)} posts, {int(y.sum())} from r/{POSITIVE_GROUP}")
    x = featurise(texts, bits)
    lex = None
    if lexicon is not None:
        phrases, ly = load_lexicon(lexicon)
        lex = (featurise(phrases, bits), ly)
        _say(stdout, f"lexicon: {len(phrases)} phrases ({int(ly.sum())} suicidal)")

    result: dict[str, Any] = {}
    if cv:
        res = cross_validate(texts, y, groups, x, lex)
        result["cv"] = res["report"]
        _say(
            stdout,
            format_report(res["report"], fmt, f"RMHD {N_FOLDS}-fold out-of-fold: rules + model"),
        )
        _say(
            stdout,
            "\n"
            + format_report(
                {k: v for k, v in res["rules_only_report"].items() if k != "groups"},
                fmt,
                "RMHD: rules alone (no training involved)",
            ),
        )
        _say(stdout, f"\nmodel alone, out-of-fold AUROC: {res['model_only_auroc']:.3f}")
        _say(stdout, f"per-fold thresholds: {res['fold_thresholds']}")
        if oof_out is not None:
            with oof_out.open("w", encoding="utf-8") as fh:
                for i, r in enumerate(res["records"]):
                    fh.write(json.dumps({"id": i, **r}) + "\n")
        th = choose_thresholds(
            res["rule_levels"], res["damped"], res["p"], y, res["words"], TARGET_RECALL
        )
    else:
        th = Thresholds(0.5, 0.5, 0.9)

    if out is not None:
        xa, ya = x, y
        if lex is not None:
            from scipy.sparse import vstack

            xa, ya = vstack([x, lex[0]]), np.r_[y, lex[1]]
        w, b = fit(xa, ya)
        meta = {
            "model": "hashed word 1-2-gram + char 3-5-gram logistic regression",
            "training_data": {
                "rmhd": rmhd.name,
                "rmhd_posts": len(texts),
                "positive_group": POSITIVE_GROUP,
                "lexicon": lexicon is not None,
            },
            "C": C,
            "seed": SEED,
            "thresholds": th.as_dict(),
            "target_recall": TARGET_RECALL,
            "cv": _summary(result.get("cv")),
        }
        screen_model.save(out, w, b, bits, meta)
        size = sum(f.stat().st_size for f in out.iterdir() if f.is_file())
        _say(stdout, f"\nwrote {out} ({size / 1024:.0f} KiB); thresholds {th.as_dict()}")
    result["thresholds"] = th.as_dict()
    return result


def _summary(rep: dict[str, Any] | None) -> dict[str, float] | None:
    if rep is None:
        return None
    op = rep["thresholds"]["moderate"]
    return {
        "auroc": round(rep["auroc"], 4),
        "auprc": round(rep["auprc"], 4),
        "recall_at_moderate": round(op["recall"], 4),
        "precision_at_moderate": round(op["precision"], 4),
    }


def main(argv: Sequence[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--rmhd", type=Path, required=True)
    ap.add_argument("--lexicon", type=Path)
    ap.add_argument("--out", type=Path)
    ap.add_argument("--no-cv", action="store_true")
    ap.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    ap.add_argument("--oof-out", type=Path)
    a = ap.parse_args(argv)
    train(a.rmhd, a.lexicon, a.out, cv=not a.no_cv, fmt=a.format, oof_out=a.oof_out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
