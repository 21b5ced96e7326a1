"""Therapy, bookings, measures, plans and clinical pages: no axe violations, no CSP breaks."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from kindred.bookings import actions as bookings
from kindred.bookings.slots import slots_for
from kindred.clinical import actions as clinical
from kindred.core.roles import Role
from kindred.measures.actions import do_submit_response
from kindred.plans import actions as plans
from kindred.plans.content import parse_plan_text
from kindred.therapy import actions as therapy
from tests.browser.steps import assert_no_axe_violations
from tests.factories import UserFactory
from tests.therapy.conftest import profile_data

pytestmark = pytest.mark.browser

PLAN = """\
Problem: Low mood most days
Goal: Enjoy everyday things again
Objective: Depression score in the mild range | measure phq9 < 10 | by 2030-09-01
Intervention: Behavioural activation | weekly
"""


@pytest.fixture
def care(transactional_db: None) -> dict[str, Any]:
    """A listed therapist with weekly hours, a member who booked, a plan, notes, results."""
    staff = UserFactory(roles=[Role.STAFF], mfa=True, is_staff=True)
    therapist = UserFactory(
        handle="dr_ellis", legal_name="Dr Jordan Ellis", roles=[Role.THERAPIST], mfa=True
    )
    member = UserFactory(handle="quiet_harbour", roles=[Role.MEMBER])
    profile = therapy.do_save_profile(therapist, profile_data()).profile
    therapy.do_submit_for_verification(therapist)
    therapy.do_verify(staff, profile, evidence_notes="Checked on the register.")
    for weekday in range(7):
        bookings.do_add_weekly_availability(
            therapist, weekday=weekday, start_time=time(9), end_time=time(17)
        )
    now = timezone.now()
    slot = slots_for(therapist, now + timedelta(days=2), now + timedelta(days=9))[0]
    bookings.do_book(member, therapist, slot.starts_at)
    plans.do_create_plan(
        therapist,
        member,
        content=parse_plan_text(PLAN),
        summary="We will work on feeling brighter.",
        review_date=date(2030, 10, 1),
    )
    answers = {f"q{i}": 1 for i in range(1, 9)} | {"q9": 0}
    do_submit_response(member, "phq9", answers)
    clinical.do_request_intake(therapist, member)
    return {"therapist": therapist, "member": member, "profile": profile}


def test_member_care_pages_have_no_axe_violations(
    new_context: Any, sign_in: Any, care: dict[str, Any]
) -> None:
    context = new_context(bypass_csp=True)
    sign_in(context, care["member"])
    page = context.new_page()
    for path in (
        "/therapists/",
        f"/therapists/{care['profile'].pk}/",
        f"/bookings/therapists/{care['therapist'].pk}/",
        "/bookings/",
        "/bookings/calendar/",
        "/measures/",
        "/measures/phq9/",
        "/measures/phq9/?mode=step",
        "/measures/phq9/history/",
        "/my/plan/",
        f"/my/intake/{care['therapist'].pk}/",
        "/my/therapists/",
    ):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert_no_axe_violations(page)


def test_therapist_pages_have_no_axe_violations(
    new_context: Any, sign_in: Any, care: dict[str, Any]
) -> None:
    context = new_context(bypass_csp=True)
    sign_in(context, care["therapist"])
    page = context.new_page()
    member = care["member"]
    for path in (
        "/therapist/",
        "/therapist/profile/",
        "/therapist/availability/",
        "/therapist/bookings/",
        "/therapist/clients/",
        f"/therapist/clients/{member.pk}/",
        "/therapist/plans/",
        "/therapist/messages/",
        "/therapist/measures/",
        f"/therapist/measures/{member.pk}/",
    ):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert_no_axe_violations(page)


def test_care_pages_keep_to_the_content_security_policy(
    page: Any, sign_in: Any, care: dict[str, Any]
) -> None:
    """The `page` fixture fails the test on any CSP violation (inline script or style)."""
    sign_in(page.context, care["member"])
    for path in ("/therapists/", "/bookings/", "/measures/phq9/history/", "/my/plan/"):
        page.goto(path)


def test_staff_care_pages_have_no_axe_violations(
    new_context: Any, sign_in: Any, care: dict[str, Any]
) -> None:
    staff = UserFactory(roles=[Role.STAFF], mfa=True, is_staff=True)
    context = new_context(bypass_csp=True)
    sign_in(context, staff)
    page = context.new_page()
    for path in ("/staff/", "/staff/therapists/", "/staff/outcomes/"):
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        assert_no_axe_violations(page)
