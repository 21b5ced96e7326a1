"""A new member's first minutes: sign up, the welcome steps, then Today and the
notifications centre, on a phone (390 px) and a desktop (1280 px).

Screenshots land in var/screens/ (not committed) for a person to look at.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import expect

from kindred.accounts.models import User
from kindred.core.notifications import do_notify
from kindred.today.models import MoodCheckIn, Onboarding
from tests.browser.steps import (
    DESKTOP,
    assert_help_link_reachable,
    assert_no_axe_violations,
    expect_message,
    fill_sign_up,
    verification_link,
)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PHONE = {"width": 390, "height": 844}
VIEWPORTS = [pytest.param(PHONE, id="390"), pytest.param(DESKTOP, id="1280")]
SCREENS = Path(settings.BASE_DIR) / "var" / "screens"
PASSWORD = "a-long-unusual-passphrase"


def screenshot(page: Any, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}-{page.viewport_size['width']}.png"), full_page=True)


def assert_no_sideways_scroll(page: Any) -> None:
    wide = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert wide[0] <= wide[1], f"{page.url} scrolls sideways: {wide}"


def check(page: Any, name: str) -> None:
    """What every page in this journey must be: reachable help, no axe finding, no
    sideways scrolling; then a screenshot."""
    assert_help_link_reachable(page)
    assert_no_sideways_scroll(page)
    assert_no_axe_violations(page)
    screenshot(page, name)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_new_member_is_welcomed_then_lands_on_today(
    new_context: Any, mailoutbox: list[Any], viewport: dict[str, int]
) -> None:
    # axe is injected as an inline script, which the site's CSP (rightly) refuses.
    context = new_context(
        viewport=viewport, locale="en-US", timezone_id="America/Chicago", bypass_csp=True
    )
    page = context.new_page()
    email = f"jo{viewport['width']}@example.test"
    handle = f"jo_{viewport['width']}"

    page.goto("/accounts/signup/")
    fill_sign_up(page, email=email, handle=handle, password=PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    page.goto(verification_link(mailoutbox, email))
    page.locator("main").get_by_role("button", name="Confirm").click()  # and signed in

    # Welcome: the browser's country and time zone are suggested (app.js).
    expect(page).to_have_url(re.compile(r"/today/welcome/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Welcome to Kindred, {handle}")
    expect(page.get_by_label("Where are you?")).to_have_value("US")
    expect(page.get_by_label("Your time zone")).to_have_value("America/Chicago")
    check(page, "today-welcome")
    page.get_by_label("I'm not sure yet: help me decide").check()
    page.get_by_role("button", name="Continue").click()

    # "Not sure" leads to the decision guide; the profile took the suggestions.
    expect(page).to_have_url(re.compile(r"/guide/$"))
    user = User.objects.get(email=email)
    assert (user.country, user.timezone) == ("US", "America/Chicago")
    assert Onboarding.objects.get(user=user).reason == "unsure"

    # Today, with its empty states inviting a first step, and a mood check-in.
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Hello, {handle}")
    expect(page.get_by_text("Nothing booked yet.")).to_be_visible()
    expect(page.get_by_role("link", name="Start the decision guide")).to_be_visible()
    check(page, "today-empty")
    page.get_by_label("4", exact=True).check()
    page.get_by_role("button", name="Check in").click()
    expect_message(page, "Thank you for checking in")
    expect(page.locator(".mood-day.mood-4")).to_have_count(1)
    assert MoodCheckIn.objects.filter(owner=user).count() == 1
    # Get help now shows the lines for the country chosen at welcome.
    page.goto("/help/")
    expect(page.locator("main")).to_contain_text("988")

    # Something happens: Today and the notifications centre say so.
    do_notify([user], kind="community.reply", title="sam replied to “Finding my feet”", url="/")
    do_notify(
        [user],
        kind="measures.assigned",
        title="New questionnaire to complete: PHQ-9",
        url="/measures/phq9/",
    )
    page.goto("/")
    expect(page.get_by_role("link", name="2 new notifications")).to_be_visible()
    check(page, "today-with-news")
    page.get_by_role("link", name="2 new notifications").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")
    check(page, "notifications-unread")
    page.get_by_role("button", name="Mark all as read").click()
    expect(page.get_by_text("You're all caught up.")).to_be_visible()
    page.get_by_role("link", name="Notification settings").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notification settings")
    check(page, "notification-settings")
    page.get_by_role("checkbox", name="Reactions to my posts on this site").uncheck()
    page.get_by_role("button", name="Save").click()
    expect_message(page, "Your notification settings are saved.")
