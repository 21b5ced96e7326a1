"""The /tokens endpoints, tried as each persona."""

from __future__ import annotations

import pytest

from kindred.api.models import ApiToken
from kindred.audit.models import AuditEvent
from tests.api.conftest import bearer
from tests.conftest import PERSONAS

TOKENS = "/api/v1/tokens"


def create(client, **body):
    body.setdefault("name", "export script")
    body.setdefault("scopes", ["read"])
    return client.post(TOKENS, body, content_type="application/json")


@pytest.mark.parametrize("persona", PERSONAS, indirect=True)
def test_each_persona_can_create_list_and_revoke_their_own_tokens(login, persona):
    client = login(persona)
    response = create(client, scopes=["read", "write"], expires_in_days=30)
    assert response.status_code == 201
    created = response.json()
    assert created["token"].startswith(created["prefix"] + "_")
    assert created["scopes"] == ["read", "write"]
    assert created["status"] == "active"
    assert created["expires_at"] is not None

    listed = client.get(TOKENS).json()
    assert [t["id"] for t in listed] == [created["id"]]
    assert "token" not in listed[0]

    assert client.delete(f"{TOKENS}/{created['id']}").status_code == 204
    assert client.get(TOKENS).json()[0]["status"] == "revoked"


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_anonymous_gets_401(client, member, make_token, method):
    token, _ = make_token(member)
    url = f"{TOKENS}/{token.pk}" if method == "delete" else TOKENS
    response = getattr(client, method)(url, content_type="application/json")
    assert response.status_code == 401


def test_the_list_shows_only_your_own_tokens(login, member, member2, make_token):
    make_token(member, name="mine")
    make_token(member2, name="theirs")
    names = [t["name"] for t in login(member).get(TOKENS).json()]
    assert names == ["mine"]


def test_the_list_never_contains_secrets(login, member, make_token):
    _, plaintext = make_token(member)
    secret = plaintext.split("_", 2)[2]
    response = login(member).get(TOKENS)
    assert secret not in response.content.decode()
    assert "secret_hash" not in response.json()[0]


def test_the_list_takes_a_fixed_number_of_queries(
    login, member, make_token, django_assert_max_num_queries
):
    for i in range(5):
        make_token(member, name=f"token {i}")
    client = login(member)
    with django_assert_max_num_queries(4):
        response = client.get(TOKENS)
    assert len(response.json()) == 5


def test_member2_cannot_revoke_members_token_and_sees_the_same_404_as_missing(
    login, member, member2, make_token
):
    token, _ = make_token(member)
    client = login(member2)
    theirs = client.delete(f"{TOKENS}/{token.pk}")
    missing = client.delete(f"{TOKENS}/999999")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json() == {"detail": "No such token."}
    token.refresh_from_db()
    assert token.revoked_at is None


def test_revoking_twice_is_harmless_and_audited_once(login, member, make_token):
    token, _ = make_token(member)
    client = login(member)
    assert client.delete(f"{TOKENS}/{token.pk}").status_code == 204
    assert client.delete(f"{TOKENS}/{token.pk}").status_code == 204
    assert AuditEvent.objects.filter(event="api.token_revoked").count() == 1


def test_create_and_revoke_are_audited_without_the_secret(login, member):
    client = login(member)
    created = create(client).json()
    client.delete(f"{TOKENS}/{created['id']}")
    events = list(AuditEvent.objects.filter(event__startswith="api.").order_by("seq"))
    assert [e.event for e in events] == ["api.token_created", "api.token_revoked"]
    for event in events:
        assert event.actor_id == member.pk
        assert event.target_type == "api.apitoken"
        assert event.target_id == str(created["id"])
        assert created["token"] not in str(event.changes)
        assert created["token"].split("_", 2)[2] not in str(event.changes)
    assert events[0].changes["scopes"] == ["read"]


def test_a_token_can_list_and_revoke_with_write_scope(client, member, make_token):
    other, _ = make_token(member, name="other")
    _, plaintext = make_token(member, scopes=("write",))
    assert len(client.get(TOKENS, **bearer(plaintext)).json()) == 2
    assert client.delete(f"{TOKENS}/{other.pk}", **bearer(plaintext)).status_code == 204


def test_a_revoked_token_cannot_be_used_to_revoke_itself_again(client, member, make_token):
    token, plaintext = make_token(member)
    assert client.delete(f"{TOKENS}/{token.pk}", **bearer(plaintext)).status_code == 204
    assert client.delete(f"{TOKENS}/{token.pk}", **bearer(plaintext)).status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "", "scopes": ["read"]}, "name"),
        ({"name": "x", "scopes": []}, "scopes"),
        ({"name": "x", "scopes": ["admin"]}, "scopes"),
        ({"name": "x", "scopes": ["read"], "expires_in_days": 0}, "expires_in_days"),
        ({"name": "x", "scopes": ["read"], "expires_in_days": 9999}, "expires_in_days"),
    ],
)
def test_create_rejects_bad_input(login, member, body, field):
    response = login(member).post(TOKENS, body, content_type="application/json")
    assert response.status_code == 422
    assert any(field in e["loc"] for e in response.json()["errors"])
    assert not ApiToken.objects.exists()


def test_creating_too_many_tokens_gets_429(login, member, member2, rate_limits):
    rate_limits({"tokens.create": "2/h/user"})
    client = login(member)
    assert create(client).status_code == 201
    assert create(client).status_code == 201
    refused = create(client)
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert 1 <= int(refused["Retry-After"]) <= 3600
    assert ApiToken.objects.filter(user=member).count() == 2
    # Someone else's budget is their own.
    assert create(login(member2)).status_code == 201
