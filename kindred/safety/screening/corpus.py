"""The risk screen's own corpus: texts written for it, each with a level, a kind and a family.

``corpus/*.jsonl`` holds one object per line: ``{"text", "level", "kind", "family"}``. A
family is one seed idea written several ways (chat and forum length, lowercase, typos,
slang, emoji); see docs/risk-screen-corpus.md for what each kind covers and how it was made.

Splits are by family, never by text, so near-duplicates of one idea never sit on both sides
of a split: each family goes to train, dev or test by a keyed hash of its id (seeded, stable
when families are added). Training and every threshold use train and dev only; test is read
once, for the report.

``challenge/*.jsonl`` has the same shape but is never trained on, split or tuned on: texts
written after the shipped artefacts were trained, for the kinds the screen misses most and
their look-alikes. It measures the shipped screen on writing it has never seen.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
CHALLENGE_DIR = Path(__file__).resolve().parent / "challenge"
LEVELS: tuple[str, ...] = ("none", "low", "moderate", "high")
SPLIT_SEED = "kindred-screen-2026"
# Shares of families: train 70 %, dev 15 %, test 15 %.
SPLITS: tuple[tuple[str, float], ...] = (("train", 0.70), ("dev", 0.85), ("test", 1.0))


@dataclass(frozen=True, slots=True)
class Example:
    text: str
    level: str
    kind: str
    family: str

    @property
    def rank(self) -> int:
        return LEVELS.index(self.level)


def split_of(family: str, seed: str = SPLIT_SEED) -> str:
    digest = hashlib.sha256(f"{seed}:{family}".encode()).digest()
    u = int.from_bytes(digest[:8], "big") / 2**64
    for name, upper in SPLITS:
        if u < upper:
            return name
    return SPLITS[-1][0]


def parse(lines: Iterable[str], source: str = "") -> list[Example]:
    out = []
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            ex = Example(str(obj["text"]), str(obj["level"]), str(obj["kind"]), str(obj["family"]))
        except (ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{source}:{lineno}: not a corpus record ({exc})") from exc
        if ex.level not in LEVELS:
            raise ValueError(f"{source}:{lineno}: unknown level {ex.level!r}")
        if not ex.text.strip():
            raise ValueError(f"{source}:{lineno}: empty text")
        out.append(ex)
    return out


def load(directory: Path = CORPUS_DIR) -> list[Example]:
    """Every example, in a stable order (files by name, lines in order); duplicates refused."""
    examples: list[Example] = []
    for path in sorted(directory.glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            examples.extend(parse(fh, path.name))
    seen: dict[str, str] = {}
    for ex in examples:
        key = " ".join(ex.text.lower().split())
        if key in seen and seen[key] != ex.family:
            raise ValueError(f"the same text is in families {seen[key]} and {ex.family}")
        seen[key] = ex.family
    return examples


def by_split(examples: Iterable[Example]) -> dict[str, list[Example]]:
    out: dict[str, list[Example]] = {name: [] for name, _ in SPLITS}
    for ex in examples:
        out[split_of(ex.family)].append(ex)
    return out
