"""The matcher's view of one person: everything the filters, score and explanation need."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class MatchProfile:
    user_id: int
    tags: frozenset[str] = frozenset()
    # L2-normalised story embedding (``embedding.embed``); None when the person wrote no story.
    vector: np.ndarray | None = field(default=None, compare=False, repr=False)
    languages: frozenset[str] = frozenset()
    availability: frozenset[str] = frozenset()
    seeks: str = "both"
    age_band: str = "adult"
    gender: str = ""
    wants_genders: frozenset[str] = frozenset()  # empty = any
    wants_age_bands: frozenset[str] = frozenset()  # empty = any
    story_themes: frozenset[str] = frozenset()
    is_supporter: bool = False
    caseload_full: bool = False
