"""Score the corpus's held-out test split with ``screen()`` as shipped, per level and per kind.

    python scripts/eval_corpus_test.py [--split test|challenge] [--misses high]

``kindred train_screen`` reports one artefact on the test split; this reads it through the
whole screen (rules, floors, and whichever artefact reads each text), which is what members
get. ``--split challenge`` reads the whole challenge set instead (never trained on). With
``--misses LEVEL`` it also lists the texts of that level rated below moderate.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kindred.safety.screening import LEVELS, screen
from kindred.safety.screening import corpus as corpus_mod


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", default="test", choices=("train", "dev", "test", "challenge"))
    ap.add_argument("--misses", choices=LEVELS, help="list texts of this level below moderate")
    args = ap.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    if args.split == "challenge":
        examples = corpus_mod.load(corpus_mod.CHALLENGE_DIR)
    else:
        examples = corpus_mod.by_split(corpus_mod.load())[args.split]
    rank = {name: i for i, name in enumerate(LEVELS)}
    got: dict[str, list[int]] = defaultdict(list)
    by_kind: dict[tuple[str, str], list[int]] = defaultdict(list)
    misses: list[tuple[str, str]] = []
    for ex in examples:
        level = rank[screen(ex.text).level]
        got[ex.level].append(level)
        by_kind[(ex.level, ex.kind)].append(level)
        if args.misses == ex.level and level < rank["moderate"]:
            misses.append((LEVELS[level], ex.text))

    def share(levels: list[int], at: int) -> str:
        return f"{sum(x >= at for x in levels) / len(levels):.3f}" if levels else "-"

    print(f"corpus {args.split} split, {len(examples)} texts, through screen()\n")
    print("| level | n | >= low | >= moderate | high |")
    print("|---|---|---|---|---|")
    for name in reversed(LEVELS):
        levels = got.get(name, [])
        print(
            f"| {name} | {len(levels)} | {share(levels, 1)} | {share(levels, 2)} | "
            f"{share(levels, 3)} |"
        )
    print("\n| level | kind | n | >= low | >= moderate | high |")
    print("|---|---|---|---|---|---|")
    for (name, kind), levels in sorted(by_kind.items(), key=lambda kv: (-rank[kv[0][0]], kv[0][1])):
        print(
            f"| {name} | {kind} | {len(levels)} | {share(levels, 1)} | {share(levels, 2)} | "
            f"{share(levels, 3)} |"
        )
    for level, text in misses:
        print(f"\n[{level}] {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
