"""Reproducible training of the semantic layer, with out-of-fold metrics.

Data:
* **The corpus** (``corpus/*.jsonl``, see :mod:`corpus`): texts written for the screen, with a
  level each. Train and dev (by family) fit the window head and choose every threshold,
  through 5-fold cross-validation grouped by family; test is scored once, for the report.
* **RMHD** (construct-tracker 1.0.16, Apache-2.0; Low et al., JMIR 2020):
  ``rmhd_27subreddits_260posts_test.csv``, 260 posts from each of 27 Reddit communities.
  Label 1 = r/suicidewatch. It fits the post head (with 5-fold out-of-fold scores, folds
  stratified by community) and sets the post head's threshold.
* The **Suicide Risk Lexicon** (same package) gives the construct names reported in
  ``signals``: each construct's tokens are embedded and averaged into a prototype.
* SDCNL is never read here: it stays held out for evaluation (``kindred screen --eval``).

scikit-learn is used only in this module (imported inside functions); inference needs numpy
and onnxruntime. Everything is seeded; two runs produce the same artefact.
"""

from __future__ import annotations

import csv
import hashlib
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from kindred.core.sentence_encoder import EncoderSpec, get_encoder
from kindred.safety.screening import corpus as corpus_mod
from kindred.safety.screening import features, semantic
from kindred.safety.screening.chunks import windows
from kindred.safety.screening.decide import Thresholds, decide_levels, floor_levels
from kindred.safety.screening.evaluate import LEVELS, evaluate, format_report
from kindred.safety.screening.rules import analyse

SEED = 20261206
N_FOLDS = 5
C_GRID = (8.0, 32.0)
C_POST = 4.0
MIL_ROUNDS = 2
POSITIVE_GROUP = "suicidewatch"
# Decision limits, checked on out-of-fold train+dev predictions. The benign part of the
# corpus is look-alikes only, the hardest benign text there is (everyday traffic is mostly
# not like it); at the 2 % / 10 % ceilings this model would miss half of the imminent texts,
# and a missed crisis costs more than a false alarm, so the ceilings on look-alikes are
# 5 % / 15 % and recall is as high as they allow.
MAX_BENIGN_MODERATE = 0.05
MAX_BENIGN_LOW = 0.15
MAX_BELOW_HIGH_AT_HIGH = 0.12
# Long posts: at most this share of posts from the 26 other RMHD communities (r/depression,
# r/lonely, r/legaladvice, ...) at >= moderate and >= low.
MAX_RMHD_FALSE_ALARMS = 0.10
MAX_RMHD_LOW = 0.25
RMHD_TARGET_RECALL = 0.90
# A rule family becomes a floor (its level stands whatever the model says) only if its live
# hits are right this often on train+dev.
FLOOR_PRECISION = 0.97
FLOOR_MIN_HITS = 8

CONSTRUCTS = {
    "Active suicidal ideation & suicidal planning": "active_ideation",
    "Passive suicidal ideation": "passive_ideation",
    "Lethal means for suicide": "lethal_means",
    "Direct self-injury": "self_injury",
    "Hopelessness": "hopelessness",
    "Burdensomeness": "burdensomeness",
    "Other suicidal language": "suicidal_language",
    "Loneliness & isolation": "loneliness",
}


class Writer(Protocol):
    def write(self, s: str, /) -> Any: ...


def _say(out: Writer, *parts: object) -> None:
    # Django's OutputWrapper appends its own newline; a plain stream gets one here.
    out.write(" ".join(str(p) for p in parts).rstrip("\n") + "\n")


# ----------------------------------------------------------------------------------- data


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


def load_constructs(directory: Path) -> dict[str, list[str]]:
    files = sorted(directory.glob("suicide_risk_lexicon_validated_*_metadata.json"))
    if not files:
        raise FileNotFoundError(f"no suicide_risk_lexicon_validated_*_metadata.json in {directory}")
    meta = json.loads(files[0].read_text(encoding="utf-8"))
    return {
        short: sorted({t.strip() for t in meta[name]["tokens"] if t.strip()})
        for name, short in CONSTRUCTS.items()
        if name in meta
    }


