from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from kindred.audit.models import AuditEvent
from kindred.core.access import NotFound
from kindred.core.models import Notification
from kindred.plans import actions
from kindred.plans.content import parse_plan_text
from kindred.plans.models import (
    EntryKind,
    ObjectiveEntry,
    PlanAcknowledgement,
    PlanComment,
    PlanVersion,
)
from tests.plans.conftest import PLAN_TEXT, SECRET


def revise(plan, therapist, text=PLAN_TEXT, summary="Updated summary"):
    return actions.do_revise_plan(
        therapist,
        plan,
        content=parse_plan_text(text, plan.versions.last().parsed),
        summary=summary,
        review_date=date(2030, 11, 1),
    )


def test_creating_a_plan_needs_a_treating_relationship(member, therapist2):
    with pytest.raises(NotFound):
        actions.do_create_plan(
            therapist2,
            member,
            content=parse_plan_text(PLAN_TEXT),
            summary="s",
            review_date=date(2030, 1, 1),
        )


def test_versioning_keeps_every_revision(plan, therapist, member):
    revise(plan, therapist, PLAN_TEXT.replace("weekly", "twice a week"), "Second")
    revise(plan, therapist, PLAN_TEXT, "Third")
    versions = list(PlanVersion.objects.filter(plan=plan).order_by("number"))
    assert [v.number for v in versions] == [1, 2, 3]
    assert [v.summary for v in versions][1:] == ["Second", "Third"]
    assert "twice a week" in str(versions[1].content)
    assert "twice a week" not in str(versions[0].content)
    titles = list(
        Notification.objects.filter(recipient=member, kind="plans.plan_revised").values_list(
            "title", flat=True
        )
    )
    assert len(titles) == 2


def test_only_the_plan_therapist_revises(plan, therapist2, member):
    from tests.plans.conftest import book

    book(member, therapist2, days=5)  # treating too, but not the plan's author
    with pytest.raises(NotFound):
        revise(plan, therapist2)


def test_member_acknowledges_a_specific_version_and_a_revision_needs_a_new_one(
    plan, therapist, member
):
    actions.do_acknowledge(member, plan, 1)
    assert PlanAcknowledgement.objects.filter(version__number=1, member=member).exists()
    revise(plan, therapist)
    with pytest.raises(actions.PlanError):
        actions.do_acknowledge(member, plan, 1)
    assert not PlanAcknowledgement.objects.filter(version__number=2).exists()
    actions.do_acknowledge(member, plan, 2)
    assert set(PlanAcknowledgement.objects.values_list("version__number", flat=True)) == {1, 2}


def test_comments_by_member_and_therapist_notify_the_other(plan, therapist, member, member2):
    actions.do_comment(member, plan, 1, "Can we do walks on weekends?")
    actions.do_comment(therapist, plan, 1, "Yes.")
    assert PlanComment.objects.count() == 2
    assert Notification.objects.filter(recipient=therapist, kind="plans.comment_added").exists()
    assert Notification.objects.filter(recipient=member, kind="plans.comment_added").exists()
    with pytest.raises(NotFound):
        actions.do_comment(member2, plan, 1, "hi")


def test_values_only_on_count_objectives_and_attainment_in_range(plan, therapist):
    actions.do_record_objective_value(therapist, plan, 2, 4)
    with pytest.raises(actions.PlanError):
        actions.do_record_objective_value(therapist, plan, 1, 4)  # measure-linked
    with pytest.raises(NotFound):
        actions.do_record_objective_value(therapist, plan, 99, 4)
    actions.do_score_attainment(therapist, plan, 1, -2)
    with pytest.raises(actions.PlanError):
        actions.do_score_attainment(therapist, plan, 1, 3)
    assert ObjectiveEntry.objects.filter(kind=EntryKind.VALUE).count() == 1
    assert ObjectiveEntry.objects.filter(kind=EntryKind.ATTAINMENT).count() == 1


def test_audit_rows_carry_ids_and_numbers_never_content(plan, therapist, member):
    revise(plan, therapist)
    actions.do_acknowledge(member, plan, 2)
    actions.do_comment(member, plan, 2, "A private worry about money")
    actions.do_record_objective_value(therapist, plan, 2, 3)
    events = list(AuditEvent.objects.filter(event__startswith="plans.").order_by("seq"))
    assert [e.event for e in events] == [
        "plans.plan_created",
        "plans.plan_revised",
        "plans.plan_acknowledged",
        "plans.comment_added",
        "plans.objective_value_recorded",
    ]
    dumped = str([e.changes for e in events])
    assert "money" not in dumped and "Low mood" not in dumped and "walk" not in dumped.lower()
    assert events[1].changes == {"version": 2}


@pytest.mark.django_db(transaction=False)
def test_plaintext_is_absent_from_raw_columns(plan, therapist, member):
    actions.do_comment(member, plan, 1, "A private worry about money")
    actions.do_record_objective_value(therapist, plan, 2, 7)
    with connection.cursor() as cursor:
        cursor.execute("SELECT content, summary FROM plans_planversion")
        content, summary = cursor.fetchone()
        cursor.execute("SELECT text FROM plans_plancomment")
        (comment,) = cursor.fetchone()
        cursor.execute("SELECT value FROM plans_objectiveentry")
        (value,) = cursor.fetchone()
    assert SECRET not in content and "phq9" not in content
    assert "brighter" not in summary
    assert "money" not in comment
    assert value != "7"
