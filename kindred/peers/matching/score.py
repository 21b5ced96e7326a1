"""The hybrid match score: story similarity, shared tags weighted by specificity, shared time.

Each component lies in [0, 1] and the total is their weighted sum, so a score reads the same
whichever profiles it came from and the explanation can point at the parts that carried it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from kindred.peers.matching.filters import compatible
from kindred.peers.matching.profile import MatchProfile
from kindred.peers.taxonomy import AVAILABILITY_SLOTS, TAGS

# The story is where people say what actually happened to them, in their own words, and it is
# the one signal that separates "my dad died" from "my dad is ill"; it leads.
W_SEMANTIC = 0.5
# Tags are chosen deliberately and are precise when they are specific ("losing a child"), but
# a handful of broad tags ("anxiety") are shared by most people, hence the specificity weights.
W_TAGS = 0.35
# Shared free time decides whether a connection can happen at all, not whether it will help;
# it breaks ties between similar people rather than outranking a closer experience.
W_AVAILABILITY = 0.15

_SLOT_INDEX = {slot: i for i, slot in enumerate(AVAILABILITY_SLOTS)}


@dataclass(frozen=True)
class Score:
    total: float
    semantic: float
    tags: float
    availability: float
    shared_tags: tuple[str, ...] = ()
    shared_slots: tuple[str, ...] = ()
    shared_themes: tuple[str, ...] = ()


def semantic_similarity(a: np.ndarray | None, b: np.ndarray | None) -> float:
    """Cosine similarity of two unit vectors, floored at 0 (opposite stories are not a match)."""
    if a is None or b is None:
        return 0.0
    return max(0.0, min(1.0, float(np.dot(a, b))))


def _specificity(ids: Iterable[str]) -> float:
    return sum(TAGS[i].specificity for i in ids if i in TAGS)


def tag_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Specificity-weighted overlap (a weighted Ochiai coefficient), in [0, 1].

    Normalised by the geometric mean of both sides' weights, so listing many tags neither
    buys matches nor is punished as hard as with a Jaccard index.
    """
    shared = _specificity(a & b)
    if shared == 0:
        return 0.0
    return shared / math.sqrt(_specificity(a) * _specificity(b))


def availability_overlap(a: frozenset[str], b: frozenset[str]) -> float:
    """Share of the smaller timetable that the other covers: one person free only on Monday
    evenings fits someone free every evening perfectly."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _sorted_tags(ids: Iterable[str]) -> tuple[str, ...]:
    # Most specific first: that is what the explanation leads with.
    return tuple(sorted(ids, key=lambda i: (-TAGS[i].specificity if i in TAGS else 0.0, i)))


def hybrid_score(seeker: MatchProfile, other: MatchProfile) -> Score:
    semantic = semantic_similarity(seeker.vector, other.vector)
    tags = tag_overlap(seeker.tags, other.tags)
    availability = availability_overlap(seeker.availability, other.availability)
    total = W_SEMANTIC * semantic + W_TAGS * tags + W_AVAILABILITY * availability
    return Score(
        total=total,
        semantic=semantic,
        tags=tags,
        availability=availability,
        shared_tags=_sorted_tags(seeker.tags & other.tags),
        shared_slots=tuple(sorted(seeker.availability & other.availability, key=_slot_order)),
        shared_themes=tuple(sorted(seeker.story_themes & other.story_themes)),
    )


def _slot_order(slot: str) -> int:
    return _SLOT_INDEX.get(slot, len(_SLOT_INDEX))


def rank(
    seeker: MatchProfile,
    candidates: Iterable[MatchProfile],
    *,
    blocked: frozenset[int],
    limit: int = 10,
) -> list[tuple[MatchProfile, Score]]:
    """The ``limit`` best compatible candidates, best first (ties by user id, for stable pages)."""
    scored = [
        (c, hybrid_score(seeker, c)) for c in candidates if compatible(seeker, c, blocked=blocked)
    ]
    scored.sort(key=lambda pair: (-pair[1].total, pair[0].user_id))
    return scored[: max(0, limit)]
