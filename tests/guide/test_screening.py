"""Screening inside the guide: scored by the measures library, follow-ups on a positive
short screen, and only instruments the organisation may use."""

from __future__ import annotations

import pytest

from kindred.guide.screening import (
    AUDITC_POSITIVE,
    GAD2_POSITIVE,
    PHQ2_POSITIVE,
    ScreeningError,
    available_screening,
    follow_ups_due,
    score_screening,
)
from kindred.measures.definitions import get_definition, get_library
from kindred.measures.models import InstrumentLicence


def _threshold(instrument, key):
    return next(t.value for t in get_definition(instrument).thresholds if t.key == key)


def test_the_cut_points_agree_with_the_instrument_files():
    assert _threshold("phq2", "positive_screen") == PHQ2_POSITIVE
    assert _threshold("gad2", "positive_screen") == GAD2_POSITIVE
    assert AUDITC_POSITIVE["men"] == _threshold("auditc", "positive_men")
    assert AUDITC_POSITIVE["women"] == _threshold("auditc", "positive_women")
    # Not knowing which applies takes the lower, more cautious cut-off.
    assert AUDITC_POSITIVE["unsure"] == min(AUDITC_POSITIVE["men"], AUDITC_POSITIVE["women"])


@pytest.mark.parametrize(
    ("given", "cutoff", "due"),
    [
        ({"phq2": {"q1": 1, "q2": 1}}, "unsure", []),
        ({"phq2": {"q1": 2, "q2": 1}}, "unsure", ["phq9"]),
        ({"gad2": {"q1": 3, "q2": 0}}, "unsure", ["gad7"]),
        ({"auditc": {"q1": 1, "q2": 1, "q3": 1}}, "men", []),
        ({"auditc": {"q1": 1, "q2": 1, "q3": 1}}, "women", ["audit"]),
        (
            {"phq2": {"q1": 3, "q2": 3}, "gad2": {"q1": 3, "q2": 3}},
            "unsure",
            ["phq9", "gad7"],
        ),
    ],
)
def test_a_positive_short_screen_brings_its_follow_up(given, cutoff, due):
    library = get_library()
    assert follow_ups_due(score_screening(given, library), library, cutoff) == due


def test_scores_come_from_the_measures_library():
    scored = score_screening(
        {"phq9": dict.fromkeys([f"q{i}" for i in range(1, 10)], 2)}, get_library()
    )
    assert scored["phq9"].total == 18
    assert scored["phq9"].band == "moderately_severe"
    assert scored["phq9"].critical  # item 9 answered 2


def test_answers_that_cannot_be_scored_name_the_instrument():
    with pytest.raises(ScreeningError) as caught:
        score_screening({"phq2": {"q1": 1}}, get_library())
    assert caught.value.instrument == "phq2"
    with pytest.raises(ScreeningError):
        score_screening({"gad2": {"q1": 9, "q2": 0}}, get_library())


def test_an_instrument_not_offered_here_is_refused(db):
    available = {k: v for k, v in available_screening().items() if k != "audit"}
    with pytest.raises(ScreeningError) as caught:
        score_screening({"audit": dict.fromkeys([f"q{i}" for i in range(1, 11)], 0)}, available)
    assert caught.value.instrument == "audit"
    # And a follow-up that is not available is never asked.
    scored = score_screening({"auditc": {"q1": 4, "q2": 4, "q3": 4}}, available)
    assert follow_ups_due(scored, available) == []


def test_only_instruments_the_organisation_may_use_are_offered(db, monkeypatch):
    from kindred.measures import definitions
    from kindred.measures.definitions import LicenceTerms

    library = get_library()
    restricted = library["gad7"].model_copy(
        update={
            "licence": library["gad7"].licence.model_copy(
                update={"terms": LicenceTerms.NON_COMMERCIAL}
            )
        }
    )
    monkeypatch.setattr(definitions, "get_library", lambda: {**library, "gad7": restricted})
    monkeypatch.setattr(
        "kindred.measures.availability.all_definitions",
        lambda: {**library, "gad7": restricted}.values(),
    )
    assert "gad7" not in available_screening()
    InstrumentLicence.objects.create(instrument_id="gad7")
    assert "gad7" in available_screening()
