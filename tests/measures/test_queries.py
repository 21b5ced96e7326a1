"""The member's own results and trends, as their questionnaire pages and the API read them."""

from __future__ import annotations

import pytest

from kindred.measures import queries
from kindred.measures.actions import do_submit_response
from kindred.measures.definitions import get_definition
from tests.measures.builders import answers_for_raw

pytestmark = pytest.mark.django_db


def test_a_member_reads_only_their_own_results(member, member2):
    definition = get_definition("phq9")
    response = do_submit_response(member, "phq9", answers_for_raw(definition, 12)).response
    (row,) = queries.results_of(member)
    assert (row.id, row.instrument, row.name, row.total) == (
        response.pk,
        "phq9",
        definition.name,
        12,
    )
    assert row.band_label == queries.band_label(definition, response.band) != response.band
    assert queries.results_of(member2) == []
    assert queries.results_of(member, instrument="gad7") == []


def test_the_trend_keeps_the_latest_results_oldest_first(member, member2):
    definition = get_definition("phq9")
    for total in (20, 15, 9):
        do_submit_response(member, "phq9", answers_for_raw(definition, total))
    assert [p.total for p in queries.trend_of(member, definition)] == [20, 15, 9]
    assert [p.total for p in queries.trend_of(member, definition, limit=2)] == [15, 9]
    assert queries.trend_of(member2, definition) == []


def test_an_unknown_band_reads_as_its_key():
    assert queries.band_label(None, "severe") == "severe"
