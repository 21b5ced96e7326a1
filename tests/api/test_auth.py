"""Who can call the API: tokens (hashed, scoped, revocable) and the session."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from kindred.api.credentials import parse_token
from kindred.api.models import ApiToken
from kindred.core.secrets import hash_secret
from tests.api.conftest import bearer

ME = "/api/v1/me"
TOKENS = "/api/v1/tokens"


def test_a_token_authenticates_its_owner(client, member, make_token):
    _, plaintext = make_token(member, scopes=("read",))
    response = client.get(ME, **bearer(plaintext))
    assert response.status_code == 200
    assert response.json()["handle"] == "member_maya"


def test_it_stores_only_a_hash_of_the_secret(member, make_token):
    token, plaintext = make_token(member)
    secret = parse_token(plaintext).secret
    row = ApiToken.objects.filter(pk=token.pk).values().get()
    assert secret not in repr(row)
    assert row["secret_hash"] == hash_secret(secret)
    assert plaintext.startswith(f"kdr_{row['public_id']}_")


def test_it_records_when_a_token_was_last_used(client, member, make_token):
    token, plaintext = make_token(member)
    assert token.last_used_at is None
    client.get(ME, **bearer(plaintext))
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    "header",
    [
        "Bearer kdr_0123456789abcdef_not-the-secret",
        "Bearer kdr_nothex_secret",
        "Bearer something-else",
        "Bearer ",
    ],
)
def test_a_wrong_token_gets_401(client, member, make_token, header):
    make_token(member)
    response = client.get(ME, HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid, expired or revoked token."}
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_right_id_with_a_wrong_secret_gets_401(client, member, make_token):
    _, plaintext = make_token(member)
    response = client.get(ME, **bearer(plaintext[:-2] + "xx"))
    assert response.status_code == 401


def test_a_revoked_token_gets_401(client, member, make_token):
    token, plaintext = make_token(member)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    assert client.get(ME, **bearer(plaintext)).status_code == 401


def test_an_expired_token_gets_401(client, member, make_token):
    token, plaintext = make_token(member, expires_in_days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = client.get(ME, **bearer(plaintext))
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")


def later(**delta):
    """Make the clock read ``delta`` from now (for everything in the request)."""
    return mock.patch("django.utils.timezone.now", return_value=timezone.now() + timedelta(**delta))


def test_a_token_made_without_an_expiry_stops_working_after_the_max_age(client, member, make_token):
    _, plaintext = make_token(member)
    with later(days=90, seconds=1):
        assert client.get(ME, **bearer(plaintext)).status_code == 401


def test_a_token_within_its_lifetime_keeps_working(client, member, make_token):
    _, plaintext = make_token(member)
    with later(days=89, hours=23):
        assert client.get(ME, **bearer(plaintext)).status_code == 200


def test_a_deactivated_accounts_token_gets_401(client, member, make_token):
    _, plaintext = make_token(member)
    member.is_active = False
    member.save(update_fields=["is_active"])
    assert client.get(ME, **bearer(plaintext)).status_code == 401


def test_a_bad_token_does_not_fall_back_to_the_session(client, member):
    client.force_login(member)
    response = client.get(ME, HTTP_AUTHORIZATION="Bearer kdr_0123456789abcdef_nope")
    assert response.status_code == 401


def test_no_credentials_gets_401(client, db):
    response = client.get(ME)
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_a_read_only_token_cannot_write(client, member, make_token):
    other, _ = make_token(member, name="other")
    _, plaintext = make_token(member, scopes=("read",))
    response = client.delete(f"{TOKENS}/{other.pk}", **bearer(plaintext))
    assert response.status_code == 403
    assert response.json() == {"detail": "This token lacks the 'write' scope."}
    other.refresh_from_db()
    assert other.revoked_at is None


def test_a_write_token_can_write(client, member, make_token):
    other, _ = make_token(member, name="other")
    _, plaintext = make_token(member, scopes=("write",))
    assert client.delete(f"{TOKENS}/{other.pk}", **bearer(plaintext)).status_code == 204
    other.refresh_from_db()
    assert other.revoked_at is not None


def test_write_includes_read(client, member, make_token):
    _, plaintext = make_token(member, scopes=("write",))
    assert client.get(ME, **bearer(plaintext)).status_code == 200


def test_a_token_cannot_create_tokens(client, member, make_token):
    _, plaintext = make_token(member, scopes=("read", "write"))
    response = client.post(
        TOKENS,
        {"name": "x", "scopes": ["read"]},
        content_type="application/json",
        **bearer(plaintext),
    )
    assert response.status_code == 403
    assert "tokens cannot" in response.json()["detail"]
    assert ApiToken.objects.filter(user=member).count() == 1


def test_the_session_works_for_reads(client, member):
    client.force_login(member)
    assert client.get(ME).status_code == 200


def test_a_session_post_without_csrf_gets_403(csrf_client, member):
    csrf_client.force_login(member)
    response = csrf_client.post(
        TOKENS, {"name": "x", "scopes": ["read"]}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "CSRF check Failed"}
    assert not ApiToken.objects.exists()


def test_a_session_post_with_csrf_succeeds(csrf_client, member):
    csrf_client.force_login(member)
    csrf_client.get("/accounts/tokens/")  # sets the CSRF cookie
    response = csrf_client.post(
        TOKENS,
        {"name": "x", "scopes": ["read"]},
        content_type="application/json",
        HTTP_X_CSRFTOKEN=csrf_client.cookies["csrftoken"].value,
    )
    assert response.status_code == 201


def test_an_anonymous_post_gets_401_not_a_csrf_error(csrf_client, db):
    response = csrf_client.post(
        TOKENS, {"name": "x", "scopes": ["read"]}, content_type="application/json"
    )
    assert response.status_code == 401


def test_a_role_that_needs_mfa_cannot_create_tokens_without_it(client, db):
    from kindred.core.roles import Role
    from tests.factories import UserFactory

    therapist = UserFactory(roles=[Role.THERAPIST], mfa=False)
    client.force_login(therapist)
    response = client.post(
        TOKENS, {"name": "x", "scopes": ["read"]}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "mfa_required"
    assert not ApiToken.objects.exists()


def test_a_token_stops_working_when_the_second_factor_is_removed(client, therapist, make_token):
    from allauth.mfa.models import Authenticator

    _, plaintext = make_token(therapist)
    assert client.get(ME, **bearer(plaintext)).status_code == 200
    Authenticator.objects.filter(user=therapist).delete()
    response = client.get(ME, **bearer(plaintext))
    assert response.status_code == 403


def test_another_scheme_falls_through_to_the_session(client, member):
    client.force_login(member)
    response = client.get(ME, HTTP_AUTHORIZATION="Basic dXNlcjpwYXNz")
    assert response.status_code == 200


def test_wrong_tokens_from_one_address_are_limited(client, member, make_token, rate_limits):
    rate_limits({"api.token_failed": "3/10m/ip"})
    _, right = make_token(member)
    wrong = "Bearer kdr_0123456789abcdef_not-the-secret"
    for _ in range(3):
        assert client.get(ME, HTTP_AUTHORIZATION=wrong).status_code == 401
    refused = client.get(ME, HTTP_AUTHORIZATION=wrong)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) <= 600
    assert refused.json()["code"] == "rate_limited"
    # Guessing learns nothing past the limit: even the right token gets 429 from there.
    assert client.get(ME, **bearer(right)).status_code == 429
    assert client.get(ME, REMOTE_ADDR="198.51.100.2", **bearer(right)).status_code == 200


def test_right_tokens_do_not_count_as_wrong_ones(client, member, make_token, rate_limits):
    rate_limits({"api.token_failed": "2/10m/ip"})
    _, right = make_token(member)
    for _ in range(5):
        assert client.get(ME, **bearer(right)).status_code == 200


def test_a_token_call_moves_a_teen_who_turned_18(db, client, make_token, time_machine):
    from datetime import UTC, date, datetime

    from kindred.accounts.models import AgeBand
    from kindred.audit.models import AuditEvent
    from tests.factories import UserFactory

    time_machine.move_to(datetime(2027, 3, 9, 12, 0, tzinfo=UTC), tick=False)
    teen = UserFactory(age_band=AgeBand.TEEN, date_of_birth=date(2009, 3, 10))
    _, plaintext = make_token(teen, scopes=("read",))
    assert client.get(ME, **bearer(plaintext)).status_code == 200
    teen.refresh_from_db()
    assert teen.age_band == AgeBand.TEEN

    time_machine.move_to(datetime(2027, 3, 10, 12, 0, tzinfo=UTC), tick=False)
    assert client.get(ME, **bearer(plaintext)).status_code == 200
    teen.refresh_from_db()
    assert teen.age_band == AgeBand.ADULT
    assert AuditEvent.objects.filter(event="account.age_band_changed").count() == 1
