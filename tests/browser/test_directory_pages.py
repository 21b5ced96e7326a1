"""The therapist directory and a profile, at phone and desktop widths: every card readable,
no sideways scrolling, axe clean, and the filters usable without JavaScript."""

from __future__ import annotations

from datetime import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from playwright.sync_api import expect

from kindred.bookings.actions import do_add_weekly_availability
from kindred.core.roles import Role
from kindred.therapy import actions as therapy
from tests.browser.steps import DESKTOP, assert_no_axe_violations
from tests.factories import UserFactory
from tests.therapy.conftest import profile_data

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PHONE = {"width": 390, "height": 844}
VIEWPORTS = [pytest.param(PHONE, id="390"), pytest.param(DESKTOP, id="1280")]
SCREENS = Path(settings.BASE_DIR) / "var" / "screens"

PEOPLE = [
    ("Dr Jordan Ellis", {"modality": ["cbt", "act"], "sliding_scale_min": Decimal(40)}),
    ("Amara Nwosu", {"modality": ["humanistic"], "language": ["en", "fr"], "fee": Decimal(55)}),
    (
        "Lucía Fernández",
        {"modality": ["dbt", "emdr"], "language": ["en", "es"], "currency": "USD"},
    ),
    (
        "Dr Katrin Vogel-Hohenstein-Ausgezeichnet",  # a long name must wrap, not scroll
        {
            "modality": ["schema", "cbt", "mbct", "solution_focused"],
            "language": ["de", "en"],
            "format": ["video", "phone", "in_person"],
            "in_person_location": "Berlin-Mitte, Rosenthaler Straße",
        },
    ),
]


def screenshot(page: Any, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}-{page.viewport_size['width']}.png"), full_page=True)


def assert_no_sideways_scroll(page: Any) -> None:
    widths = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"{page.url} scrolls sideways: {widths}"


@pytest.fixture
def listed(transactional_db: None) -> list[Any]:
    staff = UserFactory(roles=[Role.STAFF], mfa=True, is_staff=True)
    profiles = []
    for name, overrides in PEOPLE:
        user = UserFactory(legal_name=name, roles=[Role.THERAPIST], mfa=True)
        data = profile_data(**overrides)
        if data["sliding_scale_min"] is not None:
            data["sliding_scale_max"] = data["fee"]
        profile = therapy.do_save_profile(user, data).profile
        therapy.do_submit_for_verification(user)
        therapy.do_verify(staff, profile, evidence_notes="Checked on the register.")
        for weekday in range(7):
            do_add_weekly_availability(user, weekday=weekday, start_time=time(9), end_time=time(17))
        profiles.append(profile)
    return profiles


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_directory_and_profile_fit_and_pass_axe(
    new_context: Any, listed: list[Any], viewport: dict[str, int]
) -> None:
    page = new_context(viewport=viewport, bypass_csp=True).new_page()
    page.goto("/therapists/")
    expect(page.locator(".therapist-card")).to_have_count(len(PEOPLE))
    expect(page.get_by_role("link", name="Lucía Fernández", exact=True)).to_be_visible()
    assert_no_sideways_scroll(page)
    assert_no_axe_violations(page)
    screenshot(page, "directory")

    # Filtering is a plain GET form: tick a box, submit, see why each one matches.
    if viewport == PHONE:
        page.get_by_text("Filters", exact=True).click()
        assert_no_sideways_scroll(page)
        screenshot(page, "directory-filters-open")
    page.get_by_role("group", name="Approach").get_by_label("DBT", exact=True).check()
    page.get_by_role("button", name="Show therapists").click()
    expect(page).to_have_url("/therapists/?" + page.url.split("?", 1)[1])
    assert "modality=dbt" in page.url
    expect(page.locator(".therapist-card")).to_have_count(1)
    expect(page.get_by_text("Matches: Offers DBT")).to_be_visible()
    assert_no_sideways_scroll(page)
    assert_no_axe_violations(page)
    screenshot(page, "directory-filtered")

    page.get_by_role("link", name="Lucía Fernández", exact=True).click()
    expect(page.get_by_role("heading", level=1, name="Lucía Fernández")).to_be_visible()
    expect(page.get_by_role("link", name="See free times and book")).to_be_visible()
    assert_no_sideways_scroll(page)
    assert_no_axe_violations(page)
    screenshot(page, "therapist-profile")

    page.goto(f"/therapists/{listed[3].pk}/")
    assert_no_sideways_scroll(page)
    screenshot(page, "therapist-profile-long")


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_member_books_a_time_picked_on_a_profile(
    new_context: Any, sign_in: Any, listed: list[Any], viewport: dict[str, int]
) -> None:
    from kindred.bookings.models import Booking

    member = UserFactory(roles=[Role.MEMBER], timezone="Europe/London")
    context = new_context(viewport=viewport, bypass_csp=True)
    sign_in(context, member)
    page = context.new_page()
    page.goto(f"/therapists/{listed[1].pk}/")
    expect(page.get_by_text("Times in Europe/London.")).to_be_visible()
    page.locator(".free-times a").nth(2).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Book a session with Amara Nwosu")
    expect(page.get_by_text("£55 a session")).to_be_visible()
    expect(page.locator("input[name=starts_at]:checked")).to_have_count(1)
    assert_no_sideways_scroll(page)
    assert_no_axe_violations(page)
    screenshot(page, "booking-page")
    page.get_by_role("button", name="Book this time").click()
    expect(page.get_by_text("Booked. A confirmation is on its way by email.")).to_be_visible()
    assert Booking.objects.filter(member=member, therapist=listed[1].user).count() == 1
