"""do_create_token / do_revoke_token."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import override_settings

from kindred.accounts.access import MFARequired
from kindred.api.actions import do_create_token, do_revoke_token
from kindred.api.models import ApiToken
from kindred.audit.models import AuditEvent
from kindred.core.roles import Role
from tests.factories import UserFactory


def test_create_returns_a_working_plaintext_and_audits(member):
    token, _plaintext = do_create_token(member, name="  cli  ", scopes=["write", "read", "read"])
    assert token.name == "cli"
    assert token.scopes == ["read", "write"]
    assert token.expires_at == token.created_at + timedelta(days=90)
    event = AuditEvent.objects.get(event="api.token_created")
    assert event.changes == {
        "name": "cli",
        "public_id": token.public_id,
        "scopes": ["read", "write"],
        "expires_at": token.expires_at.isoformat(),
    }


@override_settings(API_TOKEN_MAX_AGE_DAYS=30)
def test_the_longest_a_token_lives_is_a_setting(member):
    token, _ = do_create_token(member, name="x", scopes=["read"])
    assert token.expires_at == token.created_at + timedelta(days=30)
    short, _ = do_create_token(member, name="y", scopes=["read"], expires_in_days=7)
    assert short.expires_at == short.created_at + timedelta(days=7)
    with pytest.raises(ValueError):
        do_create_token(member, name="z", scopes=["read"], expires_in_days=31)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"scopes": []},
        {"scopes": ["root"]},
        {"scopes": ["read"], "expires_in_days": 0},
        {"scopes": ["read"], "expires_in_days": 91},
    ],
)
def test_create_refuses_bad_values(member, kwargs):
    with pytest.raises(ValueError):
        do_create_token(member, name="x", **kwargs)
    assert not ApiToken.objects.exists()
    assert not AuditEvent.objects.filter(event="api.token_created").exists()


@pytest.mark.parametrize("role", [Role.THERAPIST, Role.MODERATOR, Role.STAFF])
def test_mfa_roles_need_mfa_first(db, role):
    user = UserFactory(roles=[role], mfa=False)
    with pytest.raises(MFARequired):
        do_create_token(user, name="x", scopes=["read"])
    assert not ApiToken.objects.exists()


def test_with_mfa_they_can(therapist):
    token, _ = do_create_token(therapist, name="x", scopes=["read"])
    assert token.user == therapist


def test_anonymous_cannot_create(db):
    with pytest.raises(PermissionDenied):
        do_create_token(AnonymousUser(), name="x", scopes=["read"])


def test_revoke_once(member):
    token, _ = do_create_token(member, name="x", scopes=["read"])
    assert do_revoke_token(member, token) is True
    assert token.revoked_at is not None
    assert do_revoke_token(member, token) is False
    assert AuditEvent.objects.filter(event="api.token_revoked").count() == 1
