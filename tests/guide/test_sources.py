"""The guide's own next steps: listed therapists filtered by fee, language and modality;
community spaces on the person's topics."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kindred.guide.nextsteps import GuideNeeds
from kindred.guide.sources import space_steps, therapist_filters, therapist_steps

pytestmark = pytest.mark.django_db


def titles(steps):
    return [s.title for s in steps]


@pytest.fixture
def therapists(make_profile):
    from kindred.core.roles import Role
    from tests.factories import UserFactory

    def named(name):
        return UserFactory(roles=[Role.THERAPIST], mfa=True, legal_name=name)

    return {
        "cheap_cbt_en": make_profile(named("Ana Cheap"), fee=Decimal("30"), modality=["cbt"]),
        "dear_cbt_en": make_profile(named("Ben Dear"), fee=Decimal("120"), modality=["cbt"]),
        "cheap_psy_es": make_profile(
            named("Carla Spanish"), fee=Decimal("40"), modality=["psychodynamic"], language=["es"]
        ),
        "unverified": make_profile(
            named("Dan Draft"), status="draft", fee=Decimal("10"), modality=["cbt"]
        ),
    }


def test_therapists_match_fee_language_and_modality(therapists):
    needs = GuideNeeds(languages=("en",), max_fee=Decimal("50"), modalities=frozenset({"cbt"}))
    steps = therapist_steps(needs, None)
    assert titles(steps) == ["Ana Cheap"]
    assert steps[0].url == f"/therapists/{therapists['cheap_cbt_en'].pk}/"
    assert "Offers CBT" in steps[0].reason and "Fee £30" in steps[0].reason


def test_language_narrows_the_list(therapists):
    steps = therapist_steps(GuideNeeds(languages=("es",)), None)
    assert titles(steps) == ["Carla Spanish"]


def test_without_a_fee_limit_the_cheapest_come_first_and_only_listed_ones(therapists):
    steps = therapist_steps(GuideNeeds(languages=("en",)), None)
    assert titles(steps) == ["Ana Cheap", "Ben Dear"]
    assert "Dan Draft" not in titles(steps)


def test_free_only_finds_no_paid_therapist(therapists):
    assert therapist_steps(GuideNeeds(max_fee=Decimal("0")), None) == []


def test_the_filters_follow_the_answers():
    needs = GuideNeeds(
        languages=("fr",),
        max_fee=Decimal("60"),
        modalities=frozenset({"cbt", "act"}),
        formats=frozenset({"video", "group"}),
        age_band="teen",
    )
    assert therapist_filters(needs) == {
        "language": ["fr"],
        "modality": ["act", "cbt"],
        "fee_max": Decimal("60"),
        "format": ["video"],
        "population": ["teens"],
    }


def test_spaces_follow_the_topics(member):
    steps = space_steps(GuideNeeds(topics=frozenset({"grief-loss", "caregivers"})), member)
    assert titles(steps) == ["Grief & loss", "Caregivers"]
    assert steps[0].url == "/spaces/grief-loss/"
    assert "grief" in steps[0].reason.lower()


def test_without_a_topic_the_general_space_is_offered():
    assert titles(space_steps(GuideNeeds(), None)) == ["Depression & anxiety"]


def test_an_anonymous_teen_is_offered_no_adult_space():
    assert space_steps(GuideNeeds(topics=frozenset({"grief-loss"}), age_band="teen"), None) == []
