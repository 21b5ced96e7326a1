"""Taking a questionnaire in Chromium: answers are autosaved as they are given."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from kindred.core.roles import Role
from kindred.measures.models import ResponseDraft
from tests.browser.steps import log_in
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]


def test_whole_form_answers_survive_leaving_the_page(page: Any) -> None:
    member = UserFactory(email="ana@example.test", roles=[Role.MEMBER])
    log_in(page, member.email, TEST_PASSWORD)
    page.goto("/measures/phq9/")
    first = page.get_by_role("group", name="1. Little interest or pleasure in doing things")
    first.get_by_label("More than half the days").check()
    third = page.get_by_role(
        "group", name="3. Trouble falling or staying asleep, or sleeping too much"
    )
    third.get_by_label("Several days").check()
    expect(page.locator("[data-autosave-status]")).to_have_text("Answers saved.")

    assert ResponseDraft.objects.get(member=member).answers == {"q1": 2, "q3": 1}

    # Leave without submitting; coming back restores both answers.
    page.goto("/")
    page.goto("/measures/phq9/")
    expect(page.get_by_role("status").filter(has_text="We kept the answers")).to_be_visible()
    expect(first.get_by_label("More than half the days")).to_be_checked()
    expect(third.get_by_label("Several days")).to_be_checked()
