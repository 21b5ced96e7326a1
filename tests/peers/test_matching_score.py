from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kindred.peers.matching.filters import compatible
from kindred.peers.matching.profile import MatchProfile
from kindred.peers.matching.score import (
    W_AVAILABILITY,
    W_SEMANTIC,
    W_TAGS,
    availability_overlap,
    hybrid_score,
    rank,
    tag_overlap,
)
from tests.peers.test_matching_strategies import populations

NONE: frozenset[int] = frozenset()


def unit(*xs: float) -> np.ndarray:
    v = np.array(xs, dtype=np.float32)
    return v / np.linalg.norm(v)


def person(user_id: int, **kw) -> MatchProfile:
    base = {"languages": frozenset({"en"}), "seeks": "both"}
    base.update(kw)
    return MatchProfile(user_id=user_id, **base)


def test_weights_sum_to_one():
    assert pytest.approx(1.0) == W_SEMANTIC + W_TAGS + W_AVAILABILITY


def test_specific_shared_tag_counts_more_than_a_common_one():
    child = tag_overlap(
        frozenset({"bereavement.child", "condition.anxiety"}),
        frozenset({"bereavement.child", "condition.depression"}),
    )
    anxiety = tag_overlap(
        frozenset({"bereavement.child", "condition.anxiety"}),
        frozenset({"condition.anxiety", "condition.depression"}),
    )
    assert child > anxiety > 0
    assert tag_overlap(frozenset({"condition.anxiety"}), frozenset({"condition.anxiety"})) == 1.0
    assert tag_overlap(frozenset(), frozenset({"condition.anxiety"})) == 0.0


def test_availability_overlap():
    assert availability_overlap(frozenset({"mon_evening"}), frozenset()) == 0.0
    assert availability_overlap(
        frozenset({"mon_evening"}), frozenset({"mon_evening", "tue_evening"})
    ) == pytest.approx(1.0)
    assert availability_overlap(
        frozenset({"mon_evening", "sat_morning"}), frozenset({"mon_evening", "tue_evening"})
    ) == pytest.approx(0.5)


def test_hybrid_score_combines_components_and_reports_shared_signals():
    a = person(
        1,
        vector=unit(1, 0, 0),
        tags=frozenset({"bereavement.parent", "condition.anxiety"}),
        availability=frozenset({"mon_evening", "sat_morning"}),
        story_themes=frozenset({"lost_parent", "grief"}),
    )
    b = person(
        2,
        vector=unit(1, 1, 0),
        tags=frozenset({"bereavement.parent", "recovery.alcohol"}),
        availability=frozenset({"mon_evening"}),
        story_themes=frozenset({"lost_parent"}),
    )
    s = hybrid_score(a, b)
    assert s.semantic == pytest.approx(np.sqrt(0.5), abs=1e-6)
    assert s.shared_tags == ("bereavement.parent",)
    assert s.shared_slots == ("mon_evening",)
    assert s.shared_themes == ("lost_parent",)
    assert s.total == pytest.approx(
        W_SEMANTIC * s.semantic + W_TAGS * s.tags + W_AVAILABILITY * s.availability
    )
    assert hybrid_score(b, a).total == pytest.approx(s.total)


def test_missing_story_contributes_nothing():
    s = hybrid_score(person(1, vector=None), person(2, vector=unit(1, 0)))
    assert s.semantic == 0.0 and s.total == 0.0


def test_rank_orders_by_score_and_respects_limit():
    me = person(1, vector=unit(1, 0, 0))
    close = person(2, vector=unit(1, 0.1, 0))
    middling = person(3, vector=unit(1, 1, 0))
    far = person(4, vector=unit(0, 0, 1))
    ranked = rank(me, [far, middling, close], blocked=NONE, limit=2)
    assert [p.user_id for p, _ in ranked] == [2, 3]
    assert ranked[0][1].total >= ranked[1][1].total


def test_rank_drops_blocked_and_incompatible_candidates():
    me = person(1, vector=unit(1, 0))
    blocked = person(2, vector=unit(1, 0))
    other_language = person(3, vector=unit(1, 0), languages=frozenset({"fr"}))
    fine = person(4, vector=unit(0, 1))
    ranked = rank(me, [blocked, other_language, fine, me], blocked=frozenset({2}))
    assert [p.user_id for p, _ in ranked] == [4]


@settings(max_examples=150, deadline=None)
@given(
    population=populations(max_size=14),
    blocked_pairs=st.sets(st.tuples(st.integers(1, 14), st.integers(1, 14)), max_size=8),
    limit=st.integers(0, 20),
)
def test_rank_returns_only_pairs_compatible_both_ways(population, blocked_pairs, limit):
    def blocked_for(uid: int) -> frozenset[int]:
        # The caller merges blocks made by and against the person.
        return frozenset(b if a == uid else a for a, b in blocked_pairs if uid in (a, b))

    for seeker in population:
        blocked = blocked_for(seeker.user_id)
        ranked = rank(seeker, population, blocked=blocked, limit=limit)
        assert len(ranked) <= limit
        for other, _score in ranked:
            assert other.user_id != seeker.user_id
            assert other.user_id not in blocked
            assert seeker.languages & other.languages
            assert seeker.age_band == other.age_band
            for x, y in ((seeker, other), (other, seeker)):
                assert not x.wants_genders or y.gender in x.wants_genders
                assert not x.wants_age_bands or y.age_band in x.wants_age_bands
                if x.seeks in ("support", "both") and y.is_supporter:
                    assert not y.caseload_full
            assert {seeker.seeks, other.seeks} not in ({"support"}, {"give_support"})
            assert compatible(other, seeker, blocked=blocked_for(other.user_id))
        totals = [s.total for _, s in ranked]
        assert totals == sorted(totals, reverse=True)
        expected = sum(1 for c in population if compatible(seeker, c, blocked=blocked))
        assert len(ranked) == min(limit, expected)


def test_scores_are_bounded():
    a = person(1, vector=unit(1, 0), tags=frozenset({"condition.ocd"}))
    b = replace(a, user_id=2)
    s = hybrid_score(a, b)
    assert 0.0 <= s.total <= 1.0 + 1e-6
