"""Hypothesis strategies for random peer populations, shared by the matching tests (no tests here)."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st

from kindred.peers.matching.profile import MatchProfile
from kindred.peers.taxonomy import AVAILABILITY_SLOTS, SEEKS, TAGS

TAG_IDS = sorted(TAGS)[:12]  # a small vocabulary so random people often share tags
SLOTS = sorted(AVAILABILITY_SLOTS)[:6]
THEMES = ["lost_parent", "early_recovery", "job_loss", "new_diagnosis", "caring", "grief"]
LANGS = ["en", "es", "pl"]
GENDERS = ["", "woman", "man", "non_binary"]
BANDS = ["adult", "teen"]
DIM = 8


def _vector(seed: int) -> np.ndarray:
    v = np.random.default_rng(seed).standard_normal(DIM).astype(np.float32)
    return v / np.linalg.norm(v)


@st.composite
def profiles(draw: st.DrawFn, user_id: int) -> MatchProfile:
    has_vector = draw(st.booleans())
    return MatchProfile(
        user_id=user_id,
        tags=frozenset(draw(st.sets(st.sampled_from(TAG_IDS), max_size=4))),
        vector=_vector(draw(st.integers(0, 50))) if has_vector else None,
        languages=frozenset(draw(st.sets(st.sampled_from(LANGS), min_size=1, max_size=2))),
        availability=frozenset(draw(st.sets(st.sampled_from(SLOTS), max_size=4))),
        seeks=draw(st.sampled_from(SEEKS)),
        age_band=draw(st.sampled_from(BANDS)),
        gender=draw(st.sampled_from(GENDERS)),
        wants_genders=frozenset(draw(st.sets(st.sampled_from(GENDERS[1:]), max_size=2))),
        wants_age_bands=frozenset(draw(st.sets(st.sampled_from(BANDS), max_size=1))),
        story_themes=frozenset(draw(st.sets(st.sampled_from(THEMES), max_size=3))),
        is_supporter=draw(st.booleans()),
        caseload_full=draw(st.booleans()),
    )


@st.composite
def populations(draw: st.DrawFn, max_size: int = 12) -> list[MatchProfile]:
    n = draw(st.integers(2, max_size))
    return [draw(profiles(user_id=i + 1)) for i in range(n)]
