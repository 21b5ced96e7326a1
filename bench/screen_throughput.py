"""Throughput and latency of ``screen()`` on one core, chat messages and posts apart.

    python bench/screen_throughput.py [--n 5000] [--posts N] [--jsonl FILE]

Texts are invented: chat-style messages of at most 200 characters (varied risk and
look-alikes) and 1,500-character posts of ordinary sentences, some with one risky sentence
in the middle. With ``--jsonl`` the "text" field of a JSON Lines file is used instead,
split into chat length (<= 200 characters) and longer texts. For each group prints texts/s,
p50/p99/max latency in milliseconds (wall and CPU, after a warm-up) and the levels given.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import random
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kindred.safety.screening import LEVELS, screen

CHAT_MAX = 200
POST_CHARS = 1500
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
# Ordinary sentences a long post is made of.
POST_SENTENCES = [
    "Work has been really busy since the restructure and my team lost two people.",
    "My sister came over on Sunday and we cooked a roast together, which was nice.",
    "I have been trying the sleep routine my GP suggested but it only helps some nights.",
    "The bus into town was cancelled again so I walked, which took almost an hour.",
    "Money is tight this month because the car needed new brakes and a tyre.",
    "I started reading again, mostly crime novels, and it keeps my mind busy in the evenings.",
    "My flatmate is moving out in March and I have no idea who will take the room.",
    "We had our first group session last week and it felt less awkward than I expected.",
    "I keep meaning to call my dad but every time I pick up the phone I put it down.",
    "The weather has been grey for weeks and I miss being able to sit outside.",
    "My therapist asked me to write down three things each day that went okay.",
    "I applied for two jobs on Friday and heard nothing back yet, which is normal I suppose.",
]
# One of these sits in the middle of some posts (a risk sentence buried in ordinary text).
RISKY_SENTENCES = [
    "Anyway, the pills are saved up in my drawer and I think Friday is the day.",
    "Some nights I lie there wishing I just would not wake up in the morning.",
    "I have been thinking about killing myself more than I have told anyone here.",
    "I wrote letters to everyone last night and put them in an envelope on my desk.",
    "I feel like such a burden that they would all be better off without me.",
]


def invented_chat(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        parts = [rng.choice(OPENERS) + rng.choice(BODIES)]
        if rng.random() < 0.4:
            parts.append(FILLER[: rng.randint(20, len(FILLER))])
        text = ". ".join(parts)[:CHAT_MAX]
        if rng.random() < 0.3:
            text = text.upper() if rng.random() < 0.2 else text.capitalize()
        out.append(text)
    return out


def invented_posts(n: int, seed: int = 11, risky_share: float = 0.3) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        sentences: list[str] = []
        while sum(len(s) + 1 for s in sentences) < POST_CHARS + 200:
            sentences.append(rng.choice(POST_SENTENCES))
        if rng.random() < risky_share:
            # Put it in the middle of the part that survives the cut to POST_CHARS.
            middle = len(sentences) * POST_CHARS // (2 * (POST_CHARS + 200))
            sentences.insert(middle, rng.choice(RISKY_SENTENCES))
        out.append(" ".join(sentences)[:POST_CHARS])
    return out


# The int8 products run faster with these (onnxruntime picks its kernels by them), so runs on
# hosts with different flags are not comparable.
INT8_FLAGS = ("avx2", "avx512bw", "avx512_vnni", "avx_vnni", "amx_int8")


def cpu_name() -> str:
    # platform.processor() is empty on most Linux systems; /proc/cpuinfo has the model.
    name = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if not cpuinfo.exists():
        return name
    model, flags = "", set()
    for line in cpuinfo.read_text(errors="replace").splitlines():
        if line.startswith("model name") and not model:
            model = line.split(":", 1)[1].strip()
        elif line.startswith("flags") and not flags:
            flags = set(line.split(":", 1)[1].split())
    have = [f for f in INT8_FLAGS if f in flags] or ["none of " + "/".join(INT8_FLAGS)]
    return f"{name} ({model}; {' '.join(have)})"


def measure(texts: list[str]) -> tuple[list[float], list[float], float, float, Counter[str]]:
    # Wall time includes being preempted by other processes on a busy machine; CPU time
    # (thread_time) is what screen() itself costs. Both are reported.
    wall, cpu = [], []
    levels: Counter[str] = Counter()
    t0, c0 = time.perf_counter(), time.thread_time()
    for t in texts:
        s, cs = time.perf_counter(), time.thread_time()
        levels[screen(t).level] += 1
        cpu.append((time.thread_time() - cs) * 1000)
        wall.append((time.perf_counter() - s) * 1000)
    return wall, cpu, time.perf_counter() - t0, time.thread_time() - c0, levels


def report(name: str, texts: list[str]) -> None:
    if not texts:
        print(f"\n{name}: no texts")
        return
    wall, cpu, total, total_cpu, levels = measure(texts)
    mean_chars = statistics.fmean(len(t) for t in texts)
    print(f"\n{name}: {len(texts)} texts (mean {mean_chars:.0f} chars)")
    print(
        f"  throughput: {len(texts) / total:,.1f} texts/s wall, "
        f"{len(texts) / max(total_cpu, 1e-9):,.1f} texts/s per CPU-second"
    )
    for kind, lat in (("wall", wall), ("cpu", cpu)):
        lat.sort()
        p99 = lat[min(len(lat) - 1, int(0.99 * len(lat)))]
        print(
            f"  latency ms ({kind}): p50={statistics.median(lat):.2f} p99={p99:.2f} "
            f"max={lat[-1]:.2f}"
        )
    print("  levels: " + ", ".join(f"{lv} {levels[lv]}" for lv in LEVELS))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--n", type=int, default=5000, help="chat messages (or texts from --jsonl)")
    ap.add_argument("--posts", type=int, help="1,500-character posts (default: n / 10)")
    ap.add_argument("--jsonl", type=Path)
    a = ap.parse_args()
    pinned = hasattr(os, "sched_setaffinity")
    if pinned:
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    print(
        f"machine: {cpu_name()}, {os.cpu_count()} CPUs, "
        f"python {platform.python_version()}; "
        + ("pinned to one core" if pinned else "not pinned (no sched_setaffinity)")
    )
    if a.jsonl:
        with a.jsonl.open(encoding="utf-8") as fh:
            texts = [str(json.loads(line)["text"]) for line in fh if line.strip()][: a.n]
        chat = [t for t in texts if len(t) <= CHAT_MAX]
        posts = [t for t in texts if len(t) > CHAT_MAX]
        post_name = f"longer texts (> {CHAT_MAX} chars)"
    else:
        chat = invented_chat(a.n)
        posts = invented_posts(a.posts if a.posts is not None else max(1, a.n // 10))
        risky = sum(any(r in p for r in RISKY_SENTENCES) for p in posts)
        post_name = f"posts ({POST_CHARS} chars, {risky} with a risky sentence in the middle)"

    # Warm-up: load the model and the encoder, and let onnxruntime see both input sizes.
    warm = screen("warm up: load the model once")
    if "model_unavailable" in warm.signals:
        print("WARNING: the semantic model is unavailable; timing the rules only")
        logging.getLogger("kindred.safety.screening").setLevel(logging.CRITICAL)
    for t in invented_chat(20, seed=1) + invented_posts(5, seed=2):
        screen(t)

    report(f"chat messages (<= {CHAT_MAX} chars)", chat)
    report(post_name, posts)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
