"""Next steps by band: every band of every instrument has one, and each link resolves."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kindred.measures.definitions import get_library
from kindred.measures.next_steps import BAND_STEPS, STEPS, Step, next_steps_for

LIBRARY = get_library()


@pytest.mark.parametrize("instrument", sorted(LIBRARY))
def test_every_band_of_every_instrument_has_a_step(instrument):
    bands = {band.key for band in LIBRARY[instrument].bands.ranges}
    assert set(BAND_STEPS.get(instrument, {})) == bands


@pytest.mark.parametrize("instrument", sorted(LIBRARY))
def test_steps_never_get_lighter_as_things_get_worse(instrument):
    definition = LIBRARY[instrument]
    ranges = sorted(definition.bands.ranges, key=lambda band: band.min)
    if definition.direction == "higher_is_better":
        ranges.reverse()
    order = list(Step)
    levels = [order.index(BAND_STEPS[instrument][band.key]) for band in ranges]
    assert levels == sorted(levels)


def test_every_link_resolves():
    for steps in STEPS.values():
        assert steps.links
        for link in steps.links:
            assert reverse(link.url_name)


def test_phq9_bands_follow_the_referral_cut_point():
    assert next_steps_for("phq9", "mild").step == Step.PEER_SUPPORT
    assert next_steps_for("phq9", "moderate").step == Step.CONSIDER_A_PROFESSIONAL
    assert next_steps_for("phq9", "moderately_severe").step == Step.SEE_A_PROFESSIONAL
    assert next_steps_for("phq9", "severe").step == Step.SEE_A_PROFESSIONAL


def test_an_unplaced_band_has_no_steps():
    assert next_steps_for("phq9", "no_such_band") is None
    assert next_steps_for("no_such_instrument", "mild") is None
