"""The option content meets the IPDAS balance criteria: benefits and downsides in equal
detail, each with a source, and a publication date with an update note."""

from __future__ import annotations

from datetime import date

from kindred.guide.options import (
    CONTENT_VERSION,
    DECISION,
    NEXT_REVIEW,
    OPTIONS,
    PEER_OPTIONS,
    PUBLISHED,
    SOURCES,
    THERAPY_OPTIONS,
    UPDATE_NOTE,
    WHO_FOR,
)
from kindred.therapy.vocabulary import MODALITIES


def test_every_option_states_as_many_downsides_as_benefits_and_the_same_number_as_the_others():
    counts = {(len(o.benefits), len(o.downsides)) for o in OPTIONS}
    assert len(counts) == 1, counts
    ((benefits, downsides),) = counts
    assert benefits == downsides >= 3


def test_benefits_and_downsides_are_told_at_similar_length():
    # "Equal detail": across all options, the downsides' words are within a fifth of
    # the benefits'.
    benefit_words = sum(len(p.text.split()) for o in OPTIONS for p in o.benefits)
    downside_words = sum(len(p.text.split()) for o in OPTIONS for p in o.downsides)
    assert 0.8 <= downside_words / benefit_words <= 1.25


def test_every_point_has_a_listed_source_with_a_citation_and_address():
    for option in OPTIONS:
        for point in (*option.benefits, *option.downsides):
            assert point.source in SOURCES, (option.key, point.text)
            assert point.ref.citation and point.ref.url.startswith("https://")


def test_every_option_describes_what_happens_and_what_it_costs():
    for option in OPTIONS:
        assert option.title and option.summary and option.what_happens and option.cost


def test_the_options_cover_peer_support_therapy_by_modality_and_both():
    families = [o.family for o in OPTIONS]
    assert families.count("peer") == len(PEER_OPTIONS) == 3
    assert families.count("therapy") == len(THERAPY_OPTIONS) >= 3
    assert families.count("both") == 1
    codes = {code for code, _ in MODALITIES}
    for option in OPTIONS:
        assert set(option.modalities) <= codes
    assert all(o.modalities for o in OPTIONS if o.family == "therapy")


def test_the_decision_the_date_and_the_update_note_are_stated():
    assert "peer support" in DECISION and "therapy" in DECISION
    assert "Adults" in WHO_FOR
    assert PUBLISHED <= date.today() < NEXT_REVIEW or PUBLISHED < NEXT_REVIEW
    assert PUBLISHED.isoformat() == CONTENT_VERSION
    assert UPDATE_NOTE


def test_every_listed_source_is_cited_somewhere():
    from kindred.guide.rules import RULES

    cited = {p.source for o in OPTIONS for p in (*o.benefits, *o.downsides)}
    cited |= {r.source for r in RULES}
    unused = set(SOURCES) - cited - {"ipdas-2013"}  # the standard the guide follows
    assert not unused
