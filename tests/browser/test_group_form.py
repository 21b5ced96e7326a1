"""Starting a group: a space from a list and a weekly schedule in words, at both widths."""

from __future__ import annotations

import importlib
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from playwright.sync_api import expect

from kindred.core.roles import Role
from kindred.groups.models import Group
from tests.browser.steps import DESKTOP, assert_no_axe_violations
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PHONE = {"width": 390, "height": 844}
VIEWPORTS = [pytest.param(PHONE, id="390"), pytest.param(DESKTOP, id="1280")]
SCREENS = Path(settings.BASE_DIR) / "var" / "screens"


@pytest.fixture
def spaces(transactional_db: None) -> None:
    """Re-run the spaces seed that the transactional flush removed."""
    importlib.import_module("kindred.community.migrations.0002_seed_spaces").seed(apps, None)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_facilitator_sets_a_weekly_schedule_in_words(
    new_context: Any, sign_in: Any, spaces: None, viewport: dict[str, int]
) -> None:
    frank = UserFactory(roles=[Role.MEMBER, Role.FACILITATOR], timezone="Europe/Dublin")
    context = new_context(viewport=viewport, bypass_csp=True)
    sign_in(context, frank)
    page = context.new_page()
    page.goto("/groups/new/")
    expect(page.get_by_label("Time zone")).to_have_value("Europe/Dublin")
    assert "FREQ=" not in page.content()
    page.get_by_label("Community space").select_option("grief-loss")
    page.get_by_label("Topic").fill(f"Sunday circle {viewport['width']}")
    page.get_by_label("Description").fill("A gentle weekly circle.")
    page.get_by_role("group", name="Meets on").get_by_label("Sunday").check()
    page.get_by_label("Starts at").fill("16:00")
    page.get_by_label("Starting from").fill((date.today() + timedelta(days=10)).isoformat())
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1]
    assert_no_axe_violations(page)
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"group-new-{viewport['width']}.png"), full_page=True)
    page.get_by_role("button", name="List the group").click()
    expect(page.get_by_text("Your group is listed.")).to_be_visible()
    group = Group.objects.get(topic=f"Sunday circle {viewport['width']}")
    assert group.recurrence == "FREQ=WEEKLY;BYDAY=SU"
    assert group.timezone == "Europe/Dublin" and group.start_time.hour == 16
