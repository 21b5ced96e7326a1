from dataclasses import replace

import pytest
from hypothesis import given, settings

from kindred.peers.matching.filters import compatible
from kindred.peers.matching.profile import MatchProfile
from tests.peers.test_matching_strategies import profiles

NONE: frozenset[int] = frozenset()


def person(user_id: int, **kw) -> MatchProfile:
    base = {"languages": frozenset({"en"}), "seeks": "both", "age_band": "adult"}
    base.update(kw)
    return MatchProfile(user_id=user_id, **base)


def test_two_ordinary_adults_are_compatible():
    assert compatible(person(1), person(2), blocked=NONE)


def test_never_matches_oneself():
    assert not compatible(person(1), person(1), blocked=NONE)


def test_a_block_in_either_direction_excludes():
    assert not compatible(person(1), person(2), blocked=frozenset({2}))


def test_needs_a_shared_language():
    assert not compatible(
        person(1, languages=frozenset({"en"})), person(2, languages=frozenset({"es"})), blocked=NONE
    )
    assert compatible(
        person(1, languages=frozenset({"en", "es"})),
        person(2, languages=frozenset({"es"})),
        blocked=NONE,
    )


def test_teens_only_with_teens():
    assert not compatible(person(1, age_band="teen"), person(2), blocked=NONE)
    assert not compatible(person(1), person(2, age_band="teen"), blocked=NONE)
    assert compatible(person(1, age_band="teen"), person(2, age_band="teen"), blocked=NONE)


def test_gender_preference_applies_both_ways():
    woman = person(1, gender="woman", wants_genders=frozenset({"woman"}))
    man = person(2, gender="man")
    unsaid = person(3)
    assert not compatible(woman, man, blocked=NONE)
    assert not compatible(man, woman, blocked=NONE)
    # A stated preference is never satisfied by an unstated gender.
    assert not compatible(woman, unsaid, blocked=NONE)
    assert compatible(woman, person(4, gender="woman"), blocked=NONE)


def test_age_band_preference_applies_both_ways():
    picky = person(1, wants_age_bands=frozenset({"teen"}))
    assert not compatible(picky, person(2), blocked=NONE)
    assert not compatible(person(2), picky, blocked=NONE)


@pytest.mark.parametrize(
    ("a", "b", "ok"),
    [
        ("support", "give_support", True),
        ("support", "both", True),
        ("support", "support", False),
        ("give_support", "give_support", False),
        ("give_support", "both", True),
        ("both", "both", True),
    ],
)
def test_seeks_must_fit(a, b, ok):
    assert compatible(person(1, seeks=a), person(2, seeks=b), blocked=NONE) is ok
    assert compatible(person(2, seeks=b), person(1, seeks=a), blocked=NONE) is ok


def test_full_caseload_supporter_is_not_offered_to_someone_seeking_support():
    full = person(2, seeks="give_support", is_supporter=True, caseload_full=True)
    assert not compatible(person(1, seeks="support"), full, blocked=NONE)
    assert not compatible(full, person(1, seeks="support"), blocked=NONE)
    assert compatible(person(1, seeks="support"), replace(full, caseload_full=False), blocked=NONE)


@settings(max_examples=300, deadline=None)
@given(a=profiles(user_id=1), b=profiles(user_id=2))
def test_compatible_is_symmetric(a, b):
    assert compatible(a, b, blocked=NONE) == compatible(b, a, blocked=NONE)
    assert not compatible(a, b, blocked=frozenset({2}))
    assert not compatible(b, a, blocked=frozenset({1}))
