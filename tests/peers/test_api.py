"""The peers endpoints under /api/v1/peers/: the same rules as the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kindred.api.actions import do_create_token
from kindred.peers import actions
from kindred.peers.models import ConnectionStatus, PeerProfile
from tests.peers.factories import connect, connected, make_member, make_profile, make_supporter

pytestmark = pytest.mark.django_db

API = "/api/v1/peers"
PROFILE = {
    "tags": ["bereavement.parent"],
    "story": "My mum died in the spring and evenings are the hardest.",
    "languages": ["en"],
    "timezone": "Europe/London",
    "availability": ["mon_evening"],
    "seeks": "support",
}


def send(client, method, url, body=None, **extra):
    return getattr(client, method)(url, body, content_type="application/json", **extra)


READ_ENDPOINTS = ["/profile", "/suggestions", "/connections"]


@pytest.mark.parametrize("path", READ_ENDPOINTS)
def test_anonymous_callers_get_401(client, path):
    response = client.get(API + path)
    assert response.status_code == 401 and response.json()["detail"]


def test_anonymous_writes_get_401(client, member):
    assert send(client, "put", API + "/profile", PROFILE).status_code == 401
    assert send(client, "post", API + "/requests", {"user_id": member.pk}).status_code == 401


@pytest.mark.parametrize("path", READ_ENDPOINTS)
@pytest.mark.parametrize("persona", ["therapist", "moderator", "staff"], indirect=True)
def test_accounts_without_a_peer_role_get_404(login, persona, path):
    assert login(persona).get(API + path).status_code == 404


@pytest.mark.parametrize("persona", ["therapist", "moderator"], indirect=True)
def test_wrong_roles_cannot_create_a_profile(login, persona):
    assert send(login(persona), "put", API + "/profile", PROFILE).status_code == 404


def test_a_member_writes_reads_and_deletes_their_profile(login, member):
    client = login(member)
    assert client.get(API + "/profile").status_code == 404
    saved = send(client, "put", API + "/profile", PROFILE)
    assert saved.status_code == 200, saved.json()
    body = saved.json()
    assert body["tags"] == [{"id": "bereavement.parent", "label": "Losing a parent"}]
    assert body["caseload_limit"] is None and body["support"] is None
    assert client.get(API + "/profile").json()["story"] == PROFILE["story"]
    assert client.delete(API + "/profile").status_code == 204
    assert not PeerProfile.objects.filter(user=member).exists()


def test_bad_profile_input_is_422_never_500(login, member):
    client = login(member)
    for bad in (
        {**PROFILE, "tags": ["nope"]},
        {**PROFILE, "languages": []},
        {**PROFILE, "seeks": "everything"},
        {**PROFILE, "timezone": "Mars/Base"},
        {**PROFILE, "surprise": 1},
        {**PROFILE, "caseload_limit": 99},
    ):
        response = send(client, "put", API + "/profile", bad)
        assert response.status_code == 422, bad
        assert response.json()["detail"]


def test_a_risky_story_returns_support(login, member):
    risky = {**PROFILE, "story": "I have the pills ready and I am going to take them all tonight"}
    body = send(login(member), "put", API + "/profile", risky).json()
    assert body["support"]["level"] in ("moderate", "high")


def test_supporters_add_trainings_members_cannot(login, member, peer_supporter):
    make_profile(member)
    make_profile(peer_supporter, seeks="give_support")
    today = timezone.localdate()
    training = {
        "name": "Peer support certificate",
        "completed_on": str(today - timedelta(days=800)),
        "expires_on": str(today - timedelta(days=1)),
    }
    assert send(login(member), "post", API + "/profile/trainings", training).status_code == 404
    response = send(login(peer_supporter), "post", API + "/profile/trainings", training)
    assert response.status_code == 201 and response.json()["expired"] is True
    assert login(peer_supporter).get(API + "/profile").json()["trainings"][0]["expired"]


def test_suggestions_come_with_explanations(login, member):
    make_profile(member, tags=["bereavement.parent"], availability=["mon_evening"])
    supporter = make_supporter("helper_hana", availability=["mon_evening"])
    actions.do_add_training(supporter, name="MHFA", completed_on=timezone.localdate())
    [s] = login(member).get(API + "/suggestions").json()
    assert s["handle"] == "helper_hana" and s["is_supporter"]
    assert "Losing a parent" in s["explanation"]
    assert s["shared_tags"] == [{"id": "bereavement.parent", "label": "Losing a parent"}]
    assert s["trainings"][0]["name"] == "MHFA"
    assert "story" not in s


def test_hiding_through_the_api(login, member):
    make_profile(member)
    supporter = make_supporter()
    client = login(member)
    assert client.post(f"{API}/suggestions/{supporter.pk}/hide").status_code == 204
    assert client.get(API + "/suggestions").json() == []
    assert client.post(f"{API}/suggestions/999999/hide").status_code == 404


def test_request_accept_and_chat_history(login, member):
    make_profile(member)
    supporter = make_supporter("helper_hana")
    sent = send(login(member), "post", API + "/requests", {"user_id": supporter.pk, "note": "Hi"})
    assert sent.status_code == 201
    conn_id = sent.json()["id"]
    assert sent.json()["status"] == "pending" and sent.json()["direction"] == "sent"
    accepted = login(supporter).post(f"{API}/connections/{conn_id}/accept")
    assert accepted.status_code == 200 and accepted.json()["status"] == "active"
    assert accepted.json()["room_id"]
    history = login(member).get(f"{API}/connections/{conn_id}/messages").json()
    assert history[0]["kind"] == "system" and history[0]["author"] is None


def test_a_declined_request_reads_not_available_to_the_requester(login, member):
    make_profile(member)
    supporter = make_supporter()
    conn = connect(member, supporter)
    assert login(supporter).post(f"{API}/connections/{conn.pk}/decline").json()["status"] == (
        "declined"
    )
    assert login(member).get(f"{API}/connections/{conn.pk}").json()["status"] == "not_available"
    listed = login(member).get(API + "/connections").json()
    assert [c["status"] for c in listed] == ["not_available"]


def test_requests_that_cannot_be_made_are_refused_plainly(login, member):
    make_profile(member)
    client = login(member)
    assert send(client, "post", API + "/requests", {"user_id": 999999}).status_code == 404
    assert send(client, "post", API + "/requests", {"user_id": "x"}).status_code == 422
    supporter = make_supporter(languages=["fr"])
    refused = send(client, "post", API + "/requests", {"user_id": supporter.pk})
    assert refused.status_code == 422 and "not available" in refused.json()["detail"]


@pytest.mark.parametrize("action", ["accept", "decline", "withdraw", "end", "block"])
def test_a_third_person_gets_404_for_every_action(login, member, member2, action):
    make_profile(member)
    conn = connect(member, make_supporter())
    response = login(member2).post(f"{API}/connections/{conn.pk}/{action}")
    assert response.status_code == 404
    assert login(member2).get(f"{API}/connections/{conn.pk}").status_code == 404
    conn.refresh_from_db()
    assert conn.status == ConnectionStatus.PENDING


def test_the_requester_cannot_accept_their_own_request(login, member):
    make_profile(member)
    conn = connect(member, make_supporter())
    assert login(member).post(f"{API}/connections/{conn.pk}/accept").status_code == 404


def test_caseload_limit_is_422_with_the_reason(login):
    supporter = make_supporter(caseload_limit=1)
    connected(make_member(), supporter)
    conn = actions.Connection.objects.create(
        requester=make_member(), recipient=supporter, supporter=supporter
    )
    response = login(supporter).post(f"{API}/connections/{conn.pk}/accept")
    assert response.status_code == 422 and "caseload is full" in response.json()["detail"]


def test_rating_reporting_and_messages_are_for_the_two_only(login, member, member2):
    make_profile(member)
    supporter = make_supporter()
    conn = connected(member, supporter)
    rating = send(login(member), "put", f"{API}/connections/{conn.pk}/rating", {"stars": 5})
    assert rating.status_code == 200 and rating.json()["stars"] == 5
    assert (
        send(login(member), "put", f"{API}/connections/{conn.pk}/rating", {"stars": 9}).status_code
        == 422
    )
    report = send(login(member), "post", f"{API}/connections/{conn.pk}/report", {"reason": "spam"})
    assert report.status_code == 201
    other = login(member2)
    assert (
        send(other, "put", f"{API}/connections/{conn.pk}/rating", {"stars": 1}).status_code == 404
    )
    assert (
        send(other, "post", f"{API}/connections/{conn.pk}/report", {"reason": "spam"}).status_code
        == 404
    )
    assert other.get(f"{API}/connections/{conn.pk}/messages").status_code == 404


def test_a_read_only_token_cannot_write(client, member):
    make_profile(member)
    _, plaintext = do_create_token(member, name="reader", scopes=["read"])
    headers = {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}
    assert client.get(API + "/suggestions", **headers).status_code == 200
    assert send(client, "put", API + "/profile", PROFILE, **headers).status_code == 403


def test_too_many_requests_get_429(login, member, rate_limits):
    rate_limits({"peers.request": "1/h/user"})
    make_profile(member)
    first, second = make_supporter("helper_hana"), make_supporter("helper_hugo")
    client = login(member)
    assert send(client, "post", API + "/requests", {"user_id": first.pk}).status_code == 201
    refused = send(client, "post", API + "/requests", {"user_id": second.pk, "note": "Hi"})
    assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
    assert 1 <= int(refused["Retry-After"]) <= 3600
    assert member.peer_requests_sent.count() == 1


def test_a_retried_report_with_an_idempotency_key_is_stored_once(login, member):
    from kindred.safety.models import FlagReport

    make_profile(member)
    conn = connected(member, make_supporter())
    url = f"{API}/connections/{conn.pk}/report"
    for _ in range(2):
        response = send(login(member), "post", url, {"reason": "spam"}, HTTP_IDEMPOTENCY_KEY="p-1")
        assert response.status_code == 201
    assert FlagReport.objects.filter(reporter=member).count() == 1
