"""The peer story index (``kindred.peers.matching.index.PeerIndex``) at scale.

    python bench/peers_index.py [--n 1000000] [--queries 1000] [--threads 2] [--seed 0]

Synthetic profile vectors of the model's dimension (384), clustered the way story embeddings
are rather than uniform noise: 1,000 topics, 20 sub-topics each, every vector a sub-topic centre
plus variation inside a shared 48-dimensional subspace plus isotropic noise, L2-normalised.
With these settings a vector's cosine similarity to its nearest neighbour is about 0.8 and to
a random other vector about 0.

Measures, in one run: index build time (bulk insert, ``--threads`` threads), index memory and
process RSS growth, top-10 query latency (one query at a time, one thread, p50/p95), recall@10
against exact brute-force search of the same vectors, and brute-force latency of the same
single queries (numpy matrix-vector product + argpartition over float32 vectors) for the
speed-up. Query vectors are fresh draws from the same distribution, not indexed vectors.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kindred.peers.matching.embedding import DIM
from kindred.peers.matching.index import (
    CONNECTIVITY,
    DTYPE,
    EXPANSION_ADD,
    EXPANSION_SEARCH,
    PeerIndex,
)

TOPICS = 1_000
SUBTOPICS = 20
SUBSPACE = 48


def _unit(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(np.float32)


class Generator:
    def __init__(self, seed: int) -> None:
        rng = np.random.default_rng(seed)
        topics = _unit(rng.standard_normal((TOPICS, DIM)))
        sub = topics.repeat(SUBTOPICS, axis=0) + 0.6 * _unit(
            rng.standard_normal((TOPICS * SUBTOPICS, DIM))
        )
        self.centres = _unit(sub)
        self.basis = np.linalg.qr(rng.standard_normal((DIM, SUBSPACE)))[0].astype(np.float32)

    def draw(self, n: int, rng: np.random.Generator, chunk: int = 100_000) -> np.ndarray:
        out = np.empty((n, DIM), dtype=np.float32)
        for start in range(0, n, chunk):
            m = min(chunk, n - start)
            c = self.centres[rng.integers(0, len(self.centres), m)]
            low = rng.standard_normal((m, SUBSPACE), dtype=np.float32) @ self.basis.T
            iso = rng.standard_normal((m, DIM), dtype=np.float32)
            x = c + 0.45 * _unit(low) + 0.3 * _unit(iso)
            out[start : start + m] = _unit(x)
        return out


def exact_topk(data: np.ndarray, queries: np.ndarray, k: int, chunk: int = 200_000) -> np.ndarray:
    """Exact top-k keys by cosine similarity (vectors are unit length), chunked over data."""
    best_sim = np.full((len(queries), k), -np.inf, dtype=np.float32)
    best_idx = np.zeros((len(queries), k), dtype=np.int64)
    for start in range(0, len(data), chunk):
        sims = queries @ data[start : start + chunk].T
        idx = np.argpartition(-sims, k, axis=1)[:, :k]
        cand_sim = np.concatenate([best_sim, np.take_along_axis(sims, idx, axis=1)], axis=1)
        cand_idx = np.concatenate([best_idx, idx + start], axis=1)
        keep = np.argpartition(-cand_sim, k, axis=1)[:, :k]
        best_sim = np.take_along_axis(cand_sim, keep, axis=1)
        best_idx = np.take_along_axis(cand_idx, keep, axis=1)
    return best_idx


def brute_force_one(data: np.ndarray, q: np.ndarray, k: int) -> np.ndarray:
    sims = data @ q
    idx = np.argpartition(-sims, k)[:k]
    return idx[np.argsort(-sims[idx])]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=1_000)
    ap.add_argument("--brute-queries", type=int, default=100)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--k", type=int, default=10)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--expansion-search",
        type=lambda v: [int(x) for x in v.split(",")],
        default=[64, 128, 256, 512],
    )
    ap.add_argument("--save", help="write the built index here (for later sweeps)")
    args = ap.parse_args()
    k = args.k

    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"load avg {os.getloadavg()[0]:.1f}"
    )
    print(
        f"n={args.n:,} dim={DIM} connectivity={CONNECTIVITY} expansion_add={EXPANSION_ADD} "
        f"expansion_search={EXPANSION_SEARCH} dtype={DTYPE}"
    )
    gen = Generator(args.seed)
    rng = np.random.default_rng(args.seed + 1)
    t = time.perf_counter()
    data = gen.draw(args.n, rng)
    queries = gen.draw(args.queries, rng)
    print(f"generated vectors in {time.perf_counter() - t:.1f} s")

    rss_before = current_rss_mb()
    index = PeerIndex()
    t = time.perf_counter()
    index.upsert_many(range(args.n), data, threads=args.threads)
    build_s = time.perf_counter() - t
    rss_after = current_rss_mb()
    print(f"build: {build_s:.1f} s ({args.n / build_s:,.0f} vectors/s, {args.threads} threads)")
    print(
        f"index memory: {index.memory_usage() / 2**20:,.0f} MiB "
        f"(RSS +{rss_after - rss_before:,.0f} MiB; vectors as float32 alone "
        f"{data.nbytes / 2**20:,.0f} MiB)"
    )

    t = time.perf_counter()
    truth = exact_topk(data, queries, k)
    print(
        f"exact ground truth for {len(queries)} queries (batched): {time.perf_counter() - t:.1f} s"
    )

    bf = []
    for q in queries[: args.brute_queries]:
        t = time.perf_counter()
        brute_force_one(data, q, k)
        bf.append(time.perf_counter() - t)
    bf_ms = np.array(bf) * 1000
    bp50, bp95 = np.percentile(bf_ms, [50, 95])
    print(
        f"brute force top-{k} latency ({len(bf_ms)} queries): p50 {bp50:.1f} ms, p95 {bp95:.1f} ms"
    )

    # One build, several search beams: recall and latency trade off here, not at build time.
    print("| expansion_search | p50 ms | p95 ms | max ms | recall@10 | speed-up (p50) |")
    for ef in args.expansion_search:
        index.expansion_search = ef
        latencies = []
        found = np.full((len(queries), k), -1, dtype=np.int64)
        for i, q in enumerate(queries):
            t = time.perf_counter()
            hits = index.search(q, k)
            latencies.append(time.perf_counter() - t)
            found[i, : len(hits)] = [key for key, _ in hits]
        lat = np.array(latencies) * 1000
        recall = float(
            np.mean([len(set(f) & set(tr)) / k for f, tr in zip(found, truth, strict=True)])
        )
        p50, p95 = np.percentile(lat, [50, 95])
        default = " (default)" if ef == EXPANSION_SEARCH else ""
        print(
            f"| {ef}{default} | {p50:.2f} | {p95:.2f} | {lat.max():.2f} | {recall:.4f} "
            f"| {bp50 / p50:,.0f}x |",
            flush=True,
        )
    if args.save:
        index.save(args.save)
    print(f"peak RSS: {rss_mb():,.0f} MiB")


if __name__ == "__main__":
    main()
