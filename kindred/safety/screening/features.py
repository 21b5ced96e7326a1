"""What the window head reads besides the embedding: hashed n-grams and the rules' findings.

Sentence embeddings carry meaning but blur the small words that decide a look-alike ("my
friend wants to...", "...in minecraft", "never", "lol"); hashed word and character n-grams
keep them, and character n-grams survive typos and creative spelling. The rule layer's
findings (which families fired, which look-alike explained a hit away, its level) are the
third part, so the model learns how far to trust each rule instead of a regex deciding.

Identical at training and run time because both call these functions.
"""

from __future__ import annotations

import math
import re
import zlib
from functools import lru_cache

import numpy as np

from kindred.safety.screening.rules import FAMILIES, RuleResult, normalise

NGRAM_BITS = 16
_WORD = re.compile(r"[a-z0-9]+|[\U0001f300-\U0001faff]")
DAMPERS: tuple[str, ...] = (
    "negation",
    "third_person",
    "past",
    "hyperbole",
    "accident",
    "supportive",
    "second_person",
    "generic",
    "abuse",
)
RULE_FAMILIES: tuple[str, ...] = (
    *(f.name for f in FAMILIES),
    "timing",
    "means_nearby",
    "ambivalence",
)
N_RULE = len(DAMPERS) + len(RULE_FAMILIES) + 5  # + one-hot rule level (4) + laughter


@lru_cache(maxsize=65536)
def _word_hashes(word: str, bits: int) -> tuple[int, ...]:
    """The unigram and character n-gram buckets of one word (words repeat, so cached)."""
    mask = (1 << bits) - 1
    crc = zlib.crc32
    out = [crc(("w " + word).encode()) & mask]
    padded = " " + word + " "
    for n in (3, 4, 5):
        for i in range(len(padded) - n + 1):
            out.append(crc(("c" + padded[i : i + n]).encode()) & mask)
    return tuple(out)


def ngram_indices(
    text: str, bits: int = NGRAM_BITS, max_chars: int | None = None
) -> tuple[list[int], list[float]]:
    """Hashed word 1-2-grams and character 3-5-grams inside words, CRC-32 (stable across
    processes, unlike ``hash()``), sublinear counts, L2-normalised."""
    return normalised_ngram_indices(normalise(text[:max_chars] if max_chars else text), bits)


def normalised_ngram_indices(t: str, bits: int = NGRAM_BITS) -> tuple[list[int], list[float]]:
    """:func:`ngram_indices` of a text already passed through ``rules.normalise``."""
    mask = (1 << bits) - 1
    counts: dict[int, int] = {}
    crc = zlib.crc32
    prev = "<s>"
    for w in _WORD.findall(t):
        for h in (*_word_hashes(w, bits), crc(("b " + prev + " " + w).encode()) & mask):
            counts[h] = counts.get(h, 0) + 1
        prev = w
    if not counts:
        return [], []
    idx = list(counts)
    vals = [1.0 + math.log(c) for c in counts.values()]
    norm = math.sqrt(sum(v * v for v in vals))
    return idx, [v / norm for v in vals]


def rule_vector(rule: RuleResult) -> np.ndarray:
    v = np.zeros(N_RULE, dtype=np.float32)
    for h in rule.hits:
        if h.damper is None:
            if h.family in RULE_FAMILIES:
                v[len(DAMPERS) + RULE_FAMILIES.index(h.family)] = 1.0
        elif h.damper in DAMPERS:
            v[DAMPERS.index(h.damper)] = 1.0
    v[len(DAMPERS) + len(RULE_FAMILIES) + rule.level] = 1.0
    if "laughter" in rule.signals:
        v[-1] = 1.0
    return v
