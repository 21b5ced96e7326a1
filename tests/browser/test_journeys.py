"""Journeys through the real pages in Chromium: what a person sees at each step."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from kindred.core.roles import Role
from tests.browser.steps import (
    assert_help_link_reachable,
    expect_message,
    fill_sign_up,
    log_in,
    log_out,
    open_account_menu,
    verification_link,
)
from tests.factories import TEST_PASSWORD, UserFactory
from tests.totp import totp_code

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

EMAIL = "robin@example.test"
PASSWORD = "a-long-unusual-passphrase"
HANDLE = "robin_r"


def heading(page: Any) -> Any:
    return page.get_by_role("heading", level=1)


def test_it_loads_the_stylesheet_and_htmx_from_the_live_server(page: Any) -> None:
    page.goto("/")
    help_colour = page.evaluate(
        "() => getComputedStyle(document.querySelector('.help-now')).backgroundColor"
    )
    assert help_colour == "rgb(163, 22, 26)"
    assert page.evaluate("() => typeof window.htmx") == "object"


def test_it_reaches_get_help_from_the_top_of_the_page_by_keyboard(page: Any) -> None:
    page.goto("/accounts/login/")
    assert_help_link_reachable(page)
    expect(page.get_by_role("link", name="Get help now", exact=True)).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/help/$"))
    expect(heading(page)).to_have_text("Get help now")
    expect(page.locator("main")).to_contain_text("Find A Helpline")


def test_it_signs_up_verifies_sets_up_mfa_and_then_asks_for_the_code(
    page: Any, mailoutbox: list[Any]
) -> None:
    # Sign up.
    page.goto("/")
    assert_help_link_reachable(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Join").click()
    expect(heading(page)).to_have_text("Sign Up")
    assert_help_link_reachable(page)
    fill_sign_up(page, email=EMAIL, handle=HANDLE, password=PASSWORD)

    # Mandatory verification: nobody gets in before confirming the address.
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    expect(heading(page)).to_have_text("Verify Your Email Address")
    expect_message(page, f"Confirmation email sent to {EMAIL}")
    assert_help_link_reachable(page)

    # Verify with the link from the email.
    page.goto(verification_link(mailoutbox, EMAIL))
    expect(heading(page)).to_have_text("Confirm Email Address")
    assert_help_link_reachable(page)
    page.locator("main").get_by_role("button", name="Confirm").click()

    # Confirming signs you in (in the browser you signed up in): a new member is welcomed
    # first (tests/browser/test_today_journey.py), and skips.
    expect(page).to_have_url(re.compile(r"/today/welcome/$"))
    expect_message(page, f"You have confirmed {EMAIL}")
    page.get_by_role("button", name="Skip for now").click()
    expect(page).to_have_url(re.compile(r"/$"))
    nav = open_account_menu(page)
    expect(nav.get_by_role("link", name=f"Settings ({HANDLE})")).to_be_visible()
    assert_help_link_reachable(page)

    # Set up the authenticator app from the settings page.
    nav.get_by_role("link", name=re.compile("^Settings")).click()
    expect(heading(page)).to_have_text("Settings")
    page.get_by_role("link", name="Two-factor authentication").click()
    expect(heading(page)).to_have_text("Two-Factor Authentication")
    expect(page.locator("main")).to_contain_text("An authenticator app is not active.")
    page.locator("main").get_by_role("link", name="Activate").click()
    # Changing a second factor asks for the password again, even right after log-in.
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    expect(heading(page)).to_have_text("Confirm Access")
    assert_help_link_reachable(page)
    page.locator("main").get_by_placeholder("Password").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    expect(heading(page)).to_have_text("Activate Authenticator App")
    expect(page.locator("main img")).to_be_visible()  # the QR code
    assert_help_link_reachable(page)
    secret = page.get_by_label("Authenticator secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret), secret
    page.get_by_label("Authenticator code").fill(totp_code(secret))
    page.locator("main").get_by_role("button", name="Activate").click()

    # Recovery codes are shown once the app is active.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/$"))
    expect(heading(page)).to_have_text("Recovery Codes")
    codes = page.get_by_label("Unused codes").input_value().split()
    assert len(codes) == 10, codes
    assert all(re.fullmatch(r"[0-9a-z]{8}", code) for code in codes), codes
    assert_help_link_reachable(page)

    # Log out, and back in: now the password is not enough.
    log_out(page)
    log_in(page, EMAIL, PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    expect(heading(page)).to_have_text("Two-Factor Authentication")
    expect(nav.get_by_role("link", name="Log in")).to_be_visible()  # not signed in yet
    assert_help_link_reachable(page)
    page.locator("main input[name=code]").fill(totp_code(secret))
    page.locator("main").get_by_role("button", name="Sign In").click()
    expect(page).to_have_url(re.compile(r"/$"))
    open_account_menu(page)
    expect(nav.get_by_role("link", name=f"Settings ({HANDLE})")).to_be_visible()


def test_it_sends_a_therapist_without_mfa_to_set_it_up(page: Any) -> None:
    UserFactory(handle="dr_nomfa", email="nomfa@example.test", roles=[Role.THERAPIST])

    log_in(page, "nomfa@example.test", TEST_PASSWORD)

    # The second factor belongs to the account, not to the therapist pages: the first page
    # after signing in sends them to set up the app; allauth first asks for the password again.
    set_up = re.compile(r"/accounts/reauthenticate/\?next=%2Faccounts%2F2fa%2Ftotp%2Factivate%2F$")
    expect(page).to_have_url(set_up)
    expect_message(
        page,
        "Your role gives access to sensitive information, so your account needs two-factor "
        "authentication.",
    )
    for path in ("/therapist/", "/my/care/", "/spaces/"):
        page.goto(path)
        expect(page).to_have_url(set_up)
    expect(heading(page)).to_have_text("Confirm Access")
    page.locator("main").get_by_placeholder("Password").fill(TEST_PASSWORD)
    page.locator("main").get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    expect(heading(page)).to_have_text("Activate Authenticator App")
    assert_help_link_reachable(page)
