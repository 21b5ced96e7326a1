from decimal import Decimal

import pytest

from kindred.therapy.directory import available_within, explain, filtered_profiles, page
from tests.factories import UserFactory


@pytest.fixture
def people(make_profile):
    """Three listed therapists and one draft, different on every filter."""
    from kindred.core.roles import Role

    def therapist(name):
        return UserFactory(legal_name=name, roles=[Role.THERAPIST], mfa=True)

    return {
        "ana": make_profile(
            therapist("Ana Ruiz"),
            modality=["cbt"],
            specialty=["depression", "anxiety"],
            population=["adults"],
            language=["en", "es"],
            format=["video"],
            fee=Decimal(80),
            sliding_scale_min=Decimal(40),
            sliding_scale_max=Decimal(80),
            introduction="Gentle, practical help with worry.",
        ),
        "ben": make_profile(
            therapist("Ben Okafor"),
            licence_type="counsellor",
            jurisdiction="Scotland",
            modality=["psychodynamic"],
            specialty=["trauma"],
            population=["teens"],
            language=["en"],
            format=["in_person", "phone"],
            in_person_location="Glasgow",
            fee=Decimal(120),
            accepts_insurance=True,
            accepting_new_clients=False,
            introduction="Long-term work on trauma.",
        ),
        "cleo": make_profile(
            therapist("Cleo Martin"),
            modality=["dbt", "cbt"],
            specialty=["self_harm"],
            population=["lgbtq"],
            language=["fr"],
            format=["video"],
            fee=Decimal(60),
            currency="USD",
            introduction="Skills for intense emotions.",
        ),
        "dina": make_profile(therapist("Dina Draft"), status="draft", modality=["cbt"]),
    }


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, {"ana", "ben", "cleo"}),
        ({"modality": ["cbt"]}, {"ana", "cleo"}),
        ({"modality": ["psychodynamic", "dbt"]}, {"ben", "cleo"}),
        ({"specialty": ["trauma"]}, {"ben"}),
        ({"population": ["lgbtq"]}, {"cleo"}),
        ({"language": ["es"]}, {"ana"}),
        ({"format": ["video"]}, {"ana", "cleo"}),
        ({"format": ["in_person"]}, {"ben"}),
        ({"licence_type": "counsellor"}, {"ben"}),
        ({"jurisdiction": "scotland"}, {"ben"}),
        ({"fee_max": Decimal(50)}, {"ana"}),  # through the sliding scale
        ({"fee_max": Decimal(60), "currency": "USD"}, {"cleo"}),
        ({"currency": "GBP"}, {"ana", "ben"}),
        ({"sliding_scale": True}, {"ana"}),
        ({"insurance": True}, {"ben"}),
        ({"accepting": True}, {"ana", "cleo"}),
        ({"q": "okafor"}, {"ben"}),
        ({"q": "EMOTIONS"}, {"cleo"}),
        ({"modality": ["cbt"], "language": ["fr"]}, {"cleo"}),
        ({"modality": ["cbt"], "specialty": ["trauma"]}, set()),
    ],
)
def test_directory_filters(people, filters, expected):
    names = {name for name, p in people.items() if filtered_profiles(filters).filter(pk=p.pk)}
    assert names == expected


def test_explanations_name_only_the_filters_that_matched(people):
    filters = {
        "modality": ["cbt", "emdr"],
        "language": ["es"],
        "format": ["video"],
        "fee_max": Decimal(50),
    }
    results, _ = page(filters, None)
    assert [r.profile for r in results] == [people["ana"]]
    assert results[0].reasons == [
        "Offers CBT",
        "Speaks Spanish",
        "Video sessions",
        "Fee £80, sliding scale from £40",
    ]


def test_explanations_are_empty_without_filters(people):
    assert explain(people["ana"], {}) == []


def test_explanations_cover_the_other_filters(people):
    reasons = explain(
        people["ben"],
        {
            "format": ["in_person"],
            "insurance": True,
            "licence_type": "counsellor",
            "jurisdiction": "Scotland",
            "q": "trauma",
        },
    )
    assert reasons == [
        "In-person sessions in Glasgow",
        "Counsellor",
        "Licensed in Scotland",
        "Accepts insurance",
        "“trauma” in their introduction",
    ]
    assert "Accepting new clients" in explain(people["cleo"], {"accepting": True})


def test_pages_follow_each_other(people, monkeypatch):
    monkeypatch.setattr("kindred.therapy.directory.PER_PAGE", 2)
    first, after = page({}, None)
    assert len(first) == 2 and after
    second, after2 = page({}, after)
    assert [r.profile for r in second] == [people["cleo"]] and after2 is None


def _weekly(user, start_hour=9, end_hour=17):
    from datetime import time

    from kindred.bookings.actions import do_add_weekly_availability

    for weekday in range(7):
        do_add_weekly_availability(
            user, weekday=weekday, start_time=time(start_hour), end_time=time(end_hour)
        )


def test_availability_filters_to_therapists_with_a_free_session(
    people, django_assert_max_num_queries
):
    from datetime import timedelta

    from django.utils import timezone

    from kindred.bookings.models import Booking
    from kindred.bookings.slots import slots_for

    ana, ben = people["ana"].user, people["ben"].user
    _weekly(ana)
    # Ben has one short window a day; every one of his slots in the next week is booked.
    _weekly(ben, start_hour=9, end_hour=10)
    now = timezone.now()
    for slot in slots_for(ben, now, now + timedelta(days=7)):
        Booking.objects.create(
            therapist=ben, member=UserFactory(), starts_at=slot.starts_at, ends_at=slot.ends_at
        )
    ids = [p.user_id for p in people.values()]
    with django_assert_max_num_queries(3):
        free = available_within(ids, 7)
    assert free == {ana.pk}
    names = {p.user.legal_name for p in filtered_profiles({"available_days": 7})}
    assert names == {"Ana Ruiz"}
    assert "Has a free session within 7 days" in explain(people["ana"], {"available_days": 7})


def test_no_availability_filter_means_everyone_listed(people):
    assert {p.user.legal_name for p in filtered_profiles({"available_days": None})} >= {
        "Ana Ruiz",
        "Ben Okafor",
    }
