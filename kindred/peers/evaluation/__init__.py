"""Offline evaluation of peer matching on a small, hand-written, labelled set of stories.

``stories.jsonl`` holds invented stories (one JSON object a line) in the voice people use when
they write about themselves: ``text``, the ``tags`` the writer would plausibly have picked (some
pick none or only broad ones), ``experience`` (the one lived experience the story is about)
and ``also`` (experiences it touches on). The set includes look-alikes: stories that share
words with another group ("lost my keys", "recovering from knee surgery", "a nurse on a
dementia ward") but not the experience.

Judgements, i.e. what a person reading two stories would call "a similar experience":
gain 2 for the same ``experience``; gain 1 when one story's ``experience`` is among the other's
``also`` (a son who cared for his father until he died, and a daughter caring for her mother
with dementia); 0 otherwise. Every story whose experience is shared by at least one other
story is a query; all other stories are the candidates.

Three rankers are compared: the hybrid score (``score.hybrid_score`` with its fixed weights;
there is no availability in this set, so that part is zero for everyone), story embeddings
alone, and specificity-weighted tags alone. Ties (common for tags) are broken by a seeded
shuffle and the metrics averaged over several seeds, so that the order of ids in the file
cannot help any ranker.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kindred.peers.matching.profile import MatchProfile
from kindred.peers.matching.score import hybrid_score, semantic_similarity, tag_overlap
from kindred.peers.taxonomy import validate_tags

STORIES_PATH = Path(__file__).with_name("stories.jsonl")
K = 10
TIE_SEEDS = 10


@dataclass(frozen=True)
class Story:
    id: str
    text: str
    tags: frozenset[str]
    experience: str
    also: frozenset[str]


def load_stories(path: Path = STORIES_PATH) -> list[Story]:
    stories = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        d = json.loads(line)
        try:
            tags = frozenset(validate_tags(d.get("tags", [])))
        except ValueError as exc:
            raise ValueError(f"{path.name} line {lineno}: {exc}") from exc
        stories.append(
            Story(
                id=d["id"],
                text=d["text"],
                tags=tags,
                experience=d["experience"],
                also=frozenset(d.get("also", [])),
            )
        )
    ids = [s.id for s in stories]
    if len(set(ids)) != len(ids):
        raise ValueError(f"{path.name}: duplicate story ids")
    return stories


def gain(a: Story, b: Story) -> int:
    if a.experience == b.experience:
        return 2
    if a.experience in b.also or b.experience in a.also:
        return 1
    return 0


def ndcg_at_k(gains_in_rank_order: Sequence[int], all_gains: Sequence[int], k: int = K) -> float:
    def dcg(gs: Sequence[int]) -> float:
        return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(gs[:k]))

    ideal = dcg(sorted(all_gains, reverse=True))
    return dcg(gains_in_rank_order) / ideal if ideal > 0 else 0.0


def recall_at_k(gains_in_rank_order: Sequence[int], all_gains: Sequence[int], k: int = K) -> float:
    relevant = sum(1 for g in all_gains if g == 2)
    if relevant == 0:
        return 0.0
    return sum(1 for g in gains_in_rank_order[:k] if g == 2) / relevant


Scorer = Callable[[MatchProfile, MatchProfile], float]


def scorers() -> dict[str, Scorer]:
    return {
        "hybrid": lambda a, b: hybrid_score(a, b).total,
        "embedding": lambda a, b: semantic_similarity(a.vector, b.vector),
        "tags": lambda a, b: tag_overlap(a.tags, b.tags),
    }


def build_profiles(stories: Sequence[Story], vectors: np.ndarray) -> list[MatchProfile]:
    return [
        MatchProfile(
            user_id=i + 1,
            tags=s.tags,
            vector=vectors[i],
            languages=frozenset({"en"}),
        )
        for i, s in enumerate(stories)
    ]


def evaluate(
    stories: Sequence[Story], vectors: np.ndarray, *, k: int = K, seeds: int = TIE_SEEDS
) -> dict[str, Any]:
    """Mean NDCG@k and recall@k per ranker, plus how many look-alikes reach the top 5."""
    profiles = build_profiles(stories, vectors)
    queries = [
        i
        for i, s in enumerate(stories)
        if any(j != i and t.experience == s.experience for j, t in enumerate(stories))
    ]
    results: dict[str, Any] = {
        "stories": len(stories),
        "queries": len(queries),
        "untagged_queries": sum(1 for i in queries if not stories[i].tags),
        "k": k,
        "rankers": {},
    }
    lookalike = {i for i, s in enumerate(stories) if s.experience.startswith("lookalike")}
    for name, score in scorers().items():
        ndcgs, recalls, intrusions, untagged = [], [], [], []
        for seed in range(seeds):
            rng = np.random.default_rng(seed)
            for qi in queries:
                q = profiles[qi]
                others = [j for j in range(len(stories)) if j != qi]
                tiebreak = rng.permutation(len(others))
                scored = sorted(
                    zip(others, tiebreak, strict=True),
                    key=lambda jt: (-score(q, profiles[jt[0]]), jt[1]),
                )
                order = [j for j, _ in scored]
                gains = [gain(stories[qi], stories[j]) for j in order]
                ndcgs.append(ndcg_at_k(gains, gains, k))
                if not stories[qi].tags:
                    untagged.append(ndcgs[-1])
                recalls.append(recall_at_k(gains, gains, k))
                intrusions.append(sum(1 for j in order[:5] if j in lookalike))
        results["rankers"][name] = {
            f"ndcg@{k}": float(np.mean(ndcgs)),
            f"recall@{k}": float(np.mean(recalls)),
            "lookalikes_in_top5": float(np.mean(intrusions)),
            # Queries whose writer picked no tags: there only the story can find peers.
            f"ndcg@{k}_untagged": float(np.mean(untagged)) if untagged else None,
        }
    return results


def format_report(results: dict[str, Any], fmt: str = "text") -> str:
    k = results["k"]
    if fmt == "json":
        return json.dumps(results, indent=2)
    rows = [
        (
            name,
            r[f"ndcg@{k}"],
            r[f"recall@{k}"],
            r["lookalikes_in_top5"],
            r[f"ndcg@{k}_untagged"] if r[f"ndcg@{k}_untagged"] is not None else float("nan"),
        )
        for name, r in results["rankers"].items()
    ]
    head = (
        f"{results['stories']} stories, {results['queries']} queries "
        f"({results['untagged_queries']} without tags)"
    )
    if fmt == "markdown":
        lines = [
            head,
            "",
            f"| ranker | NDCG@{k} | recall@{k} | look-alikes in top 5 | NDCG@{k}, queries without tags |",
            "|---|--:|--:|--:|--:|",
        ]
        lines += [f"| {n} | {a:.3f} | {b:.3f} | {c:.2f} | {d:.3f} |" for n, a, b, c, d in rows]
        return "\n".join(lines)
    lines = [
        head,
        f"{'ranker':<10} {'NDCG@' + str(k):>8} {'recall@' + str(k):>10} "
        f"{'lookalikes@5':>13} {'NDCG untagged':>14}",
    ]
    lines += [f"{n:<10} {a:>8.3f} {b:>10.3f} {c:>13.2f} {d:>14.3f}" for n, a, b, c, d in rows]
    return "\n".join(lines)
