"""Steps shared by the browser journeys: what a person does, and what they should see."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from playwright.sync_api import expect

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # No internet here: without these Chromium floods refused connections.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_JS = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 375, "height": 812}

# Tab presses from the top of the page within which "Get help now" must have focus:
# skip link, brand, then the help link.
HELP_LINK_WITHIN_TABS = 3


def fill_sign_up(
    page: Any,
    *,
    email: str,
    handle: str,
    password: str,
    again: str = "",
    born: str = "1990-06-15",
) -> None:
    page.get_by_label("Email").fill(email)
    page.get_by_label("Public handle").fill(handle)
    # A date input takes ISO dates from Playwright whatever the browser's locale.
    page.get_by_label("Date of birth").fill(born)
    page.get_by_label("Password:", exact=True).fill(password)
    page.get_by_label("Password (again)").fill(again or password)
    page.get_by_role("checkbox", name="I have read and accept the terms of use").check()
    page.locator("main").get_by_role("button", name="Sign Up").click()


def log_in(page: Any, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign In")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password:", exact=True).fill(password)
    page.locator("main").get_by_role("button", name="Sign In").click()


def expect_message(page: Any, text: str) -> None:
    """One of Django's messages on the page says ``text``."""
    expect(page.locator("main p.message").filter(has_text=text)).to_be_visible()


def open_account_menu(page: Any) -> Any:
    """Open whichever menu holds the account's own items (phone: Menu; desktop: the account)."""
    nav = page.get_by_role("navigation", name="Main")
    for toggle in (nav.locator(".menu-toggle"), nav.locator(".account-toggle")):
        if toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false":
            toggle.click()
    return nav


def log_out(page: Any) -> None:
    nav = open_account_menu(page)
    nav.get_by_role("button", name="Log out").click()
    expect_message(page, "You have signed out.")
    expect(nav.get_by_role("link", name="Log in")).to_be_visible()


def assert_help_link_reachable(page: Any) -> None:
    """'Get help now' is on the page, and early in the keyboard order after the skip link."""
    help_link = page.get_by_role("link", name="Get help now", exact=True)
    expect(help_link).to_be_visible()
    expect(help_link).to_have_attribute("href", "/help/")
    # Start keyboard navigation from the top of the document, whatever had focus
    # (an autofocused field) before.
    page.evaluate(
        """() => {
            document.activeElement && document.activeElement.blur();
            const top = document.createElement('span');
            top.tabIndex = -1;
            document.body.prepend(top);
            top.focus();
            top.remove();
        }"""
    )
    reached = []
    for press in range(HELP_LINK_WITHIN_TABS):
        page.keyboard.press("Tab")
        reached.append(page.evaluate("() => document.activeElement.textContent.trim()"))
        if press == 0:
            # The skip link shows itself when it has focus.
            expect(page.locator(".skip-link")).to_be_in_viewport()
    assert reached[0] == "Skip to main content", reached
    assert "Get help now" in reached, reached


def verification_link(mailoutbox: list[Any], email: str) -> str:
    [message] = [m for m in mailoutbox if email in m.to]
    match = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body)
    assert match, message.body
    return match.group(0)


WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' '.join(node['target'])}: {node['failureSummary']!r}")
            lines.append(f"      {node['html'][:200]}")
    return "\n".join(lines)


def assert_no_axe_violations(page: Any) -> None:
    assert AXE_JS.exists(), f"{AXE_JS} is missing: run `npm ci` (or `make browser-deps`)"
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate(
        "async (tags) => JSON.stringify(await axe.run(document, "
        "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}))",
        WCAG_TAGS,
    )
    violations = json.loads(result)["violations"]
    assert not violations, f"axe on {page.url}:\n{describe(violations)}"
