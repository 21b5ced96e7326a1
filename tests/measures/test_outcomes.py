"""The organisation's outcomes dashboard: aggregates only, small cells suppressed."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from kindred.bookings.models import Booking, BookingStatus
from kindred.consent import sources
from kindred.core.roles import Role
from kindred.measures.models import Response
from kindred.measures.outcomes import (
    MIN_CELL,
    SUPPRESSED,
    get_outcome_rows,
    paired_scores,
    service_group,
)
from tests.conftest import PERSONAS
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
URL = "/staff/outcomes/"


def result(member, instrument, total, days_ago):
    response = Response(
        member=member,
        instrument_id=instrument,
        instrument_version="1",
        total=total,
        band="x",
        created_at=timezone.now() - timedelta(days=days_ago),
    )
    response.answers = {}
    response.save()


PEER_SUPPORT: set[int] = set()


@pytest.fixture(autouse=True)
def peer_support_source():
    """Stands in for the groups and peers apps: members in ``PEER_SUPPORT`` use peer
    support. Taken away again after each test."""
    PEER_SUPPORT.clear()
    sources.register_service_source(
        "test_peer_support", sources.SERVICE_PEER_SUPPORT, lambda: set(PEER_SUPPORT)
    )
    yield
    sources.unregister_service_source("test_peer_support")
    PEER_SUPPORT.clear()


def person(n, *, therapist=None, peer=False, phq9=None, gad7=None, prefix="pop", status=None):
    member = UserFactory(handle=f"{prefix}_{n}", roles=[Role.MEMBER])
    if therapist is not None:
        start = timezone.now() - timedelta(days=20)
        Booking.objects.create(
            member=member,
            therapist=therapist,
            starts_at=start + timedelta(hours=n),
            ends_at=start + timedelta(hours=n, minutes=50),
            status=status or BookingStatus.ATTENDED,
        )
    if peer:
        PEER_SUPPORT.add(member.pk)
    for instrument, scores in (("phq9", phq9), ("gad7", gad7)):
        for i, total in enumerate(scores or ()):
            result(member, instrument, total, days_ago=30 - i)
    return member


@pytest.fixture
def population(therapist):
    """Therapy only (12 members, each with an attended session):
      10 × PHQ-9 18 → 6, GAD-7 15 → 5: case at start, reliable improvement on both
           (−12 ≥ 6, −10 ≥ 4), no longer a case (6 < 10, 5 < 8) → recovered, reliably.
       2 × PHQ-9 8 → 16, GAD-7 5 → 12: not a case at start, reliable deterioration.
      So PHQ-9, GAD-7 and both together each: 12 members, 10 cases (83%), 10 improved
      (83%), 2 deteriorated (suppressed), recovery 10/10 (100%), reliable 10/10 (100%).
    Peer support only (a group or a peer connection, no therapy):
       9 × PHQ-9 18 → 6, no GAD-7: 9 members → the whole row suppressed.
       1 × a single PHQ-9 (not paired) → not counted.
    Both (a session and peer support):
      10 × PHQ-9 20 → 4, no GAD-7: PHQ-9 row all 10 (100%) but deterioration; GAD-7 and
           the combined row suppressed.
    Neither: nobody.
    """
    people = [person(i, therapist=therapist, phq9=(18, 6), gad7=(15, 5)) for i in range(10)]
    people += [person(10 + i, therapist=therapist, phq9=(8, 16), gad7=(5, 12)) for i in range(2)]
    people += [person(20 + i, peer=True, phq9=(18, 12, 6)) for i in range(9)]
    people.append(person(40, peer=True, phq9=(20,)))
    people += [person(50 + i, therapist=therapist, peer=True, phq9=(20, 4)) for i in range(10)]
    return people


def cells(page, table, measure):
    body = page.split(f'id="outcomes-{table}"')[1].split("</table>")[0]
    row = body.split(f'class="outcome-{measure}"')[1].split("</tr>")[0]
    return [c.strip() for c in re.findall(r"<td>(.*?)</td>", row, re.S)]


@pytest.mark.parametrize("persona", [*PERSONAS, "anonymous"], indirect=True)
def test_only_staff_see_the_dashboard(login, persona, staff):
    response = login(persona).get(URL)
    if persona is None:
        assert response.status_code == 302
    elif persona == staff:
        assert response.status_code == 200
    else:
        assert response.status_code == 404


def test_the_numbers_for_a_constructed_population(login, staff, population):
    page = login(staff).get(URL).content.decode()
    expected = ["12", "10 (83%)", "10 (83%)", SUPPRESSED, "10 (100%)", "10 (100%)"]
    for measure in ("phq9", "gad7", "tt"):
        assert cells(page, "therapy_only", measure) == expected
    assert cells(page, "peer_only", "phq9") == [SUPPRESSED] * 6
    assert cells(page, "peer_only", "gad7") == [SUPPRESSED] * 6
    assert cells(page, "both", "phq9") == [
        "10",
        "10 (100%)",
        "10 (100%)",
        SUPPRESSED,
        "10 (100%)",
        "10 (100%)",
    ]
    assert cells(page, "both", "gad7") == [SUPPRESSED] * 6
    for measure in ("phq9", "gad7", "tt"):
        assert cells(page, "neither", measure) == [SUPPRESSED] * 6


def test_nine_members_are_suppressed_and_ten_are_shown(login, staff, population):
    client = login(staff)
    assert cells(client.get(URL).content.decode(), "peer_only", "phq9")[0] == SUPPRESSED
    person(99, peer=True, phq9=(18, 6))  # the tenth paired peer-only member
    # 10 members, all cases, all improved and recovered: every cell reaches 10.
    row = cells(client.get(URL).content.decode(), "peer_only", "phq9")
    assert row == ["10", "10 (100%)", "10 (100%)", SUPPRESSED, "10 (100%)", "10 (100%)"]


def test_a_rate_on_a_small_denominator_is_suppressed(db):
    # 10 paired members but only 3 cases at start: recovery counts (≤ 3) are suppressed.
    for i in range(10):
        person(i, phq9=(18, 4) if i < 3 else (4, 3))
    peer = {r.measure: r for r in get_outcome_rows() if r.group == "neither"}
    assert peer["phq9"].members.count == MIN_CELL
    assert peer["phq9"].case_at_start.count is None
    assert peer["phq9"].recovered.count is None and peer["phq9"].recovered.percent is None


def test_no_individual_data_reaches_the_page(login, staff, population):
    page = login(staff).get(URL).content.decode()
    for member in population:
        assert member.handle not in page and member.email not in page
    # Three measure rows per group, four groups, nothing else.
    assert page.count('<tr class="outcome-') == 12


def test_the_aggregate_is_one_query(population, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = paired_scores()
    assert len(rows) == 12 * 2 + 9 + 10


def test_the_page_query_count_does_not_grow(login, staff, therapist, django_assert_max_num_queries):
    client = login(staff)
    client.get(URL)
    with django_assert_max_num_queries(12) as few:
        client.get(URL)
    for i in range(15):
        person(
            i, therapist=therapist if i % 2 else None, peer=i % 3 == 0, phq9=(18, 6), gad7=(9, 3)
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(URL).status_code == 200


def test_members_are_grouped_by_the_services_they_use():
    services = {sources.SERVICE_THERAPY: {1, 2}, sources.SERVICE_PEER_SUPPORT: {2, 3}}
    assert [service_group(n, services) for n in (1, 2, 3, 4)] == [
        "therapy_only",
        "both",
        "peer_only",
        "neither",
    ]


def test_therapy_means_a_treating_therapist(therapist):
    attended = person(1, therapist=therapist, phq9=(18, 6))
    cancelled = person(2, therapist=therapist, phq9=(18, 6), status=BookingStatus.CANCELLED)
    services = sources.members_by_service()
    assert attended.pk in services[sources.SERVICE_THERAPY]
    assert cancelled.pk not in services[sources.SERVICE_THERAPY]


def test_each_service_source_is_one_query(population, django_assert_max_num_queries):
    registered = len(sources.SERVICE_SOURCES)
    with django_assert_max_num_queries(registered) as counted:
        services = sources.members_by_service()
    assert len(counted.captured_queries) <= registered
    assert len(services[sources.SERVICE_PEER_SUPPORT]) >= 20
