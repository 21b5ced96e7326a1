"""A therapist discharges a client (kindred.care.actions.do_discharge, its page and API):
the relationship, its default access and the grants derived from it end, audited, and
the therapist's views of the member answer 404 afterwards."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from kindred.audit.models import AuditEvent
from kindred.bookings.models import BookingStatus
from kindred.bookings.relationships import clients_of, treats
from kindred.care import actions
from kindred.consent import actions as consent_actions
from kindred.consent.models import ConsentGrant, EndReason
from kindred.consent.sources import team_for
from kindred.core.access import NotFound
from kindred.measures.access import access_client as access_measures_client
from tests.care.factories import book

pytestmark = pytest.mark.django_db

WRONG = ["member", "member2", "peer_supporter", "therapist2", "moderator", "staff"]


@pytest.fixture
def treated(member, therapist):
    """``member`` had a session with ``therapist``, has one booked, and shares two things."""
    past = book(member, therapist, days=-7, status=BookingStatus.ATTENDED)
    upcoming = book(member, therapist, days=5)
    shared = [
        consent_actions.do_grant(member, therapist.pk, "safety_plan"),
        consent_actions.do_grant(member, therapist.pk, "measure_trends"),
    ]
    return past, upcoming, shared


def page(member):
    return reverse("care_discharge", args=[member.pk])


def api(member):
    return f"/api/v1/care/clients/{member.pk}/discharge"


def test_it_ends_the_relationship_its_default_access_and_grants(member, therapist, treated):
    past, upcoming, shared = treated
    assert treats(therapist, member)
    actions.do_discharge(therapist, member.pk)
    assert not treats(therapist, member) and member not in clients_of(therapist)
    upcoming.refresh_from_db()
    past.refresh_from_db()
    assert upcoming.status == BookingStatus.CANCELLED and upcoming.discharged_at is not None
    assert past.status == BookingStatus.ATTENDED and past.discharged_at is not None
    for grant in shared:
        grant.refresh_from_db()
        assert grant.status() == "ended" and grant.ended_reason == EndReason.THERAPY_DISCHARGED
    # The treating therapist's default access follows the relationship: gone.
    assert [e for e in team_for(member) if e.relation == "therapist"] == []
    with pytest.raises(NotFound):
        access_measures_client(therapist, member.pk)
    event = AuditEvent.objects.get(event="care.therapy.discharged")
    assert event.actor_id == therapist.pk and event.target_id == str(member.pk)
    assert event.changes == {"bookings_cancelled": 1, "bookings_closed": 2, "grants_ended": 2}


def test_a_new_booking_after_discharge_starts_the_relationship_afresh(member, therapist, treated):
    actions.do_discharge(therapist, member.pk)
    book(member, therapist, days=9)
    assert treats(therapist, member)
    # What was shared before stays ended: sharing again is the member's choice.
    assert not ConsentGrant.objects.filter(revoked_at__isnull=True).exists()


def test_it_keeps_what_is_shared_with_another_role(member, therapist, treated, team):
    """A therapist who is also the member's peer supporter keeps what was shared."""
    team.add(member, therapist, "peer_supporter")
    actions.do_discharge(therapist, member.pk)
    assert ConsentGrant.objects.filter(revoked_at__isnull=True).count() == 2


@pytest.mark.parametrize("persona", [*WRONG], indirect=True)
def test_nobody_else_can_discharge(persona, member, therapist, treated):
    with pytest.raises(NotFound):
        actions.do_discharge(persona, member.pk)
    assert treats(therapist, member)


def test_nonsense_ids_are_not_found(therapist):
    for bad in ("x", None, 10**12):
        with pytest.raises(NotFound):
            actions.do_discharge(therapist, bad)


def test_discharging_twice_is_not_found(member, therapist, treated):
    actions.do_discharge(therapist, member.pk)
    with pytest.raises(NotFound):
        actions.do_discharge(therapist, member.pk)


# --- The page --------------------------------------------------------------------------


def test_the_client_record_links_to_the_confirmation(login, member, therapist, treated):
    html = login(therapist).get(reverse("clinical_record", args=[member.pk])).content.decode()
    assert page(member) in html
    confirm = login(therapist).get(page(member))
    assert confirm.status_code == 200 and "Yes, discharge member_maya" in confirm.content.decode()
    assert treats(therapist, member)  # GET only asks


def test_the_right_therapist_discharges_and_loses_every_view(login, member, therapist, treated):
    client = login(therapist)
    response = client.post(page(member))
    assert response.status_code == 302 and response["Location"] == reverse("clinical_clients")
    assert not treats(therapist, member)
    for url in (
        reverse("clinical_record", args=[member.pk]),
        reverse("therapist_measures_client", args=[member.pk]),
        reverse("care_shared_member", args=[member.pk]),
        f"/api/v1/care/shared/{member.pk}",
        page(member),
    ):
        assert client.get(url).status_code == 404, url


def test_anonymous_is_sent_to_sign_in(client, member, therapist, treated):
    response = client.post(page(member))
    assert response.status_code == 302 and "login" in response["Location"]
    assert treats(therapist, member)


@pytest.mark.parametrize("persona", WRONG, indirect=True)
def test_wrong_people_get_no_page_and_change_nothing(login, persona, member, therapist, treated):
    client = login(persona)
    assert client.get(page(member)).status_code in (302, 403, 404)
    assert client.post(page(member)).status_code in (302, 403, 404)
    assert treats(therapist, member)


# --- The API ---------------------------------------------------------------------------


def test_api_anonymous_gets_401(client, member, therapist, treated):
    assert client.post(api(member), "{}", content_type="application/json").status_code == 401
    assert treats(therapist, member)


@pytest.mark.parametrize("persona", WRONG, indirect=True)
def test_api_wrong_people_get_404(login, persona, member, therapist, treated):
    response = login(persona).post(api(member), "{}", content_type="application/json")
    assert response.status_code == 404
    assert treats(therapist, member)


def test_api_the_right_therapist_discharges(login, member, therapist, treated):
    client = login(therapist)
    response = client.post(api(member), "{}", content_type="application/json")
    assert response.status_code == 200
    assert json.loads(response.content) == {"member_id": member.pk, "discharged": True}
    assert client.post(api(member), "{}", content_type="application/json").status_code == 404
    assert client.get(f"/api/v1/care/shared/{member.pk}").status_code == 404
