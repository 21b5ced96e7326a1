"""Therapist pages: assign questionnaires, read a client's results — the treating
therapist only, every read audited, everyone else the same 404 as a missing client."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from kindred.audit.models import AuditEvent
from kindred.bookings.models import Booking, BookingStatus
from kindred.core.access import NotFound
from kindred.measures.access import access_client_results
from kindred.measures.actions import do_assign_measure
from kindred.measures.models import Assignment, Response
from tests.conftest import PERSONAS

pytestmark = pytest.mark.django_db


def book(member, therapist, days=3):
    start = timezone.now() + timedelta(days=days)
    return Booking.objects.create(
        member=member,
        therapist=therapist,
        starts_at=start,
        ends_at=start + timedelta(minutes=50),
        status=BookingStatus.BOOKED,
    )


def result(member, instrument, total, days_ago, assigned_by=None):
    response = Response(
        member=member,
        instrument_id=instrument,
        instrument_version="1",
        total=total,
        band="x",
        created_at=timezone.now() - timedelta(days=days_ago),
        assigned_by=assigned_by,
    )
    response.answers = {}
    response.save()
    return response


@pytest.fixture
def treating(member, therapist):
    return book(member, therapist)


@pytest.fixture
def results(member, therapist):
    # PHQ-9 18 → 6 (−12: reliable improvement), GAD-7 15 → 5 (−10), all assigned by
    # the treating therapist (what they see by default).
    return [
        result(member, "phq9", 18, 30, therapist),
        result(member, "phq9", 6, 1, therapist),
        result(member, "gad7", 15, 30, therapist),
        result(member, "gad7", 5, 1, therapist),
    ]


@pytest.mark.parametrize("persona", [*PERSONAS, "anonymous"], indirect=True)
def test_only_the_treating_therapist_sees_results(login, persona, member, therapist, treating):
    response = login(persona).get(f"/therapist/measures/{member.pk}/")
    if persona is None:
        assert response.status_code == 302
    elif persona == therapist:
        assert response.status_code == 200
    else:
        assert response.status_code == 404


def test_another_therapists_404_is_identical_to_a_missing_client(
    login, member, therapist2, treating, results
):
    client = login(therapist2)
    forbidden = client.get(f"/therapist/measures/{member.pk}/")
    missing = client.get("/therapist/measures/999999/")
    assert forbidden.status_code == missing.status_code == 404
    assert _without_tokens(forbidden) == _without_tokens(missing)


def _without_tokens(response):
    # The per-response CSRF token is the only thing allowed to differ.
    return re.sub(r'value="[A-Za-z0-9]{64}"', "", response.content.decode())


def test_a_therapist_who_also_treats_sees_their_own_client_only(
    login, member, member2, therapist, therapist2, treating
):
    book(member2, therapist2)
    assert login(therapist2).get(f"/therapist/measures/{member.pk}/").status_code == 404


def test_a_former_client_is_not_shown(login, member, therapist, treating, results):
    Booking.objects.filter(pk=treating.pk).update(status=BookingStatus.CANCELLED)
    assert login(therapist).get(f"/therapist/measures/{member.pk}/").status_code == 404


def test_a_peer_supporter_gets_nothing(login, member, peer_supporter, results):
    with pytest.raises(NotFound):
        access_client_results(peer_supporter, member.pk)
    assert login(peer_supporter).get(f"/therapist/measures/{member.pk}/").status_code == 404
    assert not AuditEvent.objects.filter(actor_id=peer_supporter.pk).exists()


def test_the_results_page_shows_chart_table_and_outcomes(
    login, member, therapist, treating, results
):
    page = login(therapist).get(f"/therapist/measures/{member.pk}/").content.decode()
    assert page.count('class="measure-chart"') == 2
    assert page.count('class="measure-history"') == 2
    assert 'id="chart-title-phq9"' in page and 'id="chart-title-gad7"' in page
    assert "First to latest: -12 (reliable improvement)" in page
    assert "NHS Talking Therapies outcome" in page
    assert "<dt>Reliable recovery</dt><dd>Yes</dd>" in page
    # The member's own result pages are not linked: the therapist could not open them.
    assert "/measures/results/" not in page


def test_every_read_is_audited(login, member, therapist, treating, results):
    client = login(therapist)
    client.get(f"/therapist/measures/{member.pk}/")
    client.get(f"/therapist/measures/{member.pk}/")
    reads = AuditEvent.objects.filter(actor_id=therapist.pk, event="accounts.user.read")
    assert reads.count() == 2
    assert {e.target_id for e in reads} == {str(member.pk)}


def test_the_results_page_query_count_does_not_grow(
    login, member, therapist, treating, results, django_assert_max_num_queries
):
    client = login(therapist)
    client.get(f"/therapist/measures/{member.pk}/")
    with django_assert_max_num_queries(30) as few:
        client.get(f"/therapist/measures/{member.pk}/")
    for days_ago in range(2, 22):
        result(member, "phq9", days_ago, days_ago, therapist)
        result(member, "who5", days_ago, days_ago, therapist)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(f"/therapist/measures/{member.pk}/").status_code == 200


# --- What the treating therapist sees by default (kindred/care/visibility.py) --------


def test_questionnaires_the_member_took_alone_stay_off_the_results_page(
    login, member, therapist, treating
):
    result(member, "phq9", 18, 3, therapist)
    result(member, "gad7", 15, 2)  # taken alone
    page = login(therapist).get(f"/therapist/measures/{member.pk}/").content.decode()
    assert 'id="chart-title-phq9"' in page
    assert 'id="chart-title-gad7"' not in page and 'id="chart-title-who5"' not in page


def test_another_therapists_assignments_stay_off_the_results_page(
    login, member, therapist, therapist2, treating
):
    book(member, therapist2, days=5)
    result(member, "phq9", 18, 3, therapist2)
    page = login(therapist).get(f"/therapist/measures/{member.pk}/").content.decode()
    assert 'id="chart-title-phq9"' not in page
    page = login(therapist2).get(f"/therapist/measures/{member.pk}/").content.decode()
    assert 'id="chart-title-phq9"' in page


def test_once_the_member_switches_it_off_the_results_and_export_are_404(
    login, member, therapist, treating, results
):
    from kindred.consent.actions import do_set_default_access
    from kindred.consent.visibility import THERAPIST_ASSIGNED_QUESTIONNAIRES

    client = login(therapist)
    assert client.get(f"/therapist/measures/{member.pk}/").status_code == 200
    do_set_default_access(member, THERAPIST_ASSIGNED_QUESTIONNAIRES.key, on=False)
    reads = AuditEvent.objects.filter(actor_id=therapist.pk, event="accounts.user.read").count()
    assert client.get(f"/therapist/measures/{member.pk}/").status_code == 404
    assert client.get(f"/therapist/measures/{member.pk}/export.fhir.json").status_code == 404
    assert (
        AuditEvent.objects.filter(actor_id=therapist.pk, event="accounts.user.read").count()
        == reads
    )
    do_set_default_access(member, THERAPIST_ASSIGNED_QUESTIONNAIRES.key, on=True)
    assert client.get(f"/therapist/measures/{member.pk}/").status_code == 200


# --- Assigning ------------------------------------------------------------------


@pytest.mark.parametrize("persona", [*PERSONAS, "anonymous"], indirect=True)
def test_only_therapists_reach_the_assignment_page(login, persona, therapist, therapist2):
    response = login(persona).get("/therapist/measures/")
    if persona is None:
        assert response.status_code == 302
    elif persona in (therapist, therapist2):
        assert response.status_code == 200
    else:
        assert response.status_code == 404


def test_a_therapist_assigns_and_stops(login, member, therapist, treating):
    client = login(therapist)
    assert member.handle in client.get("/therapist/measures/").content.decode()
    response = client.post(
        "/therapist/measures/assign/",
        {"member": member.pk, "instrument": "phq9", "every_days": 14, "before_sessions": "on"},
    )
    assert response.status_code == 302
    assignment = Assignment.objects.get()
    assert (assignment.therapist, assignment.member) == (therapist, member)
    assert assignment.every_days == 14 and assignment.before_sessions
    response = client.post(f"/therapist/measures/assignments/{assignment.pk}/stop/")
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert not assignment.active


def test_assigning_needs_a_schedule(login, member, therapist, treating):
    response = login(therapist).post(
        "/therapist/measures/assign/", {"member": member.pk, "instrument": "phq9"}
    )
    assert response.status_code == 422
    assert not Assignment.objects.exists()


def test_a_therapist_cannot_assign_to_someone_elses_client(login, member, therapist2, treating):
    response = login(therapist2).post(
        "/therapist/measures/assign/", {"member": member.pk, "instrument": "phq9", "every_days": 7}
    )
    assert response.status_code == 422
    assert not Assignment.objects.exists()


def test_another_therapist_cannot_stop_it(login, member, therapist, therapist2, treating):
    assignment = do_assign_measure(therapist, member.pk, "phq9", every_days=7)
    response = login(therapist2).post(f"/therapist/measures/assignments/{assignment.pk}/stop/")
    assert response.status_code == 404
    assignment.refresh_from_db()
    assert assignment.active


def test_the_treating_therapist_exports_a_clients_results_as_fhir(
    client, member, therapist, therapist2
):
    import json
    from datetime import timedelta

    from django.utils import timezone

    from kindred.audit.models import AuditEvent
    from kindred.bookings.models import Booking
    from kindred.measures.actions import do_submit_response

    start = timezone.now() + timedelta(days=2)
    Booking.objects.create(
        therapist=therapist, member=member, starts_at=start, ends_at=start + timedelta(minutes=50)
    )
    do_submit_response(member, "phq9", {f"q{i}": 1 for i in range(1, 10)}, assigned_by=therapist)
    url = f"/therapist/measures/{member.pk}/export.fhir.json"
    client.force_login(therapist2)
    assert client.get(url).status_code == 404
    client.force_login(therapist)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/fhir+json"
    )
    bundle = json.loads(response.content)
    assert bundle["resourceType"] == "Bundle"
    assert "44261-6" in response.content.decode()
    event = AuditEvent.objects.get(event="measures.exported")
    assert event.actor_id == therapist.pk and event.target_id == str(member.pk)
