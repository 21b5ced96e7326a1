"""Learned layer of the risk screen: hashed n-gram logistic regression, numpy-only inference.

Features (identical at training and run time because both call :func:`feature_indices`):
word unigrams and bigrams plus character 3-5-grams inside word boundaries, each hashed with
CRC-32 (stable across processes, unlike ``hash()``) into ``2**bits`` buckets, sublinear counts
(1 + log tf) and L2 normalisation. Character n-grams make the model robust to typos and
creative spelling ("suicidle", "kil myslef") that whole-word features miss.

The weights live in ``model/weights.npz`` (float16 to keep the artefact small) and the
hyper-parameters and thresholds in ``model/meta.json``; both are loaded once, lazily.
"""

from __future__ import annotations

import json
import math
import re
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kindred.safety.screening.rules import normalise

ARTEFACT_DIR = Path(__file__).resolve().parent / "model"
DEFAULT_BITS = 18
_WORD = re.compile(r"[a-z0-9]+|[\U0001f300-\U0001faff]")
# Cap the text we featurise: long posts are still represented by their first ~4,000
# characters, and the cap bounds the worst-case latency of an inline check.
MAX_CHARS = 4000


def feature_indices(text: str, bits: int = DEFAULT_BITS) -> tuple[list[int], list[float]]:
    """Hashed feature indices and their (sublinear, L2-normalised) values for one text."""
    t = normalise(text[:MAX_CHARS])
    mask = (1 << bits) - 1
    counts: dict[int, int] = {}
    crc = zlib.crc32
    words = _WORD.findall(t)
    prev = "<s>"
    for w in words:
        for key in ("w " + w, "b " + prev + " " + w):
            h = crc(key.encode()) & mask
            counts[h] = counts.get(h, 0) + 1
        prev = w
        padded = " " + w + " "
        n_chars = len(padded)
        for n in (3, 4, 5):
            for i in range(n_chars - n + 1):
                h = crc(("c" + padded[i : i + n]).encode()) & mask
                counts[h] = counts.get(h, 0) + 1
    if not counts:
        return [], []
    idx = list(counts)
    vals = [1.0 + math.log(c) for c in counts.values()]
    norm = math.sqrt(sum(v * v for v in vals))
    return idx, [v / norm for v in vals]


@dataclass(frozen=True)
class LinearModel:
    weights: np.ndarray  # float32, shape (2**bits,)
    bias: float
    bits: int
    meta: dict[str, Any]

    def predict(self, text: str) -> float:
        """Probability-like score in [0, 1] that the text is from a suicidal writer."""
        idx, vals = feature_indices(text, self.bits)
        z = self.bias
        if idx:
            z += float(np.dot(self.weights[idx], np.asarray(vals, dtype=np.float32)))
        # Clip the logit so exp() cannot overflow on adversarial input.
        z = max(-30.0, min(30.0, z))
        return 1.0 / (1.0 + math.exp(-z))


def save(out_dir: Path, weights: np.ndarray, bias: float, bits: int, meta: dict[str, Any]) -> None:
    out_dir.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out_dir / "weights.npz", w=weights.astype(np.float16), b=np.float32(bias))
    meta = {**meta, "bits": bits}
    (out_dir / "meta.json").write_text(json.dumps(meta, indent=2, sort_keys=True) + "\n")


def load(directory: Path = ARTEFACT_DIR) -> LinearModel:
    meta = json.loads((directory / "meta.json").read_text())
    with np.load(directory / "weights.npz") as z:
        w = z["w"].astype(np.float32)
        b = float(z["b"])
    bits = int(meta["bits"])
    if w.shape != (1 << bits,):
        raise ValueError(f"weights shape {w.shape} does not match bits={bits}")
    return LinearModel(w, b, bits, meta)


_lock = threading.Lock()
_cached: LinearModel | None = None


def get_model() -> LinearModel:
    """The shipped model, loaded once per process (thread-safe)."""
    global _cached
    if _cached is None:
        with _lock:
            if _cached is None:
                _cached = load()
    return _cached
