from __future__ import annotations

from datetime import UTC, date, datetime

from kindred.core.models import Notification
from kindred.plans import actions
from kindred.plans.content import parse_plan_text
from kindred.plans.reminders import send_review_reminders
from tests.plans.conftest import PLAN_TEXT

BEFORE = datetime(2030, 9, 30, 12, tzinfo=UTC)
DUE = datetime(2030, 10, 1, 12, tzinfo=UTC)


def reminders(therapist):
    return Notification.objects.filter(recipient=therapist, kind="plans.review_due").count()


def test_it_reminds_once_per_version_when_the_review_date_is_reached(plan, therapist):
    assert send_review_reminders(BEFORE) == 0
    assert send_review_reminders(DUE) == 1
    assert send_review_reminders(DUE) == 0
    assert reminders(therapist) == 1
    actions.do_revise_plan(
        therapist,
        plan,
        content=parse_plan_text(PLAN_TEXT),
        summary="s",
        review_date=date(2030, 12, 1),
    )
    assert send_review_reminders(DUE) == 0
    assert send_review_reminders(datetime(2030, 12, 1, 9, tzinfo=UTC)) == 1
    assert send_review_reminders(datetime(2031, 1, 1, tzinfo=UTC)) == 0
    assert reminders(therapist) == 2


def test_superseded_versions_are_not_reminded(plan, therapist):
    actions.do_revise_plan(
        therapist,
        plan,
        content=parse_plan_text(PLAN_TEXT),
        summary="s",
        review_date=date(2031, 1, 1),
    )
    assert send_review_reminders(DUE) == 0
    assert reminders(therapist) == 0


def test_the_periodic_task_runs(plan):
    from kindred.plans.tasks import send_plan_review_reminders

    send_plan_review_reminders()
