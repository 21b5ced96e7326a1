"""A new password ends every API token: whoever learnt the old one may have made some."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from kindred.api.models import ApiToken
from kindred.audit.models import AuditEvent
from tests.api.conftest import bearer
from tests.factories import TEST_PASSWORD, UserFactory

ME = "/api/v1/me"
NEW_PASSWORD = "a-brand-new-long-passphrase-42"

pytestmark = pytest.mark.django_db


def test_changing_the_password_on_the_website_revokes_every_token(client, member, make_token):
    _, first = make_token(member, name="one")
    _, second = make_token(member, name="two", scopes=("read",))
    client.force_login(member)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": TEST_PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    client.logout()
    assert client.get(ME, **bearer(first)).status_code == 401
    assert client.get(ME, **bearer(second)).status_code == 401
    assert not ApiToken.objects.filter(user=member, revoked_at__isnull=True).exists()
    revoked = AuditEvent.objects.filter(event="api.token_revoked")
    assert revoked.count() == 2
    assert {e.changes["reason"] for e in revoked} == {"password_changed"}


def test_resetting_a_forgotten_password_revokes_every_token(client, member, make_token):
    _, plaintext = make_token(member)
    client.post("/accounts/password/reset/", {"email": member.email})
    link = next(
        line
        for line in mail.outbox[-1].body.splitlines()
        if "/accounts/password/reset/key/" in line
    )
    path = link[link.index("/accounts/") :].strip()
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password(NEW_PASSWORD)
    assert client.get(ME, **bearer(plaintext)).status_code == 401


def test_set_password_anywhere_revokes_every_token(client, member, make_token):
    _, plaintext = make_token(member)
    member.set_password(NEW_PASSWORD)
    member.save()
    assert client.get(ME, **bearer(plaintext)).status_code == 401


def test_other_peoples_tokens_keep_working(client, member, member2, make_token):
    _, mine = make_token(member)
    _, theirs = make_token(member2)
    member.set_password(NEW_PASSWORD)
    member.save()
    assert client.get(ME, **bearer(mine)).status_code == 401
    assert client.get(ME, **bearer(theirs)).status_code == 200


def test_saving_without_a_new_password_keeps_tokens(client, member, make_token):
    _, plaintext = make_token(member)
    member.email_digest = True
    member.save()
    assert client.get(ME, **bearer(plaintext)).status_code == 200


def test_a_token_made_after_the_change_works(client, member, make_token):
    member.set_password(NEW_PASSWORD)
    member.save()
    _, plaintext = make_token(member)
    assert client.get(ME, **bearer(plaintext)).status_code == 200


def test_a_new_account_sets_a_password_without_side_effects(db):
    user = UserFactory()
    assert user.check_password(TEST_PASSWORD)
    assert not AuditEvent.objects.filter(event="api.token_revoked").exists()


def test_already_ended_tokens_are_left_as_they_were(client, member, make_token):
    revoked, _ = make_token(member, name="revoked")
    when = timezone.now() - timedelta(days=2)
    ApiToken.objects.filter(pk=revoked.pk).update(revoked_at=when)
    member.set_password(NEW_PASSWORD)
    member.save()
    revoked.refresh_from_db()
    assert revoked.revoked_at == when
    assert not AuditEvent.objects.filter(event="api.token_revoked").exists()
