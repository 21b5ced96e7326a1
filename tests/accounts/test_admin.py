"""The user admin: staff may correct a date of birth; the band follows, audited."""

from __future__ import annotations

from datetime import date

import pytest

from kindred.accounts.models import AgeBand
from kindred.audit.models import AuditEvent
from tests.factories import UserFactory


def change_url(user) -> str:
    return f"/admin/accounts/user/{user.pk}/change/"


def form_data(user, **changes) -> dict[str, str]:
    role = user.roles.get()
    data = {
        "email": user.email,
        "handle": user.handle,
        "legal_name": user.legal_name,
        "country": user.country,
        "timezone": user.timezone,
        "date_of_birth": user.date_of_birth.isoformat() if user.date_of_birth else "",
        "is_active": "on",
        "date_joined_0": user.date_joined.date().isoformat(),
        "date_joined_1": user.date_joined.time().strftime("%H:%M:%S"),
        "roles-TOTAL_FORMS": "1",
        "roles-INITIAL_FORMS": "1",
        "roles-MIN_NUM_FORMS": "0",
        "roles-MAX_NUM_FORMS": "1000",
        "roles-0-id": str(role.pk),
        "roles-0-user": str(user.pk),
        "roles-0-role": role.role,
    }
    return {**data, **changes}


@pytest.fixture
def person(db):
    return UserFactory(handle="correct_me")


def test_staff_correct_a_date_of_birth_and_the_band_follows(login, staff, person):
    response = login(staff).post(change_url(person), form_data(person, date_of_birth="2013-01-20"))
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    assert (person.date_of_birth, person.age_band) == (date(2013, 1, 20), AgeBand.TEEN)
    event = AuditEvent.objects.get(event="account.date_of_birth_corrected")
    assert event.actor_id == staff.pk
    assert event.target_id == str(person.pk)
    assert event.changes["age_band"] == {"from": "adult", "to": "teen"}
    assert "2013" not in str(event.changes)


def test_other_edits_leave_the_date_and_its_audit_alone(login, staff, person):
    response = login(staff).post(change_url(person), form_data(person, legal_name="New Name"))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.legal_name == "New Name"
    assert not AuditEvent.objects.filter(event="account.date_of_birth_corrected").exists()


def test_the_band_itself_is_read_only(login, staff, person):
    html = login(staff).get(change_url(person)).content.decode()
    assert 'name="date_of_birth"' in html
    assert 'name="age_band"' not in html
    login(staff).post(change_url(person), form_data(person, age_band="teen"))
    person.refresh_from_db()
    assert person.age_band == AgeBand.ADULT


@pytest.mark.parametrize("persona", ["member", "facilitator", "moderator"], indirect=True)
def test_only_staff_reach_the_user_admin(login, persona, person):
    client = login(persona)
    assert client.get(change_url(person)).status_code == 404
    client.post(change_url(person), form_data(person, date_of_birth="2013-01-20"))
    person.refresh_from_db()
    assert person.age_band == AgeBand.ADULT


def test_anonymous_visitors_are_sent_to_log_in(client, person):
    response = client.post(change_url(person), form_data(person, date_of_birth="2013-01-20"))
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.age_band == AgeBand.ADULT


def test_switching_an_account_off_ends_what_it_shared_and_what_was_shared_with_it(
    client, login, staff, member, therapist
):
    from tests.care.factories import assert_sharing_ended, book, share_before_it_ends

    book(member, therapist)
    share_before_it_ends(client, member, therapist)

    response = login(staff).post(change_url(member), form_data(member, is_active=""))

    assert response.status_code == 302, response.content.decode()[:2000]
    member.refresh_from_db()
    assert not member.is_active
    event = AuditEvent.objects.get(event="account.deactivated")
    assert event.actor_id == staff.pk and event.target_id == str(member.pk)
    assert event.changes == {"is_active": [True, False], "care.grants": 1}
    assert_sharing_ended(client, member, therapist, "account_closed")


def test_deleting_an_account_in_the_admin_ends_its_grants_first(
    login, staff, member, peer_supporter
):
    from kindred.consent.actions import do_grant
    from kindred.consent.models import ConsentGrant
    from tests.care.factories import registered_team

    with registered_team() as team:
        team.add(member, peer_supporter)
        grant = do_grant(member, peer_supporter.pk, "safety_plan")
        response = login(staff).post(f"/admin/accounts/user/{member.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not ConsentGrant.objects.filter(pk=grant.pk).exists()
    ended = AuditEvent.objects.get(event="care.grant.revoked", target_id=str(grant.pk))
    assert ended.changes["reason"] == "account_closed"
