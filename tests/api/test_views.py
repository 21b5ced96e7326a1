"""The token page at /accounts/tokens/ (server-rendered, no JS needed)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from kindred.api.models import ApiToken
from kindred.audit.models import AuditEvent
from kindred.core.roles import Role
from tests.conftest import PERSONAS
from tests.factories import UserFactory

URL = "/accounts/tokens/"


def shown_token(html: str) -> str | None:
    match = re.search(r'id="new-token"[^>]*value="([^"]+)"', html)
    return match.group(1) if match else None


def test_anonymous_is_sent_to_log_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_anonymous_cannot_revoke(client, member, make_token):
    token, _ = make_token(member)
    response = client.post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_each_persona_sees_the_page_with_a_labelled_form(login, persona):
    response = login(persona).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<legend>Scopes</legend>" in html
    assert '<label for="id_name">Name</label>' in html
    assert "You have no tokens yet." in html


def test_create_shows_the_secret_once(login, member):
    client = login(member)
    response = client.post(URL, {"name": "export", "scopes": ["read"], "expires_in_days": "7"})
    assert response.status_code == 200
    plaintext = shown_token(response.content.decode())
    assert plaintext and plaintext.startswith("kdr_")
    assert response["Cache-Control"].startswith("max-age=0")

    token = ApiToken.objects.get(user=member)
    assert token.name == "export"
    assert token.scopes == ["read"]
    assert token.expires_at is not None
    # It works, and the next visit does not show it again.
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plaintext}").status_code == 200
    again = client.get(URL).content.decode()
    assert shown_token(again) is None
    assert plaintext not in again
    assert "export" in again


def test_the_form_keeps_input_on_error(login, member):
    response = login(member).post(URL, {"name": "my script", "expires_in_days": "9999"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="my script"' in html
    assert 'value="9999"' in html
    assert "Choose at least one scope." in html
    assert not ApiToken.objects.exists()
    assert shown_token(html) is None


def test_revoke_through_the_page(login, member, make_token):
    token, plaintext = make_token(member, name="old laptop")
    client = login(member)
    response = client.post(reverse("api_token_revoke", args=[token.pk]), follow=True)
    assert response.status_code == 200
    assert "Revoked “old laptop”" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditEvent.objects.filter(event="api.token_revoked", actor_id=member.pk).exists()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plaintext}").status_code == 401


def test_revoke_needs_post(login, member, make_token):
    token, _ = make_token(member)
    assert login(member).get(reverse("api_token_revoke", args=[token.pk])).status_code == 405


def test_member2_cannot_revoke_members_token(login, member, member2, make_token):
    token, _ = make_token(member)
    response = login(member2).post(reverse("api_token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_page_lists_only_your_tokens(login, member, member2, make_token):
    make_token(member, name="maya's token")
    make_token(member2, name="sam's token")
    html = login(member).get(URL).content.decode()
    assert "maya&#x27;s token" in html
    assert "sam&#x27;s token" not in html


def test_a_role_needing_mfa_is_sent_to_set_it_up(login, db):
    moderator = UserFactory(roles=[Role.MODERATOR], mfa=False)
    client = login(moderator)
    # The account-wide gate (RoleMFAMiddleware) refuses the page before it renders.
    assert client.get(URL)["Location"] == reverse("mfa_activate_totp")
    response = client.post(URL, {"name": "x", "scopes": ["read"]})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert not ApiToken.objects.exists()


def test_creating_too_many_tokens_keeps_the_form_and_answers_429(
    login, member, member2, rate_limits
):
    rate_limits({"tokens.create": "1/h/user"})
    client = login(member)
    client.post(URL, {"name": "first", "scopes": ["read"]})
    response = client.post(URL, {"name": "second script", "scopes": ["read"]})
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    html = response.content.decode()
    assert "You are doing this too often. Please wait" in html
    assert 'value="second script"' in html
    assert shown_token(html) is None
    assert list(ApiToken.objects.filter(user=member).values_list("name", flat=True)) == ["first"]
    other = login(member2).post(URL, {"name": "mine", "scopes": ["read"]})
    assert other.status_code == 200 and shown_token(other.content.decode())
