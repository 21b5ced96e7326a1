"""``/api/v1/me/deletion``: schedule (POST) and cancel (DELETE), as every persona."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from kindred.api.actions import do_create_token
from kindred.audit.models import AuditEvent
from kindred.bookings.models import Booking
from kindred.rights.deletion import do_schedule_deletion, pending_deletion
from kindred.rights.deletion_models import DeletionState, PostsChoice
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db

URL = "/api/v1/me/deletion"


def _post(client: Client, body: dict[str, object], **headers: str):
    return client.post(URL, json.dumps(body), content_type="application/json", **headers)


def _delete(client: Client, body: dict[str, object]):
    return client.delete(URL, json.dumps(body), content_type="application/json")


def _bearer(user, scopes=("read", "write")) -> dict[str, str]:
    _, token = do_create_token(user, name="script", scopes=list(scopes))
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


# --- POST: schedule -------------------------------------------------------------------------


def test_anonymous_callers_get_401(client):
    assert _post(client, {"password": TEST_PASSWORD}).status_code == 401


def test_the_right_user_schedules_their_own_deletion(client, member, member2):
    client.force_login(member)
    answer = _post(client, {"password": TEST_PASSWORD, "posts": "anonymise"})
    assert answer.status_code == 202
    body = answer.json()
    assert body["state"] == DeletionState.SCHEDULED and body["posts"] == PostsChoice.ANONYMISE
    deletion = pending_deletion(member)
    assert deletion is not None
    assert deletion.due_at - deletion.requested_at == timedelta(days=7)
    # Only the caller: nobody else's account is touched.
    assert pending_deletion(member2) is None
    member2.refresh_from_db()
    assert member2.is_active
    # The session that asked is signed out with the rest.
    assert client.get("/api/v1/tokens").status_code == 401


def test_the_grace_period_follows_the_setting(client, member, settings):
    settings.ACCOUNT_DELETION_GRACE_DAYS = 30
    client.force_login(member)
    due = _post(client, {"password": TEST_PASSWORD}).json()["due_at"]
    deletion = pending_deletion(member)
    assert deletion is not None and deletion.due_at - deletion.requested_at == timedelta(days=30)
    assert due.startswith(deletion.due_at.strftime("%Y-%m-%d"))


def test_a_wrong_password_is_422_and_changes_nothing(client, member):
    client.force_login(member)
    answer = _post(client, {"password": "not-it"})
    assert answer.status_code == 422
    assert "password" in answer.json()["detail"]
    assert pending_deletion(member) is None
    assert not AuditEvent.objects.filter(event="rights.deletion_scheduled").exists()


def test_a_missing_password_without_reauthentication_is_422(client, member):
    client.force_login(member)
    assert _post(client, {}).status_code == 422
    assert pending_deletion(member) is None


@pytest.mark.parametrize(
    "body",
    [{"password": TEST_PASSWORD, "posts": "shred"}, {"password": 7}, {"nope": 1}, []],
)
def test_bad_input_is_422_with_a_message(client, member, body):
    client.force_login(member)
    answer = _post(client, body)
    assert answer.status_code == 422
    assert answer.json()["detail"]


def test_a_recent_reauthentication_stands_in_for_the_password_in_a_session_only(
    client, member, member2, monkeypatch
):
    monkeypatch.setattr(
        "kindred.rights.deletion_api.did_recently_reauthenticate", lambda request: True
    )
    assert _post(client, {}, **_bearer(member2)).status_code == 422
    client.force_login(member)
    assert _post(client, {}).status_code == 202
    assert pending_deletion(member) is not None and pending_deletion(member2) is None


def test_a_token_needs_the_password_and_the_write_scope(client, member):
    assert _post(client, {"password": TEST_PASSWORD}, **_bearer(member, ("read",))).status_code == (
        403
    )
    assert _post(client, {}, **_bearer(member)).status_code == 422
    answer = _post(client, {"password": TEST_PASSWORD}, **_bearer(member))
    assert answer.status_code == 202


def test_a_therapist_with_duties_gets_409_listing_them(client, therapist, member):
    now = timezone.now()
    Booking.objects.create(
        therapist=therapist,
        member=member,
        starts_at=now + timedelta(days=2),
        ends_at=now + timedelta(days=2, minutes=50),
    )
    client.force_login(therapist)
    answer = _post(client, {"password": TEST_PASSWORD})
    assert answer.status_code == 409
    assert "1 upcoming session(s) booked with you" in answer.json()["detail"]
    assert pending_deletion(therapist) is None


@pytest.mark.parametrize("persona", ["moderator", "staff", "peer_supporter", "facilitator"])
def test_other_roles_without_duties_may_delete_themselves(client, persona, request):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    assert _post(client, {"password": TEST_PASSWORD}).status_code == 202


# --- DELETE: cancel -------------------------------------------------------------------------


def test_the_right_user_cancels_with_email_and_password(client, member):
    do_schedule_deletion(member, actor=member)
    answer = _delete(client, {"email": member.email.upper(), "password": TEST_PASSWORD})
    assert answer.status_code == 204
    member.refresh_from_db()
    assert member.is_active and pending_deletion(member) is None
    assert AuditEvent.objects.filter(event="rights.deletion_cancelled").count() == 1


def test_a_wrong_password_or_another_account_is_404(client, member, member2):
    do_schedule_deletion(member, actor=member)
    assert _delete(client, {"email": member.email, "password": "wrong"}).status_code == 404
    # member2's right password does not cancel member's deletion.
    assert _delete(client, {"email": member2.email, "password": TEST_PASSWORD}).status_code == 404
    assert _delete(client, {"email": "nobody@x.test", "password": TEST_PASSWORD}).status_code == 404
    assert pending_deletion(member) is not None


def test_nothing_pending_is_404(client, member):
    client.force_login(member)
    assert _delete(client, {"email": member.email, "password": TEST_PASSWORD}).status_code == 404


@pytest.mark.parametrize("body", [{}, {"email": "a@b.test"}, {"email": 1, "password": 2}])
def test_bad_cancel_input_is_422(client, body):
    answer = _delete(client, body)
    assert answer.status_code == 422
    assert answer.json()["detail"]


def test_wrong_cancels_are_rate_limited(client, member, rate_limits):
    rate_limits({"api.token_failed": "2/10m/ip"})
    do_schedule_deletion(member, actor=member)
    for _ in range(2):
        assert _delete(client, {"email": member.email, "password": "x"}).status_code == 404
    answer = _delete(client, {"email": member.email, "password": TEST_PASSWORD})
    assert answer.status_code == 429
    assert pending_deletion(member) is not None
