"""What a grantee sees, one scope at a time: exactly the granted scope, nothing more."""

from __future__ import annotations

from datetime import date

import pytest

from kindred.audit.models import AuditEvent
from kindred.care import shared
from kindred.consent import actions as consent_actions
from kindred.consent import grants
from kindred.core.access import NotFound
from kindred.measures.actions import do_submit_response
from kindred.plans import actions as plan_actions
from kindred.plans.content import parse_plan_text
from kindred.safety.actions import do_save_safety_plan

pytestmark = pytest.mark.django_db

PLAN_TEXT = """\
Problem: Low mood most days since losing my job
Goal: Enjoy everyday things again
Objective: Walk outside | count >= 3 walks per week | by 2030-08-01
Intervention: Activity scheduling | every session
"""


@pytest.fixture
def plan(care_team, member, therapist):
    return plan_actions.do_create_plan(
        therapist,
        member,
        content=parse_plan_text(PLAN_TEXT),
        summary="We will work on getting out more.",
        review_date=date(2030, 10, 1),
    )


def test_plan_goals_show_goals_only(plan, member, peer_supporter):
    consent_actions.do_grant(member, peer_supporter.pk, grants.PLAN_GOALS)
    [goals] = shared.plan_goals(peer_supporter, member.pk)
    assert goals.goals == ["Enjoy everyday things again"]
    assert (goals.therapist, goals.version) == ("dr_ellis", 1)
    shown = repr(goals)
    for private in ("Low mood", "Walk outside", "Activity scheduling", "getting out more"):
        assert private not in shown


def test_plan_goals_need_their_own_grant(plan, member, peer_supporter):
    consent_actions.do_grant(member, peer_supporter.pk, grants.MEASURE_TRENDS)
    with pytest.raises(NotFound):
        shared.plan_goals(peer_supporter, member.pk)


def test_the_therapist_sees_group_attendance_only_with_a_grant(
    care_team, groups, member, therapist, therapist2
):
    groups.attend(member, "Tuesday evening circle")
    with pytest.raises(NotFound):
        shared.group_attendance(therapist, member.pk)
    grant = consent_actions.do_grant(member, therapist.pk, grants.GROUP_ATTENDANCE)
    [item] = shared.group_attendance(therapist, member.pk)
    assert (item.kind, item.title) == ("group", "Tuesday evening circle")
    with pytest.raises(NotFound):
        shared.group_attendance(therapist2, member.pk)
    consent_actions.do_revoke_grant(member, grant.pk)
    with pytest.raises(NotFound):
        shared.group_attendance(therapist, member.pk)


def test_group_attendance_holds_only_group_items(care_team, groups, member, peer_supporter):
    groups.attend(member)
    do_submit_response(member, "gad2", {"q1": 1, "q2": 2})
    consent_actions.do_grant(member, peer_supporter.pk, grants.GROUP_ATTENDANCE)
    items = shared.group_attendance(peer_supporter, member.pk)
    assert [i.kind for i in items] == ["group"]


def test_the_safety_plan_is_shown_only_when_shared(care_team, member, peer_supporter):
    do_save_safety_plan(member, {"warning_signs": ["Not sleeping"]}, "My dog")
    with pytest.raises(NotFound):
        shared.safety_plan(peer_supporter, member.pk)
    consent_actions.do_grant(member, peer_supporter.pk, grants.SAFETY_PLAN)
    sections, reasons = shared.safety_plan(peer_supporter, member.pk)
    assert {k: items for k, _t, items in sections}["warning_signs"] == ["Not sleeping"]
    assert reasons == "My dog"


def test_measure_trends_are_charted_without_answers(care_team, member, peer_supporter):
    for value in (3, 1, 0):
        do_submit_response(member, "phq9", {f"q{i}": value for i in range(1, 10)})
    consent_actions.do_grant(member, peer_supporter.pk, grants.MEASURE_TRENDS)
    [section] = shared.measure_trends(peer_supporter, member.pk)
    assert section.definition.id == "phq9"
    assert [p.total for p in section.points] == [27, 9, 0]
    assert section.chart.polyline
    assert (
        AuditEvent.objects.filter(event=grants.USED_EVENT, actor_id=peer_supporter.pk).count() == 1
    )


def test_the_view_holds_only_the_shared_sections(plan, member, member2, peer_supporter):
    consent_actions.do_grant(member, peer_supporter.pk, grants.PLAN_GOALS)
    consent_actions.do_grant(member, peer_supporter.pk, grants.SAFETY_PLAN)
    view = shared.shared_view(peer_supporter, member.pk)
    assert (view.member, view.scopes) == (member, {grants.PLAN_GOALS, grants.SAFETY_PLAN})
    assert [p.goals for p in view.plans] == [["Enjoy everyday things again"]]
    assert view.trends is None and view.groups is None
    # Shared but not written yet: the section is there, with nothing in it.
    assert view.safety_shared and view.safety is None
    with pytest.raises(NotFound):
        shared.shared_view(peer_supporter, member2.pk)
