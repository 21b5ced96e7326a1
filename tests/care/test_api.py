"""The care API: team, grants, shared-with-me, suggestions, timeline and access log, tried
as anonymous, the wrong user, the wrong role and the right user."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from kindred.api.actions import do_create_token
from kindred.care import actions
from kindred.care.models import Referral, ReferralStatus
from kindred.consent import actions as consent_actions
from kindred.consent import grants
from kindred.consent.models import ConsentGrant
from kindred.measures.actions import do_submit_response

pytestmark = pytest.mark.django_db
API = "/api/v1/care"

GETS = ("/team", "/grants", "/shared", "/referrals", "/timeline", "/access-log")


def post(client, url, data=None, **extra):
    return client.post(url, json.dumps(data or {}), content_type="application/json", **extra)


@pytest.mark.parametrize("path", GETS)
def test_anonymous_callers_get_401(client, path):
    response = client.get(API + path)
    assert response.status_code == 401 and "detail" in response.json()


@pytest.mark.parametrize(
    "path",
    ["/grants", "/grants/1/revoke", "/referrals", "/referrals/1/accept", "/referrals/1/dismiss"],
)
def test_anonymous_writes_get_401(client, path):
    assert post(client, API + path).status_code == 401


def test_the_team_is_the_callers_own(login, care_team, member, member2):
    team = login(member).get(f"{API}/team").json()
    assert {(e["handle"], e["relation"]) for e in team} == {
        ("peer_priya", "peer_supporter"),
        ("facil_frank", "facilitator"),
        ("dr_ellis", "therapist"),
    }
    assert login(member2).get(f"{API}/team").json() == []


def test_a_member_grants_lists_and_revokes(login, care_team, member, peer_supporter):
    client = login(member)
    until = (timezone.now() + timedelta(days=7)).isoformat()
    response = post(
        client,
        f"{API}/grants",
        {"grantee_id": peer_supporter.pk, "scope": "measure_trends", "expires_at": until},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["grantee"] == "peer_priya" and body["active"] is True
    assert [g["id"] for g in client.get(f"{API}/grants").json()] == [body["id"]]
    revoked = post(client, f"{API}/grants/{body['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["active"] is False
    assert not grants.has_grant(peer_supporter, member, grants.MEASURE_TRENDS)
    assert post(client, f"{API}/grants/{body['id']}/revoke").status_code == 404


def test_a_grant_end_with_a_far_utc_offset_is_kept_in_utc(login, care_team, member, peer_supporter):
    # PostgreSQL takes offsets up to ±15:59 only; -19:12 failed there with a 500.
    next_year = timezone.now().year + 1  # inside the two years a grant may be set ahead
    response = post(
        login(member),
        f"{API}/grants",
        {
            "grantee_id": peer_supporter.pk,
            "scope": "measure_trends",
            "expires_at": f"{next_year}-01-01T00:00:00-19:12",
        },
    )
    assert response.status_code == 201, response.content
    grant = ConsentGrant.objects.get()
    assert grant.expires_at == datetime(next_year, 1, 1, 19, 12, tzinfo=UTC)


@pytest.mark.parametrize(
    "payload, status",
    [
        ({"grantee_id": "PEER", "scope": "notes"}, 422),
        ({"grantee_id": "PEER"}, 422),
        ({"grantee_id": "x", "scope": "measure_trends"}, 422),
        ({"grantee_id": "MEMBER2", "scope": "measure_trends"}, 422),
        (
            {"grantee_id": "PEER", "scope": "measure_trends", "expires_at": "2001-01-01T00:00:00Z"},
            422,
        ),
        (
            {"grantee_id": "PEER", "scope": "measure_trends", "expires_at": "2099-01-01T00:00:00"},
            422,
        ),
    ],
)
def test_bad_grants_are_422(login, care_team, member, member2, peer_supporter, payload, status):
    ids = {"PEER": peer_supporter.pk, "MEMBER2": member2.pk}
    payload = {k: ids.get(v, v) if isinstance(v, str) else v for k, v in payload.items()}
    response = post(login(member), f"{API}/grants", payload)
    assert response.status_code == status and "detail" in response.json()
    assert not ConsentGrant.objects.exists()


@pytest.mark.parametrize(
    "persona", ["member2", "peer_supporter", "therapist", "staff"], indirect=True
)
def test_only_the_member_revokes(login, care_team, member, peer_supporter, persona):
    grant = consent_actions.do_grant(member, peer_supporter.pk, grants.SAFETY_PLAN)
    assert post(login(persona), f"{API}/grants/{grant.pk}/revoke").status_code == 404
    assert grants.has_grant(peer_supporter, member, grants.SAFETY_PLAN)


def test_a_read_token_cannot_grant(client, care_team, member, peer_supporter):
    _token, plaintext = do_create_token(member, name="ro", scopes=("read",))
    response = post(
        client,
        f"{API}/grants",
        {"grantee_id": peer_supporter.pk, "scope": "measure_trends"},
        HTTP_AUTHORIZATION=f"Bearer {plaintext}",
    )
    assert response.status_code == 403
    assert not ConsentGrant.objects.exists()


def test_shared_with_me_shows_exactly_the_granted_scope(login, care_team, member, peer_supporter):
    for value in (2, 1):
        do_submit_response(member, "phq9", {f"q{i}": value for i in range(1, 10)})
    client = login(peer_supporter)
    assert client.get(f"{API}/shared/{member.pk}").status_code == 404
    grant = consent_actions.do_grant(member, peer_supporter.pk, grants.MEASURE_TRENDS)
    assert client.get(f"{API}/shared").json() == [
        {"member_id": member.pk, "handle": "member_maya", "scopes": ["measure_trends"]}
    ]
    body = client.get(f"{API}/shared/{member.pk}").json()
    assert body["scopes"] == ["measure_trends"]
    [trend] = body["measure_trends"]
    assert trend["instrument"] == "phq9" and [p["total"] for p in trend["points"]] == [18, 9]
    assert "answers" not in json.dumps(body)
    assert body["plan_goals"] is None and body["safety_plan"] is None
    assert body["group_attendance"] is None
    consent_actions.do_revoke_grant(member, grant.pk)
    assert client.get(f"{API}/shared/{member.pk}").status_code == 404
    assert client.get(f"{API}/shared").json() == []


@pytest.mark.parametrize(
    "persona",
    ["member2", "facilitator", "therapist", "therapist2", "moderator", "staff"],
    indirect=True,
)
def test_nobody_else_reads_shared_data(login, care_team, member, peer_supporter, persona):
    consent_actions.do_grant(member, peer_supporter.pk, grants.MEASURE_TRENDS)
    response = login(persona).get(f"{API}/shared/{member.pk}")
    assert response.status_code == 404
    assert response.json()["detail"] == login(persona).get(f"{API}/shared/999999").json()["detail"]


def test_a_therapist_suggests_and_the_member_answers(login, care_team, member, therapist):
    response = post(
        login(therapist),
        f"{API}/referrals",
        {"member_id": member.pk, "kind": "group", "url": "/groups/2/", "title": "Circle"},
    )
    assert response.status_code == 201
    referral_id = response.json()["id"]
    client = login(member)
    assert [r["id"] for r in client.get(f"{API}/referrals").json()] == [referral_id]
    accepted = post(client, f"{API}/referrals/{referral_id}/accept")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert post(client, f"{API}/referrals/{referral_id}/dismiss").status_code == 409


@pytest.mark.parametrize(
    "persona, kind",
    [("member2", "therapy"), ("therapist2", "group"), ("moderator", "space"), ("staff", "peer")],
    indirect=["persona"],
)
def test_strangers_cannot_suggest(login, care_team, member, persona, kind):
    response = post(
        login(persona),
        f"{API}/referrals",
        {"member_id": member.pk, "kind": kind, "url": "/x/", "title": "T"},
    )
    assert response.status_code == 404
    assert not Referral.objects.exists()


def test_bad_suggestions_are_422(login, care_team, member, therapist):
    client = login(therapist)
    for payload in (
        {"member_id": member.pk, "kind": "party", "title": "T"},
        {"member_id": member.pk, "kind": "group", "url": "https://evil.example/", "title": "T"},
        {"member_id": member.pk, "kind": "therapy"},
        {"member_id": "abc", "kind": "group"},
    ):
        response = post(client, f"{API}/referrals", payload)
        assert response.status_code == 422, payload
    assert not Referral.objects.exists()


@pytest.mark.parametrize("persona", ["member2", "therapist"], indirect=True)
def test_only_the_member_answers_through_the_api(login, care_team, member, therapist, persona):
    referral = actions.do_refer(therapist, member.pk, kind="space", url="/spaces/a/", title="A")
    assert post(login(persona), f"{API}/referrals/{referral.pk}/accept").status_code == 404
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.OPEN


def test_timeline_and_access_log_are_the_callers_own(
    login, care_team, groups, member, member2, peer_supporter
):
    groups.attend(member, "Circle")
    consent_actions.do_grant(member, peer_supporter.pk, grants.GROUP_ATTENDANCE)
    login(peer_supporter).get(f"{API}/shared/{member.pk}")
    timeline = login(member).get(f"{API}/timeline").json()
    assert {"group", "session"} <= {i["kind"] for i in timeline}
    log = login(member).get(f"{API}/access-log").json()
    assert [(e["who"], e["action"]) for e in log][:1] == [("peer_priya", "Looked at")]
    assert login(member2).get(f"{API}/timeline").json() == []
    assert login(member2).get(f"{API}/access-log").json() == []


def test_nobody_lists_another_members_grants_or_suggestions(
    login, care_team, member, member2, peer_supporter, therapist
):
    consent_actions.do_grant(member, peer_supporter.pk, grants.SAFETY_PLAN)
    actions.do_refer(therapist, member.pk, kind="space", url="/spaces/x/", title="Quiet corner")
    assert len(login(member).get(f"{API}/grants").json()) == 1
    assert len(login(member).get(f"{API}/referrals").json()) == 1
    for persona in (member2, peer_supporter, therapist):
        assert login(persona).get(f"{API}/grants").json() == []
        assert login(persona).get(f"{API}/referrals").json() == []


def test_an_ended_grant_says_why_in_the_api(login, care_team, member, facilitator):
    grant = consent_actions.do_grant(member, facilitator.pk, "safety_plan")
    care_team.remove(member, facilitator)
    consent_actions.do_end_grants_for_relationship(member, facilitator, reason="left_group")
    [row] = login(member).get(f"{API}/grants").json()
    assert row["id"] == grant.pk
    assert (row["active"], row["status"], row["ended_reason"]) == (False, "ended", "left_group")


# --- Default access ---------------------------------------------------------------------

DEFAULTS = f"{API}/defaults"
ASSIGNED = "therapist.assigned_questionnaires"


def put(client, url, data):
    return client.put(url, json.dumps(data), content_type="application/json")


def test_anonymous_callers_cannot_read_or_switch_defaults(client):
    assert client.get(DEFAULTS).status_code == 401
    assert put(client, f"{DEFAULTS}/{ASSIGNED}", {"on": False}).status_code == 401


def test_the_defaults_are_the_declarations_with_the_callers_switches(login, member, member2):
    from kindred.consent.visibility import DEFAULTS as DECLARED

    client = login(member)
    rows = client.get(DEFAULTS).json()
    assert [(r["key"], r["label"], r["on"]) for r in rows] == [
        (d.key, str(d.label), True) for d in DECLARED
    ]
    response = put(client, f"{DEFAULTS}/{ASSIGNED}", {"on": False})
    assert response.status_code == 200 and response.json()["on"] is False
    assert {r["key"]: r["on"] for r in client.get(DEFAULTS).json()}[ASSIGNED] is False
    # Another member's switches are their own.
    assert all(r["on"] for r in login(member2).get(DEFAULTS).json())


def test_bad_switches_say_why(login, member):
    client = login(member)
    assert put(client, f"{DEFAULTS}/nonsense", {"on": False}).status_code == 404
    fixed = put(client, f"{DEFAULTS}/therapist.risk_alerts", {"on": False})
    assert fixed.status_code == 422 and "switch off" in fixed.json()["detail"]
    assert put(client, f"{DEFAULTS}/{ASSIGNED}", {"on": "perhaps"}).status_code == 422
    assert put(client, f"{DEFAULTS}/{ASSIGNED}", {}).status_code == 422
