"""Every main page, for every persona, fits a phone (390 px) and a desktop (1280 px).

No page may scroll sideways (``scrollWidth <= clientWidth``), axe finds nothing, and
"Get help now" is on screen without opening the menu. Screenshots of each page land
in ``var/screenshots/`` (not committed) for a person to look at.
"""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from playwright.sync_api import expect

from kindred.community.models import Space
from kindred.core.roles import Role
from tests.browser.steps import assert_no_axe_violations
from tests.conftest import Writer
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 900}
SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"

THREAD = "{thread}"
PAGES: dict[str, list[str]] = {
    "anonymous": [
        "/",
        "/spaces/",
        "/spaces/depression-anxiety/",
        THREAD,
        "/groups/",
        "/therapists/",
        "/guide/",
        "/help/",
        "/accounts/login/",
        "/accounts/signup/",
        "/terms/",
        "/privacy/",
    ],
    "member": [
        "/",
        "/spaces/depression-anxiety/",
        THREAD,
        "/peers/",
        "/therapists/",
        "/my/care/",
        "/my/care/who-can-see/",
        "/bookings/",
        "/measures/",
        "/safety/plan/",
        "/notifications/",
        "/accounts/profile/",
    ],
    "therapist": ["/", "/spaces/", "/therapist/"],
    "moderator": ["/", "/moderation/"],
    "staff": ["/", "/staff/", "/styleguide/"],
}
ROLES = {
    "member": {"roles": [Role.MEMBER]},
    "therapist": {"roles": [Role.THERAPIST], "mfa": True},
    "moderator": {"roles": [Role.MODERATOR], "mfa": True},
    "staff": {"roles": [Role.STAFF], "mfa": True, "is_staff": True},
}


@pytest.fixture
def community(transactional_db: None) -> str:
    """The seeded spaces (the transactional flush removed them) and one thread with a reply."""
    importlib.import_module("kindred.community.migrations.0002_seed_spaces").seed(apps, None)
    write = Writer()
    space = Space.objects.get(slug="depression-anxiety")
    author = UserFactory(handle="quiet_harbour", roles=[Role.MEMBER])
    thread = write(
        author,
        space,
        title="Morning routines that helped",
        body="A short walk and **one** cup of tea has made my mornings calmer. What works for you?",
    )
    write.reply(UserFactory(handle="north_star", roles=[Role.MEMBER]), thread)
    return f"/spaces/{space.slug}/threads/{thread.pk}/"


def _shot_name(persona: str, path: str, width: int) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"
    return f"{persona}-{slug}-{width}.png"


def _check_page(page: Any, persona: str, path: str, width: int) -> None:
    response = page.goto(path)
    assert response.status == 200, (persona, path, response.status)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / _shot_name(persona, path, width)), full_page=True)
    overflow = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert overflow[0] <= overflow[1], f"{persona} {path} at {width}px scrolls sideways: {overflow}"
    expect(page.get_by_role("link", name="Get help now", exact=True)).to_be_in_viewport()
    assert_no_axe_violations(page)


@pytest.mark.parametrize("persona", list(PAGES))
@pytest.mark.parametrize("viewport", [PHONE, WIDE], ids=["390", "1280"])
def test_main_pages_fit_and_pass_axe(
    new_context: Any, sign_in: Any, community: str, persona: str, viewport: dict[str, int]
) -> None:
    context = new_context(viewport=viewport, bypass_csp=True, is_mobile=viewport is PHONE)
    if persona != "anonymous":
        sign_in(context, UserFactory(handle=f"{persona}_p", **ROLES[persona]))
    page = context.new_page()
    for path in PAGES[persona]:
        _check_page(page, persona, path.replace(THREAD, community), viewport["width"])


def test_the_phone_menu_opens_closes_and_passes_axe(
    new_context: Any, sign_in: Any, community: str
) -> None:
    context = new_context(viewport=PHONE, is_mobile=True, has_touch=True, bypass_csp=True)
    sign_in(context, UserFactory(handle="menu_maya", roles=[Role.MEMBER]))
    page = context.new_page()
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main")
    toggle = nav.get_by_role("button", name="Menu")
    expect(nav.get_by_role("link", name="Spaces")).to_be_hidden()
    toggle.click()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(nav.get_by_role("link", name="My safety plan")).to_be_visible()
    expect(nav.get_by_role("button", name="Log out")).to_be_visible()
    page.screenshot(path=str(SHOTS / "member-menu-open-390.png"))
    assert_no_axe_violations(page)
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    expect(nav.get_by_role("link", name="Spaces")).to_be_hidden()


def test_the_desktop_account_menu(new_context: Any, sign_in: Any, community: str) -> None:
    context = new_context(viewport=WIDE, bypass_csp=True)
    sign_in(context, UserFactory(handle="menu_maya", roles=[Role.MEMBER]))
    page = context.new_page()
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Spaces")).to_be_visible()
    expect(nav.get_by_role("link", name="My care")).to_be_hidden()
    nav.get_by_role("button", name="menu_maya").click()
    expect(nav.get_by_role("link", name="My care")).to_be_visible()
    page.screenshot(path=str(SHOTS / "member-account-menu-1280.png"))
    assert_no_axe_violations(page)
    page.locator("main").click()  # a click elsewhere closes it
    expect(nav.get_by_role("link", name="My care")).to_be_hidden()


DARK_PAGES = {
    "anonymous": ["/", THREAD, "/accounts/login/", "/help/"],
    "member": ["/", THREAD, "/safety/plan/", "/measures/"],
    "staff": ["/styleguide/"],
}


@pytest.mark.parametrize("persona", list(DARK_PAGES))
def test_the_dark_theme_passes_axe(
    new_context: Any, sign_in: Any, community: str, persona: str
) -> None:
    """The system's dark setting switches the tokens; contrast must hold there too."""
    context = new_context(viewport=WIDE, bypass_csp=True, color_scheme="dark")
    if persona != "anonymous":
        sign_in(context, UserFactory(handle=f"{persona}_d", **ROLES[persona]))
    page = context.new_page()
    SHOTS.mkdir(parents=True, exist_ok=True)
    for path in DARK_PAGES[persona]:
        page.goto(path.replace(THREAD, community))
        background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        assert background == "rgb(18, 23, 26)", background  # --color-bg, dark
        page.screenshot(
            path=str(SHOTS / _shot_name(f"{persona}-dark", path.replace(THREAD, "thread"), 1280)),
            full_page=True,
        )
        assert_no_axe_violations(page)


def test_without_javascript_the_menu_is_shown_open(new_context: Any, sign_in: Any) -> None:
    """noscript.css: a phone with scripts off still reaches every item."""
    context = new_context(viewport=PHONE, java_script_enabled=False)
    sign_in(context, UserFactory(handle="noscript_nia", roles=[Role.MEMBER]))
    page = context.new_page()
    page.goto("/")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("button", name="Menu")).to_be_hidden()
    expect(nav.get_by_role("link", name="My safety plan")).to_be_visible()
    expect(nav.get_by_role("button", name="Log out")).to_be_visible()
    assert page.evaluate(
        "() => document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )
