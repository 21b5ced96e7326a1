"""Metrics for the risk screen from labelled data (numpy only).

A record is a mapping with ``label`` (0/1: 1 = the writer is at risk, e.g. posted in
r/SuicideWatch), ``level`` (one of LEVELS), ``score`` in [0, 1] and optionally ``group``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

LEVELS: tuple[str, ...] = ("none", "low", "moderate", "high")
OPERATING_POINT = "moderate"


def auroc(y: Sequence[int] | np.ndarray, s: Sequence[float] | np.ndarray) -> float:
    """Area under the ROC curve = P(score of a random positive > random negative), ties 1/2.

    Mann-Whitney: rank all scores (ties get their average rank), then
    AUROC = (sum of positive ranks - n_pos (n_pos + 1) / 2) / (n_pos n_neg).
    """
    yy = np.asarray(y, dtype=int)
    ss = np.asarray(s, dtype=float)
    n_pos = int(yy.sum())
    n_neg = len(yy) - n_pos
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    order = np.argsort(ss, kind="mergesort")
    sorted_s = ss[order]
    ranks = np.empty(len(ss), dtype=float)
    # Average rank over each run of tied scores (ranks are 1-based).
    i = 0
    while i < len(ss):
        j = i
        while j + 1 < len(ss) and sorted_s[j + 1] == sorted_s[i]:
            j += 1
        ranks[order[i : j + 1]] = (i + j) / 2.0 + 1.0
        i = j + 1
    return float((ranks[yy == 1].sum() - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg))


def auprc(y: Sequence[int] | np.ndarray, s: Sequence[float] | np.ndarray) -> float:
    """Average precision: sum over distinct thresholds of (recall gain) x precision there.

    Tied scores form one threshold (all of them enter together), as in scikit-learn.
    """
    yy = np.asarray(y, dtype=int)
    ss = np.asarray(s, dtype=float)
    n_pos = int(yy.sum())
    if n_pos == 0:
        return float("nan")
    order = np.argsort(-ss, kind="mergesort")
    ys, sv = yy[order], ss[order]
    tp = np.cumsum(ys)
    k = np.arange(1, len(ys) + 1)
    # Last index of each run of equal scores = where that threshold's counts are final.
    last = np.r_[np.nonzero(np.diff(sv))[0], len(sv) - 1]
    precision = tp[last] / k[last]
    recall = tp[last] / n_pos
    gains = np.diff(np.r_[0.0, recall])
    return float((gains * precision).sum())


def prf(y: np.ndarray, pred: np.ndarray) -> dict[str, float]:
    tp = int((pred & (y == 1)).sum())
    fp = int((pred & (y == 0)).sum())
    fn = int((~pred & (y == 1)).sum())
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    neg = int((y == 0).sum())
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "false_alarm_rate": fp / neg if neg else 0.0,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "flagged": int(pred.sum()),
    }


def evaluate(records: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    recs = list(records)
    y = np.array([int(r["label"]) for r in recs], dtype=int)
    score = np.array([float(r["score"]) for r in recs], dtype=float)
    lvl = np.array([LEVELS.index(str(r["level"])) for r in recs], dtype=int)
    out: dict[str, Any] = {
        "n": len(recs),
        "positives": int(y.sum()),
        "auroc": auroc(y, score),
        "auprc": auprc(y, score),
        "thresholds": {name: prf(y, lvl >= i) for i, name in enumerate(LEVELS) if i > 0},
        "confusion": {
            name: {
                "label_0": int(((lvl == i) & (y == 0)).sum()),
                "label_1": int(((lvl == i) & (y == 1)).sum()),
            }
            for i, name in enumerate(LEVELS)
        },
    }
    groups = [r.get("group") for r in recs]
    if any(g is not None for g in groups):
        per: dict[str, dict[str, Any]] = {}
        for g in sorted({str(g) for g in groups if g is not None}):
            mask = np.array([str(x) == g for x in groups])
            per[g] = {
                "n": int(mask.sum()),
                "positives": int(y[mask].sum()),
                **{
                    f"flag_{name}": float((lvl[mask] >= i).mean())
                    for i, name in enumerate(LEVELS)
                    if i > 0
                },
            }
        out["groups"] = per
    return out


def format_report(rep: Mapping[str, Any], fmt: str = "text", title: str = "") -> str:
    """Render :func:`evaluate` output as ``text``, ``markdown`` or ``json``."""
    if fmt == "json":
        return json.dumps(rep, indent=2, sort_keys=True)
    md = fmt == "markdown"
    lines: list[str] = []
    if title:
        lines += [f"### {title}" if md else title, ""]
    op = rep["thresholds"][OPERATING_POINT]
    lines.append(
        f"n={rep['n']} positives={rep['positives']}  AUROC={rep['auroc']:.3f}  "
        f"AUPRC={rep['auprc']:.3f}  at >= {OPERATING_POINT}: recall={op['recall']:.3f} "
        f"precision={op['precision']:.3f}"
    )
    lines.append("")
    head = ["threshold", "precision", "recall", "F1", "false-alarm rate", "flagged"]
    rows = [
        [
            f">= {k}",
            f"{v['precision']:.3f}",
            f"{v['recall']:.3f}",
            f"{v['f1']:.3f}",
            f"{v['false_alarm_rate']:.3f}",
            str(v["flagged"]),
        ]
        for k, v in rep["thresholds"].items()
    ]
    lines += [*_table(head, rows, md), ""]
    head = ["level", "label 0", "label 1"]
    rows = [[k, str(v["label_0"]), str(v["label_1"])] for k, v in rep["confusion"].items()]
    lines += _table(head, rows, md)
    if "groups" in rep:
        lines.append("")
        head = ["group", "n", "positives", ">= low", ">= moderate", ">= high"]
        rows = [
            [
                g,
                str(v["n"]),
                str(v["positives"]),
                f"{v['flag_low']:.3f}",
                f"{v['flag_moderate']:.3f}",
                f"{v['flag_high']:.3f}",
            ]
            for g, v in rep["groups"].items()
        ]
        lines += _table(head, rows, md)
    return "\n".join(lines)


def _table(head: list[str], rows: list[list[str]], md: bool) -> list[str]:
    if md:
        return [
            "| " + " | ".join(head) + " |",
            "|" + "|".join("---" for _ in head) + "|",
            *("| " + " | ".join(r) + " |" for r in rows),
        ]
    widths = [max(len(x) for x in col) for col in zip(head, *rows, strict=True)]
    return ["  ".join(x.ljust(w) for x, w in zip(r, widths, strict=True)) for r in [head, *rows]]