@dataclass
class Embedded:
    """Windows of many texts: row ``r`` of ``emb``/``feats`` is window ``parts[r]`` of text
    ``owner[r]``; ``feats`` is what the window head reads (embedding, n-grams, rules)."""

    emb: np.ndarray
    owner: np.ndarray
    n_words: np.ndarray
    parts: list[str]
    feats: Any = None

    def of(self, i: int) -> np.ndarray:
        return self.emb[self.owner == i]


def window_matrix(emb: np.ndarray, parts: Sequence[str]) -> Any:
    """CSR rows [embedding | hashed n-grams | rule vector], the window head's input."""
    from scipy.sparse import csr_matrix, hstack

    indptr = [0]
    indices: list[int] = []
    values: list[float] = []
    for part in parts:
        idx, vals = features.ngram_indices(part)
        indices.extend(idx)
        values.extend(vals)
        indptr.append(len(indices))
    ngrams = csr_matrix(
        (np.asarray(values, dtype=np.float32), np.asarray(indices), np.asarray(indptr)),
        shape=(len(parts), 1 << features.NGRAM_BITS),
    )
    rule_rows = np.array([features.rule_vector(analyse(p)) for p in parts], dtype=np.float32)
    return hstack([csr_matrix(emb), ngrams, csr_matrix(rule_rows)]).tocsr()


