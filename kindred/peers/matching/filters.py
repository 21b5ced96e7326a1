"""Hard filters: a pair is offered only if every rule holds in both directions.

These are safety and consent rules, not preferences to trade off against similarity, so they
are applied before scoring and never weighted.
"""

from __future__ import annotations

from kindred.peers.matching.profile import MatchProfile


def _seeks_fit(a: str, b: str) -> bool:
    # Someone looking for support needs someone who gives it; "both" fits anyone.
    if a == "both" or b == "both":
        return True
    return {a, b} == {"support", "give_support"}


def _accepts(chooser: MatchProfile, other: MatchProfile) -> bool:
    """``chooser``'s own preferences are satisfied by ``other``."""
    if chooser.wants_genders and other.gender not in chooser.wants_genders:
        # An unstated gender never satisfies a stated preference.
        return False
    return not (chooser.wants_age_bands and other.age_band not in chooser.wants_age_bands)


def _wants_support(p: MatchProfile) -> bool:
    return p.seeks in ("support", "both")


def compatible(seeker: MatchProfile, other: MatchProfile, *, blocked: frozenset[int]) -> bool:
    """True if ``seeker`` and ``other`` may be offered to each other.

    ``blocked`` holds user ids blocked by or blocking ``seeker`` (the caller merges both
    directions).
    """
    if seeker.user_id == other.user_id:
        return False
    if other.user_id in blocked:
        return False
    # Teens are only ever matched with teens, adults with adults.
    if seeker.age_band != other.age_band:
        return False
    if not (seeker.languages & other.languages):
        return False
    if not (_accepts(seeker, other) and _accepts(other, seeker)):
        return False
    if not _seeks_fit(seeker.seeks, other.seeks):
        return False
    # A supporter whose caseload is full takes no one new who wants support from them.
    if _wants_support(seeker) and other.is_supporter and other.caseload_full:
        return False
    return not (_wants_support(other) and seeker.is_supporter and seeker.caseload_full)
