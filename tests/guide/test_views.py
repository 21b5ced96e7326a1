"""The guide's pages: anyone may use them, nothing is stored for a visitor, the crisis
page comes first whenever there is a sign of risk, and errors keep every answer."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session

from kindred.audit.models import AuditEvent
from kindred.guide.models import SavedGuide
from kindred.safety.models import Flag
from tests.guide.pages import URL, carried, step_of, submit

pytestmark = pytest.mark.django_db

SAFE = {"safety_thoughts": "no", "safety_intent": "no", "safety_danger": "no"}
MATTERS = {
    "topics": ["depression-anxiety"],
    "lived_experience": "very",
    "expertise": "somewhat",
    "privacy": "somewhat",
    "style": "either",
    "language": "en",
}


def start(client):
    response = client.get(URL)
    assert response.status_code == 200
    return response


def through_matters(client, **safety):
    response = submit(client, start(client), **{**SAFE, **safety})
    if step_of(response) == "crisis":
        response = submit(client, response)
    assert step_of(response) == "matters"
    return submit(client, response, **MATTERS)


def test_anyone_can_start_the_guide_and_it_states_the_decision(client):
    response = start(client)
    html = response.content.decode()
    assert "The decision this guide helps with" in html
    assert "A safety check first" in html
    assert "Published 26 Nov 2026" in html
    assert "no-store" in response["Cache-Control"]


def test_an_anonymous_visitor_completes_the_guide_and_nothing_is_stored(client):
    response = through_matters(client)
    assert step_of(response) == "screening"
    response = submit(client, response, phq2_q1=1, phq2_q2=1, gad2_q1=0, gad2_q2=1)
    assert step_of(response) == "options"
    html = response.content.decode()
    assert "Your options side by side" in html
    assert "PHQ-2</strong>: 2 out of 6" in html
    response = submit(client, response, choice="peer_group")
    assert step_of(response) == "summary"
    html = response.content.decode()
    assert "Peer support groups" in html and "Next steps here" in html
    assert "Save this guide" not in html
    assert "/spaces/depression-anxiety/" in html
    assert "/therapists/?language=en" in html
    # Nothing on the server: no saved guide, no session, no audit row.
    assert not SavedGuide.objects.exists()
    assert settings.SESSION_COOKIE_NAME not in client.cookies
    assert not Session.objects.exists()
    assert not AuditEvent.objects.filter(event__startswith="guide.").exists()


def test_answers_travel_in_the_form_not_the_session(client):
    response = through_matters(client)
    fields = dict(carried(response))
    assert fields["lived_experience"] == "very"
    assert ("topics", "depression-anxiety") in carried(response)
    assert fields["safety_thoughts"] == "no"


@pytest.mark.parametrize("question", ["safety_thoughts", "safety_intent", "safety_danger"])
def test_a_yes_to_any_safety_question_shows_crisis_resources_before_anything_else(client, question):
    response = submit(client, start(client), **{**SAFE, question: "yes"})
    assert response.status_code == 200
    assert step_of(response) == "crisis"
    html = response.content.decode()
    assert "Get help now" in html and "Open my safety plan" not in html
    assert "Make a safety plan" in html
    assert "What matters to you" not in html
    # Then the guide goes on, and the crisis lines stay on top of every later page.
    response = submit(client, response)
    assert step_of(response) == "matters"
    assert "If you need someone now" in response.content.decode()


def test_the_crisis_page_cannot_be_skipped_by_posting_a_later_step(client):
    data = {**SAFE, "safety_danger": "yes", **MATTERS, "step": "options", "choice": "both"}
    response = client.post(URL, data)
    assert step_of(response) == "crisis"
    # Only once it has been shown does the guide resume where it was going.
    response = submit(client, response)
    assert step_of(response) == "summary"


def test_a_critical_phq9_answer_leads_to_the_crisis_page(client):
    response = through_matters(client)
    response = submit(client, response, phq2_q1=2, phq2_q2=2)
    assert step_of(response) == "followup"
    assert "PHQ-9" in response.content.decode()
    answers = {f"phq9_q{i}": 1 for i in range(3, 10)}
    response = submit(client, response, **answers)
    assert step_of(response) == "crisis"
    assert "thoughts of being better off dead" in response.content.decode()
    response = submit(client, response)
    assert step_of(response) == "options"
    assert "PHQ-9</strong>: 11 out of 27" in response.content.decode()


def test_skipping_the_screening_goes_straight_to_the_options(client):
    response = through_matters(client)
    response = submit(client, response, phq2_q1=3, skip="1")
    assert step_of(response) == "options"
    assert "Your questionnaire scores" not in response.content.decode()


def test_back_returns_to_an_earlier_step_with_the_answers(client):
    response = through_matters(client)
    response = submit(client, response, go="matters")
    assert step_of(response) == "matters"
    assert re.search(r'name="lived_experience" value="very"[^>]*checked', response.content.decode())
    assert not re.search(r'name="expertise" value="very"[^>]*checked', response.content.decode())


def test_a_missing_safety_answer_is_a_form_error(client):
    response = client.post(URL, {"step": "safety", "safety_thoughts": "no"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Some answers need another look" in html
    # What was answered is still answered.
    assert 'value="no"' in html and "checked" in html


def test_a_bad_fee_keeps_the_other_answers(client):
    response = submit(client, start(client), **SAFE)
    response = submit(client, response, **{**MATTERS, "max_fee": "lots"})
    assert response.status_code == 422
    assert step_of(response) == "matters"
    html = response.content.decode()
    assert 'value="lots"' in html
    assert 'value="depression-anxiety"' in html and "checked" in html


def test_a_half_answered_short_screen_is_a_form_error(client):
    response = through_matters(client)
    response = submit(client, response, phq2_q1=2)
    assert response.status_code == 422
    assert step_of(response) == "screening"
    assert "Please answer this question too" in response.content.decode()


def test_tampered_answers_are_a_form_error_not_a_crash(client):
    response = client.post(URL, {**SAFE, "step": "matters", **MATTERS, "language": "xx"})
    assert response.status_code == 422
    response = client.post(URL, {**SAFE, "step": "nonsense"})
    assert response.status_code == 422
    assert step_of(response) == "safety"


def test_a_signed_in_member_saves_the_guide(client, member):
    client.force_login(member)
    response = through_matters(client)
    response = submit(client, response, phq2_q1=1, phq2_q2=1)
    response = submit(client, response, choice="therapy_cbt")
    assert "Save this guide" in response.content.decode()
    response = submit(client, response, url="/guide/save/")
    guide = SavedGuide.objects.get(owner=member)
    assert response.status_code == 302 and response["Location"] == f"/guide/saved/{guide.pk}/"
    assert guide.answers["lived_experience"] == "very"
    assert guide.answers["screening"] == {"phq2": {"q1": 1, "q2": 1}}
    assert guide.outcome["choice"] == "therapy_cbt"
    assert not Flag.objects.exists()


def test_saving_needs_an_account(client):
    response = client.post("/guide/save/", {**SAFE, "step": "summary", "choice": "both"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not SavedGuide.objects.exists()


def test_the_crisis_lines_stay_on_top_of_a_page_shown_again_with_errors(client):
    response = submit(client, start(client), **{**SAFE, "safety_thoughts": "yes"})
    response = submit(client, response)  # past the crisis page
    response = submit(client, response, **{**MATTERS, "max_fee": "lots"})
    assert response.status_code == 422
    assert "If you need someone now" in response.content.decode()
