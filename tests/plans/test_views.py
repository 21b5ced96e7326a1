from __future__ import annotations

import pytest
from django.urls import reverse

from kindred.audit.models import AuditEvent
from kindred.measures.actions import do_submit_response
from kindred.measures.definitions import get_definition
from kindred.plans import actions
from kindred.plans.models import PlanAcknowledgement, PlanComment, PlanVersion, TreatmentPlan
from tests.measures.builders import answers_for_raw
from tests.plans.conftest import PLAN_TEXT, SECRET

ALL = ["member", "member2", "peer_supporter", "therapist", "therapist2", "moderator", "staff"]


def form_data(text=PLAN_TEXT, summary="Plain words", review="2030-10-01"):
    return {"summary": summary, "plan": text, "review_date": review}


@pytest.mark.parametrize("persona", [*ALL, "anonymous"], indirect=True)
def test_therapist_plan_page_as_every_persona(persona, login, plan, request):
    client = login(persona)
    url = reverse("therapist_plan", args=[plan.pk])
    response = client.get(url)
    if persona is not None and persona == request.getfixturevalue("therapist"):
        assert response.status_code == 200
        assert SECRET in response.content.decode()
    elif persona is None:
        assert response.status_code == 302
    else:
        assert response.status_code == 404
        missing = client.get(reverse("therapist_plan", args=[plan.pk + 1000]))
        assert missing.status_code == 404


@pytest.mark.parametrize("persona", [*ALL, "anonymous"], indirect=True)
def test_member_plan_page_as_every_persona(persona, login, plan, request):
    client = login(persona)
    response = client.get(reverse("my_plan", args=[plan.pk]))
    if persona is not None and persona == request.getfixturevalue("member"):
        assert response.status_code == 200
        assert "brighter" in response.content.decode()
    elif persona is None:
        assert response.status_code == 302
    else:
        assert response.status_code == 404


