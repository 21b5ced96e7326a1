"""The decision guide in a browser: an anonymous visitor goes through it and reaches a
matching group; a signed-in member saves it and finds it in their saved guides."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from kindred.community.models import Space
from kindred.core.roles import Role
from kindred.guide.models import SavedGuide
from tests.browser.steps import MOBILE, assert_help_link_reachable, assert_no_axe_violations
from tests.factories import UserFactory
from tests.groups.factories import make_group

pytestmark = pytest.mark.browser

SAFETY = (
    "In the past few days, have you had thoughts of ending your life?",
    "Are you thinking about acting on thoughts of harming yourself, or have you made a plan?",
    "Are you in danger right now, from yourself or from someone else?",
)


def answer(page: Any, question: str, choice: str) -> None:
    page.get_by_role("group", name=question).get_by_label(choice, exact=True).check()


def safety_check(page: Any, *, anonymous: bool) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("A safety check first")
    for question in SAFETY:
        answer(page, question, "No")
    if anonymous:
        answer(page, "How old are you?", "18 or older")
    page.get_by_role("button", name="Continue").click()


def what_matters(page: Any) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("What matters to you")
    answer(page, "What would you like support with?", "Low mood, depression, worry or anxiety")
    answer(
        page,
        "Talking with someone who has been through something similar",
        "Very important",
    )
    answer(page, "How would you like to meet?", "In a group")
    page.get_by_role("button", name="Continue").click()


def screening(page: Any) -> None:
    expect(page.get_by_role("heading", level=1)).to_contain_text("A few questions")
    answer(page, "1. Little interest or pleasure in doing things", "Several days")
    answer(page, "2. Feeling down, depressed, or hopeless", "Not at all")
    page.get_by_role("button", name="Continue").click()


@pytest.fixture
def anxiety_group(transactional_db: None) -> Any:
    facilitator = UserFactory(handle="facil_frank", roles=[Role.MEMBER, Role.FACILITATOR])
    space = Space.objects.get(slug="depression-anxiety")
    first = (datetime.now() + timedelta(days=2)).replace(hour=19, minute=0, second=0, microsecond=0)
    return make_group(facilitator, space, first=first, recurrence="FREQ=WEEKLY")


@pytest.fixture
def spaces(transactional_db: None) -> None:
    """The transactional flush removed the seeded spaces; put them back."""
    import importlib

    from django.apps import apps

    importlib.import_module("kindred.community.migrations.0002_seed_spaces").seed(apps, None)


def test_an_anonymous_visitor_completes_the_guide_and_reaches_a_matching_group(
    spaces: None, page: Any, transactional_db: None, request: Any
) -> None:
    group = request.getfixturevalue("anxiety_group")
    page.goto("/guide/")
    assert_help_link_reachable(page)
    expect(page.get_by_text("The decision this guide helps with")).to_be_visible()
    safety_check(page, anonymous=True)
    what_matters(page)
    screening(page)

    # The options, side by side, each with benefits and downsides.
    expect(page.get_by_role("heading", level=1)).to_have_text("Your options side by side")
    options = page.locator("article.guide-option")
    expect(options).to_have_count(7)
    expect(options.first.locator("ul.benefits li")).to_have_count(3)
    expect(options.first.locator("ul.downsides li")).to_have_count(3)
    expect(page.get_by_text("PHQ-2: 1 out of 6")).to_be_visible()
    answer(page, "Which option do you lean towards?", "Peer support groups")
    page.get_by_role("button", name="See my next steps").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Your next steps")
    expect(page.get_by_role("button", name="Save this guide")).to_have_count(0)
    page.get_by_role("link", name=re.compile(re.escape(group.topic))).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(group.topic)
    assert not SavedGuide.objects.exists()


def test_a_sign_of_risk_shows_crisis_lines_first_then_the_guide_goes_on(
    spaces: None, new_context: Any
) -> None:
    # CSP bypassed only so axe can be injected to check accessibility.
    page = new_context(bypass_csp=True).new_page()
    page.goto("/guide/")
    assert_no_axe_violations(page)
    answer(page, SAFETY[0], "Yes")
    answer(page, SAFETY[1], "No")
    answer(page, SAFETY[2], "No")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Support you can reach now")
    expect(page.get_by_role("link", name="All crisis lines")).to_be_visible()
    assert_no_axe_violations(page)
    page.get_by_role("button", name="Continue with the guide").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What matters to you")
    expect(page.get_by_role("heading", name="If you need someone now")).to_be_visible()
    assert_no_axe_violations(page)
    what_matters(page)
    assert_no_axe_violations(page)  # the screening questions
    screening(page)
    assert_no_axe_violations(page)  # the options side by side
    answer(page, "Which option do you lean towards?", "I have not decided yet")
    page.get_by_role("button", name="See my next steps").click()
    expect(page.get_by_role("heading", name="If you need someone now")).to_be_visible()
    assert_no_axe_violations(page)  # the next steps


def test_a_form_error_keeps_the_answers(spaces: None, new_context: Any) -> None:
    page = new_context(bypass_csp=True, viewport=MOBILE, is_mobile=True).new_page()
    page.goto("/guide/")
    answer(page, SAFETY[0], "No")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("alert")).to_contain_text("Some answers need another look")
    expect(page.get_by_role("group", name=SAFETY[0]).get_by_label("No", exact=True)).to_be_checked()
    assert_no_axe_violations(page)


def test_a_member_saves_the_guide_and_sees_it_in_their_saved_guides(
    spaces: None, new_context: Any, sign_in: Any, transactional_db: None
) -> None:
    member = UserFactory(handle="quiet_harbour", roles=[Role.MEMBER])
    # CSP bypassed only so axe can be injected to check accessibility.
    context = new_context(bypass_csp=True)
    sign_in(context, member)
    page = context.new_page()
    page.goto("/guide/")
    safety_check(page, anonymous=False)
    what_matters(page)
    screening(page)
    answer(page, "Which option do you lean towards?", "Both: therapy and peer support together")
    page.get_by_role("button", name="See my next steps").click()
    page.get_by_role("button", name="Save this guide").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Your guide of")
    expect(page.get_by_text("This is your first saved guide")).to_be_visible()
    assert_no_axe_violations(page)
    guide = SavedGuide.objects.get(owner=member)
    assert guide.outcome["choice"] == "both"

    page.goto("/guide/saved/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My saved guides")
    saved = page.get_by_role("link", name=re.compile(r"^Saved "))
    expect(saved).to_have_count(1)
    assert_no_axe_violations(page)
    saved.click()
    expect(page.get_by_role("heading", name="Your answers")).to_be_visible()
