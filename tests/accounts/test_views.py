import re
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from kindred.accounts.models import AgeBand, User
from kindred.audit.models import AuditEvent
from kindred.core.roles import Role
from tests.factories import TEST_PASSWORD, UserFactory

SIGNUP = {
    "email": "new.person@example.test",
    "handle": "gentle_fern",
    "password1": "a-long-and-unusual-pass",
    "password2": "a-long-and-unusual-pass",
    "date_of_birth": "1995-03-14",
    "accept_terms": "on",
}


@pytest.fixture(autouse=True)
def _clear_rate_limits():
    cache.clear()


@pytest.mark.django_db
def test_sign_up_needs_email_verification_before_login(client):
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 302
    user = User.objects.get(email=SIGNUP["email"])
    assert user.handle == "gentle_fern"
    assert user.role_names() == {Role.MEMBER}
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", mail.outbox[0].body)
    assert link, mail.outbox[0].body

    client.logout()
    blocked = client.post(
        reverse("account_login"), {"login": SIGNUP["email"], "password": SIGNUP["password1"]}
    )
    assert "_auth_user_id" not in client.session
    assert blocked.status_code == 302 and "confirm-email" in blocked["Location"]

    client.post(link.group(1))
    client.post(
        reverse("account_login"), {"login": SIGNUP["email"], "password": SIGNUP["password1"]}
    )
    assert client.session["_auth_user_id"] == str(user.pk)


@pytest.mark.django_db
def test_a_taken_handle_is_a_form_error_that_keeps_what_was_typed(client):
    UserFactory(handle="Gentle_Fern")
    response = client.post(reverse("account_signup"), SIGNUP)
    assert response.status_code == 200
    assert "That handle is taken" in response.content.decode()
    assert 'value="new.person@example.test"' in response.content.decode()
    assert not User.objects.filter(email=SIGNUP["email"]).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("handle", "error"),
    [
        ("ab", "Use 3–30 letters"),
        ("has space", "Use 3–30 letters"),
        ("<script>", "Use 3–30 letters"),
        ("x" * 31, "at most 30 characters"),
    ],
)
def test_a_malformed_handle_is_refused(client, handle, error):
    response = client.post(reverse("account_signup"), {**SIGNUP, "handle": handle})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not User.objects.filter(email=SIGNUP["email"]).exists()


