"""Role areas: anonymous → login, wrong role → 404, right role without MFA → MFA setup.
And a teen's 18th birthday, applied on their next request."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.urls import reverse

from kindred.accounts.middleware import role_for_path
from kindred.accounts.models import AgeBand
from kindred.audit.models import AuditEvent
from kindred.core.roles import Role
from tests.factories import UserFactory


@pytest.mark.parametrize("path", ["/staff/", "/admin/", "/therapist/", "/moderation/"])
def test_anonymous_visitors_are_sent_to_log_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize(
    "persona",
    ["member", "member2", "peer_supporter", "facilitator", "therapist", "moderator"],
    indirect=True,
)
def test_other_roles_get_not_found_for_the_staff_area(login, persona):
    client = login(persona)
    assert client.get("/staff/").status_code == 404
    assert client.get("/admin/").status_code == 404


@pytest.mark.parametrize(
    "persona", ["member", "peer_supporter", "facilitator", "therapist", "staff"], indirect=True
)
def test_only_moderators_reach_the_moderation_area(login, persona):
    assert role_for_path("/moderation/queue/") == Role.MODERATOR
    assert login(persona).get("/moderation/").status_code == 404


def test_staff_with_mfa_reach_the_staff_area(login, staff):
    response = login(staff).get("/staff/")
    assert response.status_code == 200
    assert b"Latest audit events" in response.content


def test_staff_with_mfa_reach_the_admin(login, staff):
    assert login(staff).get("/admin/").status_code == 200


@pytest.mark.parametrize("role", [Role.THERAPIST, Role.MODERATOR, Role.STAFF])
def test_a_role_that_needs_mfa_is_sent_to_set_it_up(client, db, role):
    user = UserFactory(roles=[role], mfa=False, is_staff=(role == Role.STAFF))
    client.force_login(user)
    area = {Role.THERAPIST: "/therapist/", Role.MODERATOR: "/moderation/", Role.STAFF: "/staff/"}[
        role
    ]
    response = client.get(area)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # allauth asks for the password again before a second factor can be added.
    page = client.get(response["Location"], follow=True)
    assert page.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))
    assert b"password" in page.content.lower()


def test_member_pages_do_not_demand_mfa(login, member):
    assert login(member).get(reverse("profile")).status_code == 200


def test_a_staff_flag_alone_does_not_open_the_admin(client, db):
    # Django's is_staff without Kindred's staff role (and its MFA) is not enough.
    user = UserFactory(roles=[Role.MEMBER], is_staff=True, is_superuser=True)
    client.force_login(user)
    assert client.get("/admin/").status_code == 404


# --- A teen's 18th birthday takes effect on their next request ---------------------

BIRTHDAY = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def turning_18(db, time_machine):
    time_machine.move_to(BIRTHDAY - timedelta(days=1), tick=False)
    teen = UserFactory(handle="teen_tia", age_band=AgeBand.TEEN, date_of_birth=date(2009, 3, 10))
    return teen


def test_a_teen_is_moved_on_their_first_request_after_turning_18(
    login, turning_18, teen_space, time_machine
):
    client = login(turning_18)
    assert client.get(reverse("community_space", args=[teen_space.slug])).status_code == 200
    turning_18.refresh_from_db()
    assert turning_18.age_band == AgeBand.TEEN

    time_machine.move_to(BIRTHDAY, tick=False)
    response = client.get(reverse("community_space", args=[teen_space.slug]))
    assert response.status_code == 404
    turning_18.refresh_from_db()
    assert turning_18.age_band == AgeBand.ADULT
    assert AuditEvent.objects.filter(event="account.age_band_changed").count() == 1
    client.get(reverse("community_spaces"))
    assert AuditEvent.objects.filter(event="account.age_band_changed").count() == 1


def test_requests_of_adults_and_visitors_change_nothing(client, login, member, time_machine):
    time_machine.move_to(BIRTHDAY, tick=False)
    client.get(reverse("community_spaces"))
    login(member).get(reverse("community_spaces"))
    assert not AuditEvent.objects.filter(event="account.age_band_changed").exists()