def test_therapist_creates_a_plan_for_a_client(login, therapist, member, treating):
    client = login(therapist)
    url = reverse("therapist_plan_new", args=[member.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, form_data())
    plan = TreatmentPlan.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("therapist_plan", args=[plan.pk])
    assert plan.member == member and plan.versions.get().number == 1


def test_creating_for_a_non_client_is_404(login, therapist, member2, treating):
    client = login(therapist)
    assert (
        client.post(reverse("therapist_plan_new", args=[member2.pk]), form_data()).status_code
        == 404
    )
    assert not TreatmentPlan.objects.exists()


def test_bad_plan_text_is_422_and_keeps_the_input(login, therapist, member, treating):
    client = login(therapist)
    bad = PLAN_TEXT + "Objective: oops | measure phq9 < | by tomorrow\n"
    response = client.post(reverse("therapist_plan_new", args=[member.pk]), form_data(bad))
    assert response.status_code == 422
    body = response.content.decode()
    assert "Line 7:" in body and "oops | measure phq9" in body
    assert not TreatmentPlan.objects.exists()


def test_revising_keeps_history_and_lists_differences(login, therapist, plan):
    client = login(therapist)
    url = reverse("therapist_plan_revise", args=[plan.pk])
    page = client.get(url)
    assert page.status_code == 200 and "measure phq9 &lt; 10" in page.content.decode()
    revised = PLAN_TEXT.replace("weekly", "twice a week")
    assert client.post(url, form_data(revised)).status_code == 302
    assert list(PlanVersion.objects.filter(plan=plan).values_list("number", flat=True)) == [1, 2]
    history = client.get(reverse("therapist_plan_history", args=[plan.pk])).content.decode()
    assert "Added: Intervention: Behavioural activation | twice a week" in history
    assert "Removed: Intervention: Behavioural activation | weekly" in history


def test_member_acknowledges_and_comments(login, member, plan, therapist):
    client = login(member)
    ack = reverse("my_plan_acknowledge", args=[plan.pk])
    assert client.post(ack, {"version": 1}).status_code == 302
    assert PlanAcknowledgement.objects.filter(version__number=1).exists()
    assert "You confirmed" in client.get(reverse("my_plan", args=[plan.pk])).content.decode()
    comment = reverse("my_plan_comment", args=[plan.pk])
    assert client.post(comment, {"version": 1, "text": "Thanks"}).status_code == 302
    assert PlanComment.objects.get().author == member


def test_a_stale_acknowledgement_is_refused(login, member, plan, therapist):
    actions.do_revise_plan(
        therapist,
        plan,
        content=plan.versions.get().parsed,
        summary="v2",
        review_date=plan.versions.get().review_date,
    )
    client = login(member)
    client.post(reverse("my_plan_acknowledge", args=[plan.pk]), {"version": 1})
    assert not PlanAcknowledgement.objects.exists()


def test_other_members_cannot_post_to_a_plan(login, member2, plan):
    client = login(member2)
    assert (
        client.post(reverse("my_plan_acknowledge", args=[plan.pk]), {"version": 1}).status_code
        == 404
    )
    assert (
        client.post(
            reverse("my_plan_comment", args=[plan.pk]), {"version": 1, "text": "x"}
        ).status_code
        == 404
    )


def test_therapist_records_values_and_scores(login, therapist, plan):
    client = login(therapist)
    client.post(reverse("therapist_plan_value", args=[plan.pk, 2]), {"value": 3})
    client.post(reverse("therapist_plan_attainment", args=[plan.pk, 1]), {"attainment": 1})
    client.post(reverse("therapist_plan_attainment", args=[plan.pk, 2]), {"attainment": 1})
    body = client.get(reverse("therapist_plan", args=[plan.pk])).content.decode()
    assert "GAS T-score: <strong>62.4</strong>" in body
    assert "target met" in body


def test_therapist_reads_are_audited(login, therapist, plan):
    client = login(therapist)
    client.get(reverse("therapist_plan", args=[plan.pk]))
    client.get(reverse("therapist_plan_history", args=[plan.pk]))
    assert (
        AuditEvent.objects.filter(event="plans.treatmentplan.read", actor_id=therapist.pk).count()
        == 2
    )


def test_member_reads_are_not_audited_as_third_party_reads(login, member, plan):
    login(member).get(reverse("my_plan", args=[plan.pk]))
    assert not AuditEvent.objects.filter(event="plans.treatmentplan.read").exists()


def test_the_plan_pages_use_a_bounded_number_of_queries(
    login, therapist, member, plan, django_assert_max_num_queries
):
    for total in (20, 15, 12, 9, 8, 6, 5):
        do_submit_response(member, "phq9", answers_for_raw(get_definition("phq9"), total))
    for n in range(5):
        actions.do_comment(member, plan, 1, f"comment {n}")
        actions.do_record_objective_value(therapist, plan, 2, n)
        actions.do_score_attainment(therapist, plan, 1, 0)
    therapist_client = login(therapist)
    with django_assert_max_num_queries(25):
        assert therapist_client.get(reverse("therapist_plan", args=[plan.pk])).status_code == 200
    member_client = login(member)
    with django_assert_max_num_queries(20):
        body = member_client.get(reverse("my_plan", args=[plan.pk])).content.decode()
    assert "6 → 5" in body


def test_plan_lists(login, therapist, member, plan):
    assert SECRET not in login(therapist).get(reverse("therapist_plans")).content.decode()
    response = login(member).get(reverse("my_plans"))
    assert response.status_code == 302


def test_the_therapist_plan_page_shows_only_the_results_they_asked_for(
    login, therapist, member, plan
):
    for total in (20, 15):
        do_submit_response(member, "phq9", answers_for_raw(get_definition("phq9"), total))
    url = reverse("therapist_plan", args=[plan.pk])
    assert "20 → 15" in login(member).get(reverse("my_plan", args=[plan.pk])).content.decode()
    assert "20 → 15" not in login(therapist).get(url).content.decode()
    for total in (12, 9):
        do_submit_response(
            member, "phq9", answers_for_raw(get_definition("phq9"), total), assigned_by=therapist
        )
    assert "12 → 9" in login(therapist).get(url).content.decode()