def test_login_is_throttled_after_repeated_failures(client, member):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": member.email, "password": "wrong"})
    response = client.post(
        reverse("account_login"), {"login": member.email, "password": TEST_PASSWORD}
    )
    # Even the right password is refused until the window passes.
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 300
    assert "Too many failed login attempts" in response.content.decode()
    assert f'value="{member.email}"' in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_second_factor_codes_are_limited_per_account(client, therapist):
    response = client.post(
        reverse("account_login"), {"login": therapist.email, "password": TEST_PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    for _ in range(5):
        wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
        assert wrong.status_code == 200
    refused = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 300
    assert "Too many failed login attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_ups_past_the_limit_get_a_429_page(client, db, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "1/h/ip"}
    client.post(reverse("account_signup"), SIGNUP)
    response = client.post(
        reverse("account_signup"), {**SIGNUP, "email": "other@example.test", "handle": "other"}
    )
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "You are doing this too often. Please wait 1 hour" in response.content.decode()
    assert not User.objects.filter(email="other@example.test").exists()
    # Another address signs up.
    elsewhere = client.post(
        reverse("account_signup"),
        {**SIGNUP, "email": "third@example.test", "handle": "third"},
        REMOTE_ADDR="198.51.100.3",
    )
    assert elsewhere.status_code == 302


def test_password_reset_requests_past_the_limit_get_429(client, member, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "reset_password": "1/h/key"}
    url = reverse("account_reset_password")
    assert client.post(url, {"email": member.email}).status_code == 302
    refused = client.post(url, {"email": member.email})
    assert refused.status_code == 429
    assert refused["Retry-After"] == "3600"
    assert len(mail.outbox) == 1


def test_login_with_mfa_asks_for_the_code(client, therapist):
    response = client.post(
        reverse("account_login"), {"login": therapist.email, "password": TEST_PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session


def test_profile_requires_login(client):
    response = client.get(reverse("profile"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_profile_saves_changes(login, member):
    client = login(member)
    response = client.post(
        reverse("profile"),
        {"handle": "new_handle", "legal_name": "M L", "country": "ie", "timezone": "Europe/Dublin"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.handle, member.country, member.timezone) == ("new_handle", "IE", "Europe/Dublin")


def test_profile_errors_keep_input(login, member, member2):
    client = login(member)
    response = client.post(
        reverse("profile"),
        {
            "handle": member2.handle.upper(),
            "legal_name": "Typed Name",
            "country": "N4",
            "timezone": "Mars/Base",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "That handle is taken" in body
    assert "two-letter country code" in body
    assert "“Mars/Base” is not a time zone we know" in body
    assert 'value="Typed Name"' in body
    member.refresh_from_db()
    assert member.legal_name != "Typed Name"


def test_profile_only_shows_the_signed_in_persons_data(login, member, member2):
    body = login(member).get(reverse("profile")).content.decode()
    assert member.handle in body
    assert member2.handle not in body and member2.legal_name not in body


# --- Date of birth at sign-up --------------------------------------------------------

NOW = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def frozen(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.mark.django_db
def test_sign_up_asks_for_a_date_of_birth_not_an_age_band(client):
    body = client.get(reverse("account_signup")).content.decode()
    assert 'type="date"' in body and 'name="date_of_birth"' in body
    assert 'name="age_band"' not in body


@pytest.mark.django_db
def test_under_the_minimum_age_is_refused_kindly_keeping_what_was_typed(client, frozen):
    response = client.post(reverse("account_signup"), {**SIGNUP, "date_of_birth": "2014-03-11"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Kindred is for people aged 13 and over" in body
    assert "lists free, confidential helplines" in body
    assert 'value="new.person@example.test"' in body
    assert 'value="gentle_fern"' in body
    assert 'value="2014-03-11"' in body
    assert SIGNUP["password1"] not in body
    assert not User.objects.filter(email=SIGNUP["email"]).exists()


@pytest.mark.django_db
def test_the_minimum_age_setting_applies_to_sign_up(client, frozen, settings):
    settings.MINIMUM_AGE = 16
    response = client.post(reverse("account_signup"), {**SIGNUP, "date_of_birth": "2012-01-01"})
    assert "aged 16 and over" in response.content.decode()
    assert not User.objects.filter(email=SIGNUP["email"]).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "error"),
    [("", "This field is required"), ("next tuesday", "Enter a date"), ("2030-01-01", "future")],
)
def test_a_missing_or_impossible_date_is_a_form_error(client, frozen, typed, error):
    response = client.post(reverse("account_signup"), {**SIGNUP, "date_of_birth": typed})
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not User.objects.filter(email=SIGNUP["email"]).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("born", "band"),
    [("2014-03-10", AgeBand.TEEN), ("2009-03-11", AgeBand.TEEN), ("2009-03-10", AgeBand.ADULT)],
)
def test_a_13_year_old_signs_up_as_a_teen_and_an_18_year_old_as_an_adult(
    client, frozen, born, band
):
    response = client.post(reverse("account_signup"), {**SIGNUP, "date_of_birth": born})
    assert response.status_code == 302
    user = User.objects.get(email=SIGNUP["email"])
    assert user.age_band == band
    assert user.date_of_birth == date.fromisoformat(born)


def test_the_profile_form_changes_neither_the_band_nor_the_date_of_birth(login, member):
    born = member.date_of_birth
    response = login(member).post(
        reverse("profile"),
        {
            "handle": member.handle,
            "country": "GB",
            "timezone": "UTC",
            "age_band": "teen",
            "date_of_birth": "2012-01-01",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.age_band, member.date_of_birth) == (AgeBand.ADULT, born)
    body = login(member).get(reverse("profile")).content.decode()
    assert 'name="age_band"' not in body and 'name="date_of_birth"' not in body


def test_signing_in_moves_a_teen_who_turned_18(db, client, time_machine):
    time_machine.move_to(NOW - timedelta(days=1), tick=False)
    teen = UserFactory(age_band=AgeBand.TEEN, date_of_birth=date(2009, 3, 10))
    time_machine.move_to(NOW, tick=False)
    client.post(reverse("account_login"), {"login": teen.email, "password": TEST_PASSWORD})
    assert client.session["_auth_user_id"] == str(teen.pk)
    teen.refresh_from_db()
    assert teen.age_band == AgeBand.ADULT
    assert AuditEvent.objects.filter(event="account.age_band_changed").count() == 1


def _confirm_link(message):
    link = re.search(r"http://testserver(/accounts/confirm-email/\S+/)", message.body)
    assert link, message.body
    return link.group(1)


@pytest.mark.django_db
def test_the_sign_up_email_is_signed_with_the_sites_name(client, settings):
    settings.SITE_NAME = "Kindred Test"
    settings.SITE_URL = "https://kindred.example.org"
    client.post(reverse("account_signup"), SIGNUP)
    [message] = mail.outbox
    assert message.subject.startswith("[Kindred Test] ")
    assert "Hello from Kindred Test!" in message.body
    assert "kindred.example.org" in message.body
    assert "Hello from testserver" not in message.body


@pytest.mark.django_db
def test_confirming_the_email_signs_you_in(client):
    client.post(reverse("account_signup"), SIGNUP)
    user = User.objects.get(email=SIGNUP["email"])
    assert "_auth_user_id" not in client.session
    response = client.post(_confirm_link(mail.outbox[0]))
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)
    assert user.emailaddress_set.get().verified


@pytest.mark.django_db
def test_confirming_in_another_browser_verifies_but_does_not_sign_in(client):
    from django.test import Client

    client2 = Client()
    client.post(reverse("account_signup"), SIGNUP)
    client2.post(_confirm_link(mail.outbox[0]))
    assert "_auth_user_id" not in client2.session
    assert User.objects.get(email=SIGNUP["email"]).emailaddress_set.get().verified


@pytest.mark.django_db
def test_confirming_the_email_still_asks_a_therapist_for_their_second_factor(client):
    therapist = UserFactory(roles=[Role.THERAPIST], mfa=True)
    therapist.emailaddress_set.update(verified=False)
    client.post(reverse("account_login"), {"login": therapist.email, "password": TEST_PASSWORD})
    assert "_auth_user_id" not in client.session
    response = client.post(_confirm_link(mail.outbox[-1]))
    assert "_auth_user_id" not in client.session
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
