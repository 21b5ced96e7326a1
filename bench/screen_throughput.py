"""Throughput and latency of ``screen()`` on one core.

    python bench/screen_throughput.py [--n 5000] [--jsonl FILE]

Texts are invented chat-style messages (varied length, risk and look-alikes), or the "text"
field of a JSON Lines file. Prints texts/s and p50/p99/max latency in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kindred.safety.screening import screen

OPENERS = ["", "honestly ", "idk ", "ugh ", "so ", "lol ", "tbh ", "i guess "]
BODIES = [
    "hey how was your weekend",
    "this exam is killing me",
    "i want to kill myself",
    "i dont want to wake up tomorrow",
    "my friend said she wants to die, what do i do",
    "if you are thinking of suicide please call 988",
    "i wrote my suicide note",
    "kms",
    "thinking about sewerslide again",
    "five years ago i attempted, now im doing well",
    "i would never kill myself",
    "thanks for listening, it really helped today",
    "i feel so hopeless and alone",
    "i just took all my pills",
    "anyone else finding the new group schedule confusing",
    "i cut myself again last night",
    "my therapist said to try journaling before bed",
    "could kill for a pizza rn",
]
FILLER = (
    "work was long and my manager keeps piling things on, i barely slept and i keep going "
    "over the same thoughts about money and my family and whether any of this gets better"
)


def invented(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts = [rng.choice(OPENERS) + rng.choice(BODIES)]
        r = rng.random()
        if r < 0.3:
            parts.append(FILLER[: rng.randint(20, len(FILLER))])
        elif r < 0.4:
            parts = [FILLER, *parts, FILLER]  # a longer post-like message
        text = ". ".join(parts)
        if rng.random() < 0.3:
            text = text.upper() if rng.random() < 0.2 else text.capitalize()
        out.append(text)
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=5000)
    ap.add_argument("--jsonl", type=Path)
    a = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    if a.jsonl:
        with a.jsonl.open(encoding="utf-8") as fh:
            texts = [str(json.loads(line)["text"]) for line in fh if line.strip()][: a.n]
    else:
        texts = invented(a.n)
    screen("warm up: load the model once")
    # Wall time includes being preempted by other processes on a busy machine; CPU time
    # (thread_time) is what screen() itself costs. Both are reported.
    wall, cpu = [], []
    t0, c0 = time.perf_counter(), time.thread_time()
    for t in texts:
        s, cs = time.perf_counter(), time.thread_time()
        screen(t)
        cpu.append((time.thread_time() - cs) * 1000)
        wall.append((time.perf_counter() - s) * 1000)
    total, total_cpu = time.perf_counter() - t0, time.thread_time() - c0
    mean_chars = statistics.fmean(len(t) for t in texts)
    print(f"texts: {len(texts)} (mean {mean_chars:.0f} chars)")
    print(
        f"throughput: {len(texts) / total:,.0f} texts/s wall, "
        f"{len(texts) / total_cpu:,.0f} texts/s per CPU-second (one core)"
    )
    for name, lat in (("wall", wall), ("cpu", cpu)):
        lat.sort()
        p99 = lat[min(len(lat) - 1, int(0.99 * len(lat)))]
        print(
            f"latency ms ({name}): p50={statistics.median(lat):.3f} p99={p99:.3f} max={lat[-1]:.3f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