def split_weights(w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    dim = semantic.ENCODER.dim
    n = 1 << features.NGRAM_BITS
    return w[:dim], w[dim : dim + n], w[dim + n :]


def _as_shipped(w: np.ndarray) -> np.ndarray:
    """Weights as the artefact stores them (the n-gram block in float16), so out-of-fold
    scores match what the shipped model will do."""
    e, g, r = split_weights(w)
    return np.vstack([e, g.astype(np.float16).astype(np.float32), r])


def embed_texts(
    texts: Sequence[str], cache: Path | None = None, encoder: EncoderSpec | None = None
) -> Embedded:
    """Window embeddings of ``texts``; with ``cache``, each window's embedding is kept by the
    encoder and a hash of the window's text, so adding texts to the corpus embeds only the
    new windows."""
    encoder = encoder or semantic.ENCODER
    parts: list[str] = []
    owner: list[int] = []
    for i, t in enumerate(texts):
        ws = windows(semantic.prepare(t)) or [""]
        parts.extend(ws)
        owner.extend([i] * len(ws))
    emb = _cached_encode(parts, cache, encoder)
    n_words = np.array([len(t.split()) for t in texts], dtype=int)
    return Embedded(emb, np.asarray(owner, dtype=int), n_words, parts, window_matrix(emb, parts))


def _window_key(part: str) -> str:
    return hashlib.sha256(part.encode()).hexdigest()[:20]


def _cached_encode(parts: Sequence[str], cache: Path | None, encoder: EncoderSpec) -> np.ndarray:
    if cache is None:
        return get_encoder(encoder).encode(list(parts))
    store = cache / f"windows-{hashlib.sha256(encoder.name.encode()).hexdigest()[:12]}.npz"
    known: dict[str, np.ndarray] = {}
    if store.is_file():
        with np.load(store) as z:
            known = dict(zip(z["keys"].tolist(), z["emb"], strict=True))
    keys = [_window_key(p) for p in parts]
    missing = sorted({k: p for k, p in zip(keys, parts, strict=True) if k not in known}.items())
    if missing:
        fresh = get_encoder(encoder).encode([p for _, p in missing])
        known.update({k: fresh[j] for j, (k, _) in enumerate(missing)})
        cache.mkdir(parents=True, exist_ok=True)
        names = sorted(known)
        np.savez(store, keys=np.array(names), emb=np.stack([known[k] for k in names]))
    return np.stack([known[k] for k in keys]).astype(np.float32)


# ------------------------------------------------------------------------------ fitting


def _fit_binary(x: np.ndarray, y: np.ndarray, c: float) -> tuple[np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=c, class_weight="balanced", max_iter=2000, random_state=SEED)
    clf.fit(x, y)
    return clf.coef_.ravel().astype(np.float32), float(clf.intercept_[0])


def fit_window_head(
    data: Embedded, idx: np.ndarray, ranks: np.ndarray, c: float
) -> tuple[np.ndarray, np.ndarray]:
    """Three cumulative heads (>= low, >= moderate, high) by multiple-instance learning.

    A text's level belongs to the text, not to every window of it: a long post labelled high
    may have one risky sentence among ordinary ones. Windows of texts labelled none are
    negatives; a risky text contributes only its riskiest window, found by the previous
    round's model (the first round uses one-window texts only).
    """
    w = np.zeros((data.feats.shape[1], 3), dtype=np.float32)
    b = np.zeros(3, dtype=np.float32)
    rows_by_text = {int(i): np.nonzero(data.owner == i)[0] for i in idx}
    for round_ in range(MIL_ROUNDS + 1):
        rows: list[int] = []
        labels: list[int] = []
        for i in idx:
            r = rows_by_text[int(i)]
            rank = int(ranks[i])
            if rank == 0:
                rows.extend(r.tolist())
                labels.extend([0] * len(r))
            elif len(r) == 1:
                rows.append(int(r[0]))
                labels.append(rank)
            elif round_ > 0:
                probs = semantic.cumulative(data.feats[r] @ w + b)
                rows.append(int(r[int(np.argmax(probs @ np.array([1.0, 2.0, 4.0])))]))
                labels.append(rank)
        x = data.feats[rows]
        lab = np.asarray(labels)
        for k in range(3):
            w[:, k], b[k] = _fit_binary(x, (lab >= k + 1).astype(int), c)
        w = _as_shipped(w)
    return w, b


def text_scores(data: Embedded, idx: np.ndarray, w: np.ndarray, b: np.ndarray) -> np.ndarray:
    """(len(idx), 3): the riskiest window's cumulative probabilities for each text."""
    probs = semantic.cumulative(data.feats @ w + b)
    out = np.zeros((len(idx), 3))
    for j, i in enumerate(idx):
        out[j] = probs[data.owner == i].max(axis=0)
    return out


def post_features(data: Embedded, texts: Sequence[str], maxima: np.ndarray) -> Any:
    """CSR rows [mean window embedding | window maxima | whole-text n-grams] per text."""
    from scipy.sparse import csr_matrix, hstack

    n = len(texts)
    dense = np.zeros((n, data.emb.shape[1] + 3), dtype=np.float32)
    for i in range(n):
        dense[i, : data.emb.shape[1]] = data.of(i).mean(axis=0)
    dense[:, data.emb.shape[1] :] = maxima
    indptr = [0]
    indices: list[int] = []
    values: list[float] = []
    for t in texts:
        idx, vals = features.ngram_indices(semantic.prepare(t), max_chars=semantic.POST_NGRAM_CHARS)
        indices.extend(idx)
        values.extend(vals)
        indptr.append(len(indices))
    ngrams = csr_matrix(
        (np.asarray(values, dtype=np.float32), np.asarray(indices), np.asarray(indptr)),
        shape=(n, 1 << features.NGRAM_BITS),
    )
    return hstack([csr_matrix(dense), ngrams]).tocsr()


def group_folds(families: Sequence[str], n_folds: int = N_FOLDS) -> list[np.ndarray]:
    fams = sorted(set(families))
    rng = np.random.default_rng(SEED)
    order = rng.permutation(len(fams))
    fold_of = {fams[j]: k % n_folds for k, j in enumerate(order)}
    f = np.array([fold_of[x] for x in families])
    return [np.nonzero(f == k)[0] for k in range(n_folds)]


# --------------------------------------------------------------------------- thresholds


def _best(
    grid: np.ndarray, recall_of: Any, cost_of: Any, max_cost: float
) -> tuple[float, float, float]:
    """The threshold with the highest recall whose cost stays under ``max_cost``."""
    best: tuple[float, float, float] | None = None
    for t in grid:
        cost = cost_of(t)
        if cost > max_cost:
            continue
        rec = recall_of(t)
        if best is None or rec > best[1] or (rec == best[1] and t > best[0]):
            best = (float(t), float(rec), float(cost))
    if best is None:
        t = float(grid[-1])
        return t, float(recall_of(t)), float(cost_of(t))
    return best


def choose_thresholds(scores: np.ndarray, ranks: np.ndarray) -> tuple[Thresholds, dict[str, Any]]:
    grid = np.round(np.linspace(0.05, 0.995, 190), 4)
    benign = ranks == 0
    t_mod = _best(
        grid,
        lambda t: (scores[ranks >= 2, 1] >= t).mean(),
        lambda t: (scores[benign, 1] >= t).mean(),
        MAX_BENIGN_MODERATE,
    )
    below_high = ranks < 3
    t_high = _best(
        grid[grid >= t_mod[0]],
        lambda t: (scores[ranks == 3, 2] >= t).mean(),
        lambda t: max((scores[below_high, 2] >= t).mean(), (scores[benign, 2] >= t).mean() * 10),
        MAX_BELOW_HIGH_AT_HIGH,
    )
    t_low = _best(
        grid[grid <= t_mod[0]],
        lambda t: (scores[ranks >= 1, 0] >= t).mean(),
        lambda t: (scores[benign, 0] >= t).mean(),
        MAX_BENIGN_LOW,
    )
    th = Thresholds(t_low[0], t_mod[0], t_high[0], 1.01, t_low[0], t_mod[0], t_high[0])
    why = {
        "t_low": {"recall_at_low": t_low[1], "benign_at_low": t_low[2]},
        "t_moderate": {"recall_at_moderate": t_mod[1], "benign_at_moderate": t_mod[2]},
        "t_high": {"recall_at_high": t_high[1], "cost": t_high[2]},
    }
    return th, why


def choose_long_thresholds(
    th: Thresholds,
    r_scores: np.ndarray,
    r_post: np.ndarray,
    r_y: np.ndarray,
    c_scores: np.ndarray,
    c_post: np.ndarray,
    c_ranks: np.ndarray,
) -> tuple[Thresholds, dict[str, Any]]:
    """Thresholds for long posts. (t_moderate_long, t_post) together: the most recall of
    r/suicidewatch and of the corpus's risky long texts at >= moderate, with at most
    ``MAX_RMHD_FALSE_ALARMS`` of other communities' posts and ``MAX_BENIGN_MODERATE`` of the
    corpus's long look-alikes flagged. Then high and low on the same principle."""
    grid = np.round(np.linspace(0.3, 0.995, 70), 4)
    r_neg, c_benign = r_y == 0, c_ranks == 0
    n_r_pos, n_c_risk = max(int(r_y.sum()), 1), max(int((c_ranks >= 2).sum()), 1)
    best: tuple[float, float, float] | None = None
    for tm in grid:
        r_win = r_scores[:, 1] >= tm
        c_win = c_scores[:, 1] >= tm
        for tp in grid:
            r_flag = r_win | (r_post >= tp)
            c_flag = c_win | (c_post >= tp)
            if r_flag[r_neg].mean() > MAX_RMHD_FALSE_ALARMS:
                continue
            if c_benign.any() and c_flag[c_benign].mean() > MAX_BENIGN_MODERATE:
                continue
            gain = (r_flag & (r_y == 1)).sum() / n_r_pos + (
                c_flag & (c_ranks >= 2)
            ).sum() / n_c_risk
            if best is None or gain > best[0]:
                best = (float(gain), float(tm), float(tp))
    t_mod, t_post = (best[1], best[2]) if best else (0.995, 0.995)
    t_high = _best(
        grid[grid >= t_mod],
        lambda t: (c_scores[c_ranks == 3, 2] >= t).mean() if (c_ranks == 3).any() else 0.0,
        lambda t: max(
            (r_scores[r_neg, 2] >= t).mean() * 10,
            (c_scores[c_ranks < 3, 2] >= t).mean() if (c_ranks < 3).any() else 0.0,
        ),
        MAX_BELOW_HIGH_AT_HIGH,
    )[0]
    t_low = _best(
        grid[grid <= t_mod],
        lambda t: (c_scores[c_ranks >= 1, 0] >= t).mean(),
        lambda t: max(
            (c_scores[c_benign, 0] >= t).mean() if c_benign.any() else 0.0,
            (r_scores[r_neg, 0] >= t).mean() * MAX_BENIGN_LOW / MAX_RMHD_LOW,
        ),
        MAX_BENIGN_LOW,
    )[0]
    out = Thresholds(th.t_low, th.t_moderate, th.t_high, t_post, t_low, t_mod, t_high)
    r_flag = (r_scores[:, 1] >= t_mod) | (r_post >= t_post)
    why = {
        "long": {
            "rmhd_recall_at_moderate": float(r_flag[r_y == 1].mean()),
            "rmhd_false_alarms_at_moderate": float(r_flag[r_neg].mean()),
        }
    }
    return out, why


def _auroc(y: np.ndarray, p: np.ndarray) -> float:
    from kindred.safety.screening.evaluate import auroc

    return auroc(y, p)


def choose_floors(texts: Sequence[str], ranks: np.ndarray) -> dict[str, int]:
    """Rule families precise enough on train+dev to stand as floors at their own level."""
    stats: dict[str, list[int]] = {}
    for text, rank in zip(texts, ranks, strict=True):
        seen: dict[str, int] = {}
        for h in analyse(text).hits:
            if h.damper is None:
                seen[h.family] = max(seen.get(h.family, 0), h.level)
        for fam, lvl in seen.items():
            ok, n, level = stats.setdefault(fam, [0, 0, lvl])
            stats[fam] = [ok + int(rank >= lvl), n + 1, max(level, lvl)]
    return {
        fam: lvl
        for fam, (ok, n, lvl) in sorted(stats.items())
        if n >= FLOOR_MIN_HITS and ok / n >= FLOOR_PRECISION
    }


# -------------------------------------------------------------------------------- train


def _report_corpus(
    name: str, levels: np.ndarray, ranks: np.ndarray, kinds: Sequence[str]
) -> dict[str, Any]:
    def share(mask: np.ndarray, at: int) -> float:
        return float((levels[mask] >= at).mean()) if mask.any() else float("nan")

    out: dict[str, Any] = {
        "n": len(ranks),
        "high_at_moderate": share(ranks == 3, 2),
        "high_at_high": share(ranks == 3, 3),
        "moderate_at_moderate": share(ranks == 2, 2),
        "low_at_low": share(ranks == 1, 1),
        "benign_at_moderate": share(ranks == 0, 2),
        "benign_at_low": share(ranks == 0, 1),
    }
    per_kind: dict[str, dict[str, Any]] = {}
    karr = np.asarray(kinds)
    for k in sorted(set(kinds)):
        m = karr == k
        per_kind[k] = {
            "n": int(m.sum()),
            "level": LEVELS[int(np.bincount(ranks[m]).argmax())],
            "at_low": share(m, 1),
            "at_moderate": share(m, 2),
            "at_high": share(m, 3),
        }
    out["kinds"] = per_kind
    out["name"] = name
    return out


def format_corpus_report(rep: dict[str, Any], md: bool = True) -> str:
    lines = [f"### {rep['name']} (n={rep['n']})", ""]
    lines.append("| measure | value |")
    lines.append("|---|---|")
    for key in (
        "high_at_moderate",
        "high_at_high",
        "moderate_at_moderate",
        "low_at_low",
        "benign_at_moderate",
        "benign_at_low",
    ):
        lines.append(f"| {key.replace('_', ' ')} | {rep[key]:.3f} |")
    lines += ["", "| kind | level | n | >= low | >= moderate | high |", "|---|---|---|---|---|---|"]
    for k, v in rep["kinds"].items():
        lines.append(
            f"| {k} | {v['level']} | {v['n']} | {v['at_low']:.2f} | {v['at_moderate']:.2f} | "
            f"{v['at_high']:.2f} |"
        )
    return "\n".join(lines)


def train(
    rmhd: Path,
    lexicon: Path | None = None,
    out: Path | None = None,
    *,
    corpus_dir: Path = corpus_mod.CORPUS_DIR,
    fmt: str = "text",
    oof_out: Path | None = None,
    cache: Path | None = None,
    stdout: Writer = sys.stdout,
    encoder: EncoderSpec | None = None,
) -> dict[str, Any]:
    """Fit both heads, choose thresholds on train+dev out-of-fold, report, write ``out``."""
    encoder = encoder or semantic.ENCODER
    md = fmt == "markdown"
    examples = corpus_mod.load(corpus_dir)
    splits = corpus_mod.by_split(examples)
    fit_set = splits["train"] + splits["dev"]
    test_set = splits["test"]
    _say(
        stdout,
        f"corpus: {len(examples)} texts; train+dev {len(fit_set)} "
        f"({len({e.family for e in fit_set})} families), test {len(test_set)}",
    )
    texts = [e.text for e in fit_set] + [e.text for e in test_set]
    ranks = np.array([e.rank for e in fit_set] + [e.rank for e in test_set])
    kinds = [e.kind for e in fit_set] + [e.kind for e in test_set]
    n_fit = len(fit_set)
    fit_idx = np.arange(n_fit)
    test_idx = np.arange(n_fit, len(texts))
    data = embed_texts(texts, cache, encoder)

    # 1. Window head: C by out-of-fold log-loss, then out-of-fold scores for thresholds.
    folds = group_folds([e.family for e in fit_set])
    best_c, best_loss, oof = C_GRID[0], float("inf"), np.zeros((n_fit, 3))
    for c in C_GRID:
        scores = np.zeros((n_fit, 3))
        for k in range(N_FOLDS):
            held = folds[k]
            trn = np.setdiff1d(fit_idx, held)
            w, b = fit_window_head(data, trn, ranks, c)
            scores[held] = text_scores(data, held, w, b)
        loss = _cumulative_log_loss(scores, ranks[:n_fit])
        _say(stdout, f"window head C={c}: out-of-fold log-loss {loss:.4f}")
        if loss < best_loss:
            best_c, best_loss, oof = c, loss, scores
    th, why = choose_thresholds(oof, ranks[:n_fit])
    floors = choose_floors([e.text for e in fit_set], ranks[:n_fit])
    _say(stdout, f"chosen C={best_c}; thresholds {th}; {why}")
    _say(stdout, f"rule floors: {floors}")
    w, b = fit_window_head(data, fit_idx, ranks, best_c)

    # 2. Post head on RMHD (the window head never saw RMHD, so its maxima there are unbiased).
    r_texts, r_y, r_groups = load_rmhd(rmhd)
    _say(stdout, f"RMHD: {len(r_texts)} posts, {int(r_y.sum())} from r/{POSITIVE_GROUP}")
    r_data = embed_texts(r_texts, cache, encoder)
    r_scores = text_scores(r_data, np.arange(len(r_texts)), w, b)
    r_x = post_features(r_data, r_texts, r_scores)
    from sklearn.model_selection import StratifiedKFold

    skf = StratifiedKFold(n_splits=N_FOLDS, shuffle=True, random_state=SEED)
    p_post = np.zeros(len(r_texts))
    for trn, held in skf.split(np.zeros(len(r_y)), r_groups):
        pw, pb = _fit_binary(r_x[trn], r_y[trn], C_POST)
        p_post[held] = _sigmoid(r_x[held] @ pw.astype(np.float16).astype(np.float32) + pb)
    pw, pb = _fit_binary(r_x, r_y, C_POST)
    pw = pw.astype(np.float16).astype(np.float32)
    _say(stdout, f"post head alone, RMHD out-of-fold AUROC {_auroc(r_y, p_post):.3f}")

    # 3. Long-text thresholds, on RMHD (out-of-fold post head) and the corpus's long texts
    # (out-of-fold windows; the post head never saw the corpus).
    fit_texts = [e.text for e in fit_set]
    c_long = data.n_words[fit_idx] >= semantic.POST_MIN_WORDS
    c_sub = Embedded(
        data.emb[np.isin(data.owner, fit_idx)],
        data.owner[np.isin(data.owner, fit_idx)],
        data.n_words[fit_idx],
        [],
    )
    c_post = _sigmoid(post_features(c_sub, fit_texts, oof) @ pw + pb)
    r_long = r_data.n_words >= semantic.POST_MIN_WORDS
    th, why_long = choose_long_thresholds(
        th,
        r_scores[r_long],
        p_post[r_long],
        r_y[r_long],
        oof[c_long],
        c_post[c_long],
        ranks[fit_idx][c_long],
    )
    why.update(why_long)
    _say(stdout, f"thresholds {th.as_dict()}")

    # 4. Reports: out-of-fold corpus, held-out test split, RMHD out-of-fold.
    all_rules = [analyse(t) for t in texts]
    oof_post = np.where(c_long, c_post, -1.0)
    oof_levels = decide_levels(oof, oof_post, th, floor_levels(all_rules[:n_fit], floors))
    test_scores = text_scores(data, test_idx, w, b)
    t_sub = Embedded(
        data.emb[np.isin(data.owner, test_idx)],
        data.owner[np.isin(data.owner, test_idx)] - n_fit,
        data.n_words[test_idx],
        [],
    )
    t_post_p = _sigmoid(post_features(t_sub, texts[n_fit:], test_scores) @ pw + pb)
    test_post = np.where(data.n_words[test_idx] >= semantic.POST_MIN_WORDS, t_post_p, -1.0)
    test_levels = decide_levels(test_scores, test_post, th, floor_levels(all_rules[n_fit:], floors))
    rep_oof = _report_corpus(
        "corpus train+dev, out-of-fold", oof_levels, ranks[:n_fit], kinds[:n_fit]
    )
    rep_test = _report_corpus(
        "corpus test split (held out)", test_levels, ranks[n_fit:], kinds[n_fit:]
    )
    r_rules = [analyse(t) for t in r_texts]
    r_post = np.where(r_long, p_post, -1.0)
    r_levels = decide_levels(r_scores, r_post, th, floor_levels(r_rules, floors))
    r_score = _band_scores(r_levels, r_scores, r_post)
    r_records = [
        {"label": int(yy), "level": LEVELS[int(lv)], "score": float(sc), "group": g}
        for yy, lv, sc, g in zip(r_y, r_levels, r_score, r_groups, strict=True)
    ]
    rep_rmhd = evaluate(r_records)
    _say(stdout, "\n" + format_corpus_report(rep_oof, md))
    _say(stdout, "\n" + format_corpus_report(rep_test, md))
    _say(stdout, "\n" + format_report(rep_rmhd, fmt, "RMHD 5-fold out-of-fold (post head)"))
    if oof_out is not None:
        with oof_out.open("w", encoding="utf-8") as fh:
            for i, r in enumerate(r_records):
                fh.write(json.dumps({"id": i, **r}) + "\n")

    if out is not None:
        prototypes = _prototypes(lexicon, data, fit_idx, ranks, kinds, encoder)
        meta = {
            "encoder": encoder.name,
            "model": "MiniLM window embeddings -> cumulative logistic heads (window, post)",
            "training_data": {
                "corpus_texts": n_fit,
                "corpus_families": len({e.family for e in fit_set}),
                "rmhd": rmhd.name,
                "rmhd_posts": len(r_texts),
                "positive_group": POSITIVE_GROUP,
                "lexicon": lexicon is not None,
            },
            "C_window": best_c,
            "C_post": C_POST,
            "seed": SEED,
            "thresholds": th.as_dict(),
            "threshold_choice": why,
            "floors": floors,
            "prototype_names": prototypes[0],
            "cv": {
                "corpus_oof": _summary_corpus(rep_oof),
                "corpus_test": _summary_corpus(rep_test),
                "rmhd_oof": _summary(rep_rmhd),
            },
        }
        emb_w, ngram_w, rule_w = split_weights(w)
        semantic.save(
            out,
            semantic.SemanticModel(emb_w, ngram_w, rule_w, b, pw, pb, meta, prototypes[1]),
        )
        size = sum(f.stat().st_size for f in out.iterdir() if f.is_file())
        _say(stdout, f"\nwrote {out} ({size / 1024:.0f} KiB)")
    return {"thresholds": th.as_dict(), "floors": floors, "corpus_test": rep_test, "rmhd": rep_rmhd}


def _prototypes(
    lexicon: Path | None,
    data: Embedded,
    fit_idx: np.ndarray,
    ranks: np.ndarray,
    kinds: Sequence[str],
    encoder: EncoderSpec,
) -> tuple[list[str], np.ndarray]:
    """Named unit vectors for ``signals``: corpus kinds of risk, and lexicon constructs."""
    names: list[str] = []
    vecs: list[np.ndarray] = []
    karr = np.asarray(kinds)
    for kind in sorted({kinds[i] for i in fit_idx if ranks[i] > 0}):
        rows = [data.of(int(i)).mean(axis=0) for i in fit_idx if karr[i] == kind and ranks[i] > 0]
        names.append(f"like:{kind}")
        vecs.append(np.mean(rows, axis=0))
    if lexicon is not None:
        enc = get_encoder(encoder)
        for short, tokens in load_constructs(lexicon).items():
            names.append(f"construct:{short}")
            vecs.append(enc.encode(tokens).mean(axis=0))
    mat = np.array(vecs, dtype=np.float32)
    mat /= np.clip(np.linalg.norm(mat, axis=1, keepdims=True), 1e-9, None)
    return names, mat


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def _cumulative_log_loss(scores: np.ndarray, ranks: np.ndarray) -> float:
    eps = 1e-6
    total = 0.0
    for k in range(3):
        y = ranks >= k + 1
        p = np.clip(scores[:, k], eps, 1 - eps)
        total += float(-(y * np.log(p) + (~y) * np.log(1 - p)).mean())
    return total


def _band_scores(levels: np.ndarray, scores: np.ndarray, post: np.ndarray) -> np.ndarray:
    from kindred.safety.screening.decide import band_score

    return np.array(
        [
            band_score(int(lv), float(max(s[1], p)))
            for lv, s, p in zip(levels, scores, post, strict=True)
        ]
    )


def _summary(rep: dict[str, Any]) -> dict[str, float]:
    op = rep["thresholds"]["moderate"]
    return {
        "auroc": round(rep["auroc"], 4),
        "auprc": round(rep["auprc"], 4),
        "recall_at_moderate": round(op["recall"], 4),
        "false_alarm_rate_at_moderate": round(op["false_alarm_rate"], 4),
    }


def _summary_corpus(rep: dict[str, Any]) -> dict[str, float]:
    return {k: round(v, 4) for k, v in rep.items() if isinstance(v, float)}
