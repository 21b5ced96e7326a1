"""The questionnaire endpoints under /api/v1/: your own results only, crisis support
on a critical answer, FHIR export."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from fhir.resources.R4B.bundle import Bundle

from kindred.audit.models import AuditEvent
from kindred.measures.actions import do_submit_response
from kindred.measures.models import Response
from kindred.safety.models import Flag, FlagKind
from tests.api.conftest import bearer

pytestmark = pytest.mark.django_db

API = "/api/v1"
PHQ9 = {"q1": 0, "q2": 1, "q3": 2, "q4": 3, "q5": 0, "q6": 1, "q7": 2, "q8": 3, "q9": 0}

READS = [
    f"{API}/instruments",
    f"{API}/measures/responses",
    f"{API}/measures/phq9/trend",
    f"{API}/measures/export",
]


def post_json(client, url, body, **extra):
    return client.post(url, body, content_type="application/json", **extra)


@pytest.mark.parametrize("url", READS)
def test_anonymous_callers_get_401(client, url):
    assert client.get(url).status_code == 401


def test_anonymous_callers_cannot_submit(client):
    assert post_json(client, f"{API}/measures/phq9/responses", {"answers": PHQ9}).status_code == 401
    assert not Response.objects.exists()


@pytest.mark.parametrize("url", READS)
def test_a_read_token_reads(client, member, make_token, url):
    _, plaintext = make_token(member, scopes=("read",))
    assert client.get(url, **bearer(plaintext)).status_code == 200


def test_a_read_only_token_cannot_submit(client, member, make_token):
    _, plaintext = make_token(member, scopes=("read",))
    response = post_json(
        client, f"{API}/measures/phq9/responses", {"answers": PHQ9}, **bearer(plaintext)
    )
    assert response.status_code == 403
    assert not Response.objects.exists()


def test_instruments_list_the_available_ones_with_items(login, member):
    body = login(member).get(f"{API}/instruments").json()
    ids = [i["id"] for i in body]
    assert "phq9" in ids and "dast10" not in ids
    phq9 = body[ids.index("phq9")]
    assert len(phq9["items"]) == 9 and phq9["items"][8]["id"] == "q9"
    assert phq9["items"][0]["options"][3] == {"value": 3, "label": "Nearly every day"}


def test_submitting_scores_and_stores(client, member, make_token):
    _, plaintext = make_token(member)
    response = post_json(
        client, f"{API}/measures/phq9/responses", {"answers": PHQ9}, **bearer(plaintext)
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["total"], body["band"], body["band_label"]) == (12, "moderate", "Moderate")
    assert body["critical"] is False and body["support"] is None
    assert Response.objects.get(pk=body["id"]).member == member


def test_a_critical_answer_returns_support_and_raises_one_flag(login, member):
    response = post_json(
        login(member), f"{API}/measures/phq9/responses", {"answers": PHQ9 | {"q9": 1}}
    )
    body = response.json()
    assert response.status_code == 201
    assert body["critical"] is True
    assert body["support"]["safety_plan_url"] and body["support"]["get_help_url"]
    assert body["support"]["country"] or body["support"]["anywhere"]
    flag = Flag.objects.get()
    assert flag.kind == FlagKind.CRITICAL_ANSWER and flag.subject == member


def test_bad_answers_are_422_and_unknown_instruments_404(login, member):
    client = login(member)
    bad = post_json(client, f"{API}/measures/phq9/responses", {"answers": {"q1": 7}})
    assert bad.status_code == 422 and "not a valid answer" in bad.json()["detail"]
    short = post_json(client, f"{API}/measures/phq9/responses", {"answers": {"q1": 1}})
    assert short.status_code == 422
    missing = post_json(client, f"{API}/measures/dast10/responses", {"answers": {}})
    assert missing.status_code == 404 and missing.json() == {"detail": "No such questionnaire."}
    assert client.get(f"{API}/measures/nope/trend").status_code == 404
    assert not Response.objects.exists()


def test_results_are_your_own_and_filter_by_instrument(login, member, member2):
    mine = do_submit_response(member, "phq9", PHQ9).response
    do_submit_response(member, "gad7", {f"q{i}": 0 for i in range(1, 8)})
    do_submit_response(member2, "phq9", PHQ9)
    client = login(member)
    assert len(client.get(f"{API}/measures/responses").json()) == 2
    only = client.get(f"{API}/measures/responses", {"instrument": "phq9"}).json()
    assert [r["id"] for r in only] == [mine.pk]
    client.logout()
    others = login(member2).get(f"{API}/measures/responses").json()
    assert mine.pk not in [r["id"] for r in others]


def test_the_trend_has_points_and_reliable_change(login, member, member2):
    for days_ago, answers in ((20, PHQ9 | {"q1": 3, "q5": 3, "q9": 2}), (1, PHQ9)):
        r = do_submit_response(member, "phq9", answers).response
        Response.objects.filter(pk=r.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago)
        )
    points = login(member).get(f"{API}/measures/phq9/trend").json()["points"]
    assert [(p["total"], p["change"], p["reliable"]) for p in points] == [
        (20, None, None),
        (12, -8, True),
    ]
    assert points[1]["improved"] is True
    login(member2)
    assert login(member2).get(f"{API}/measures/phq9/trend").json()["points"] == []


def test_the_export_is_a_valid_bundle_and_audited(client, member, member2, make_token):
    do_submit_response(member, "phq9", PHQ9)
    do_submit_response(member2, "phq9", PHQ9)
    _, plaintext = make_token(member, scopes=("read",))
    response = client.get(f"{API}/measures/export", **bearer(plaintext))
    assert response.status_code == 200
    bundle = Bundle.model_validate(response.json())
    kinds = [e.resource.get_resource_type() for e in bundle.entry]
    assert kinds.count("Observation") == 1  # not member2's
    codes = [
        e.resource.code.coding[0].code
        for e in bundle.entry
        if e.resource.get_resource_type() == "Observation"
    ]
    assert codes == ["44261-6"]
    assert AuditEvent.objects.filter(event="measures.exported", actor_id=member.pk).count() == 1
