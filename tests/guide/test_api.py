"""The guide API: anyone may evaluate (nothing stored); saved guides are their owner's."""

from __future__ import annotations

import pytest

from kindred.audit.models import AuditEvent
from kindred.guide.actions import do_save_guide
from kindred.guide.models import SavedGuide
from kindred.guide.options import OPTIONS
from tests.api.conftest import bearer
from tests.guide.conftest import SAFE, answers, phq9

pytestmark = pytest.mark.django_db

API = "/api/v1/guide"


def post_json(client, url, body, **extra):
    return client.post(url, body, content_type="application/json", **extra)


def test_anyone_may_evaluate_and_nothing_is_stored(client):
    body = {**SAFE, "topics": ["depression-anxiety"], "screening": {"phq9": phq9(17)}}
    response = post_json(client, f"{API}/evaluate", body)
    assert response.status_code == 200
    data = response.json()
    assert data["safety"] == {"immediate_risk": False, "reasons": [], "crisis": None}
    assert [s["total"] for s in data["scores"]] == [17]
    assert {o["key"] for o in data["options"]} == {o.key for o in OPTIONS}
    assert [o["key"] for o in data["options"][:2]] == ["therapy_cbt", "both"]
    more_severe = next(s for s in data["suggestions"] if s["rule"] == "depression-more-severe")
    assert more_severe["source"] == "nice-ng222" and more_severe["reason"]
    assert data["next_steps"]["space"][0]["url"] == "/spaces/depression-anxiety/"
    assert data["content"]["published"] == "2026-11-26"
    assert not SavedGuide.objects.exists()
    assert not AuditEvent.objects.filter(event__startswith="guide.").exists()


def test_a_sign_of_risk_puts_crisis_resources_first(client):
    response = post_json(client, f"{API}/evaluate", {**SAFE, "safety_danger": "yes"})
    safety = response.json()["safety"]
    assert safety["immediate_risk"] is True
    assert safety["reasons"][0]["rule"] == "safety-answer"
    assert safety["crisis"]["get_help_url"] == "/help/"
    assert safety["crisis"]["safety_plan_url"] == "/safety/plan/"
    assert next(iter(response.json())) == "safety"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"safety_thoughts": "no"},
        {**SAFE, "language": "xx"},
        {**SAFE, "max_fee": -1},
        {**SAFE, "topics": ["astrology"]},
        {**SAFE, "screening": {"phq2": {"q1": 1}}},
        {**SAFE, "screening": {"phq2": {"q1": 1, "q2": 7}}},
        {**SAFE, "screening": {"bdi": {"q1": 1}}},
        {**SAFE, "choice": "homeopathy"},
        {**SAFE, "unexpected": True},
    ],
)
def test_bad_input_is_422(client, body):
    response = post_json(client, f"{API}/evaluate", body)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_a_bad_token_on_evaluate_is_401(client):
    response = post_json(client, f"{API}/evaluate", SAFE, **bearer("kdr_nope_nope"))
    assert response.status_code == 401


@pytest.mark.parametrize("method,url", [("get", f"{API}/saved"), ("post", f"{API}/saved")])
def test_saved_guides_need_an_account(client, method, url):
    response = post_json(client, url, SAFE) if method == "post" else client.get(url)
    assert response.status_code == 401
    assert not SavedGuide.objects.exists()


def test_a_member_saves_lists_and_reads_their_guides(client, member, make_token):
    _, token = make_token(member)
    first = post_json(
        client, f"{API}/saved", {**SAFE, "screening": {"phq9": phq9(12)}}, **bearer(token)
    )
    assert first.status_code == 201
    second = post_json(
        client,
        f"{API}/saved",
        {**SAFE, "screening": {"phq9": phq9(7)}, "choice": "peer_group"},
        **bearer(token),
    )
    assert second.status_code == 201
    detail = second.json()
    assert detail["previous_id"] == first.json()["id"]
    assert detail["score_changes"] == [{"name": "PHQ-9", "before": 12, "after": 7, "change": -5}]
    listing = client.get(f"{API}/saved", **bearer(token)).json()
    assert [g["id"] for g in listing] == [detail["id"], first.json()["id"]]
    # The list reads nothing clinical; one guide's content is read (and audited) alone.
    assert set(listing[0]) == {"id", "created_at", "content_version"}
    one = client.get(f"{API}/saved/{detail['id']}", **bearer(token))
    assert one.status_code == 200 and one.json()["answers"]["choice"] == "peer_group"
    assert one.json()["scores"] == {"phq9": 7} and one.json()["choice"] == "peer_group"
    assert AuditEvent.objects.filter(event="guide.savedguide.read", actor_id=member.pk).exists()


def test_a_read_only_token_cannot_save(client, member, make_token):
    _, token = make_token(member, scopes=("read",))
    response = post_json(client, f"{API}/saved", SAFE, **bearer(token))
    assert response.status_code == 403
    assert not SavedGuide.objects.exists()


def test_the_session_needs_the_csrf_token_to_save(csrf_client, member):
    csrf_client.force_login(member)
    response = post_json(csrf_client, f"{API}/saved", SAFE)
    assert response.status_code == 403
    assert not SavedGuide.objects.exists()


@pytest.mark.parametrize(
    "persona", ["member2", "peer_supporter", "therapist", "moderator", "staff"], indirect=True
)
def test_other_people_cannot_read_or_delete_a_guide(client, member, persona, make_token):
    guide = do_save_guide(member, answers())
    _, token = make_token(persona)
    assert client.get(f"{API}/saved", **bearer(token)).json() == []
    missing = client.get(f"{API}/saved/{guide.pk + 100}", **bearer(token))
    other = client.get(f"{API}/saved/{guide.pk}", **bearer(token))
    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json()
    assert client.delete(f"{API}/saved/{guide.pk}", **bearer(token)).status_code == 404
    assert SavedGuide.objects.filter(pk=guide.pk).exists()


def test_the_owner_deletes_a_guide(client, member, make_token):
    guide = do_save_guide(member, answers())
    _, token = make_token(member)
    assert client.get(f"{API}/saved/{guide.pk}").status_code == 401
    assert client.delete(f"{API}/saved/{guide.pk}").status_code == 401
    assert client.delete(f"{API}/saved/{guide.pk}", **bearer(token)).status_code == 204
    assert not SavedGuide.objects.exists()


def test_the_schema_lists_the_guide_endpoints(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert set(paths[f"{API}/evaluate"]) == {"post"}
    assert "security" not in paths[f"{API}/evaluate"]["post"]
    assert set(paths[f"{API}/saved"]) == {"get", "post"}
    assert set(paths[f"{API}/saved/{{guide_id}}"]) == {"get", "delete"}
