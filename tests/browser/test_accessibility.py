"""axe-core (served from node_modules, never a CDN) finds no WCAG 2.0/2.1 A or AA violations."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.steps import (
    MOBILE,
    assert_no_axe_violations,
    fill_sign_up,
    log_in,
    verification_link,
)
from tests.factories import TEST_PASSWORD

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PUBLIC_PAGES = [
    "/",
    "/help/",
    "/help/?country=US",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/no-such-page/",
]


@pytest.fixture
def a11y_context(new_context: Any) -> Any:
    # axe is injected as an inline script, which the site's CSP (rightly) refuses.
    return new_context(bypass_csp=True)


def test_the_check_reports_what_axe_finds(a11y_context: Any) -> None:
    """A canary: an image without alt text and an unlabelled field must fail the check."""
    page = a11y_context.new_page()
    page.goto("/")
    page.evaluate(
        """() => document.querySelector('main').insertAdjacentHTML('beforeend',
            '<img src="/static/kindred/none.png"><input type="text" name="q">')"""
    )
    with pytest.raises(AssertionError) as failure:
        assert_no_axe_violations(page)
    assert "image-alt" in str(failure.value)
    assert "label" in str(failure.value)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_page_has_no_axe_violations(a11y_context: Any, path: str) -> None:
    page = a11y_context.new_page()
    response = page.goto(path)
    assert response.status == (404 if path == "/no-such-page/" else 200)
    assert_no_axe_violations(page)


def test_sign_up_and_verification_pages_have_no_axe_violations(
    a11y_context: Any, mailoutbox: list[Any]
) -> None:
    page = a11y_context.new_page()
    page.goto("/accounts/signup/")
    fill_sign_up(
        page,
        email="someone@example.test",
        handle="no spaces allowed",
        password="a-long-unusual-passphrase",
        again="a-different-passphrase",
    )
    expect(page.locator("main .errorlist").first).to_be_visible()
    assert_no_axe_violations(page)  # the form with its errors

    fill_sign_up(
        page, email="someone@example.test", handle="someone", password="a-long-unusual-passphrase"
    )
    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    assert_no_axe_violations(page)  # "Verify your email address"

    page.goto(verification_link(mailoutbox, "someone@example.test"))
    expect(page.locator("main").get_by_role("button", name="Confirm")).to_be_visible()
    assert_no_axe_violations(page)


@pytest.mark.parametrize("path", ["/", "/help/", "/help/?country=GB"])
def test_mobile_page_has_no_axe_violations(new_context: Any, path: str) -> None:
    page = new_context(bypass_csp=True, viewport=MOBILE, is_mobile=True, has_touch=True).new_page()
    page.goto(path)
    assert_no_axe_violations(page)


@pytest.mark.parametrize("path", ["/accounts/profile/", "/accounts/2fa/", "/accounts/email/"])
def test_member_page_has_no_axe_violations(
    a11y_context: Any, sign_in: Any, member: Any, path: str
) -> None:
    sign_in(a11y_context, member)
    page = a11y_context.new_page()
    response = page.goto(path)
    assert response.status == 200
    assert page.url.endswith(path)
    assert_no_axe_violations(page)


def test_mfa_set_up_pages_have_no_axe_violations(
    a11y_context: Any, sign_in: Any, member: Any
) -> None:
    sign_in(a11y_context, member)
    page = a11y_context.new_page()
    page.goto("/accounts/2fa/totp/activate/")
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    assert_no_axe_violations(page)

    page.locator("main").get_by_placeholder("Password").fill(TEST_PASSWORD)
    page.locator("main").get_by_role("button", name="Confirm").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/$"))
    assert_no_axe_violations(page)


def test_mfa_log_in_step_has_no_axe_violations(a11y_context: Any, moderator: Any) -> None:
    page = a11y_context.new_page()
    log_in(page, moderator.email, TEST_PASSWORD)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/$"))
    assert_no_axe_violations(page)


def test_staff_home_has_no_axe_violations(a11y_context: Any, sign_in: Any, staff: Any) -> None:
    sign_in(a11y_context, staff)
    page = a11y_context.new_page()
    page.goto("/staff/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff")
    assert_no_axe_violations(page)


@pytest.mark.parametrize("mobile", [True, False], ids=["390px", "1280px"])
def test_my_activity_with_a_hidden_post_has_no_axe_violations(
    new_context: Any,
    sign_in: Any,
    member: Any,
    moderator: Any,
    write: Any,
    mobile: bool,
) -> None:
    from kindred.community.actions import do_set_post_hidden
    from kindred.community.models import Space

    # Made here: a live-server test empties the tables, migration-seeded spaces included.
    space, _ = Space.objects.get_or_create(
        slug="small-steps", defaults={"name": "Small steps", "description": "Everyday wins."}
    )

    post = write(member, space, title="Small wins").posts.get()
    do_set_post_hidden(moderator, post, True, "Names a third person")
    options: dict[str, Any] = {"bypass_csp": True}
    if mobile:
        options |= {"viewport": MOBILE, "is_mobile": True, "has_touch": True}
    context = new_context(**options)
    sign_in(context, member)
    page = context.new_page()
    page.goto("/spaces/activity/")
    expect(page.get_by_text("hidden by a moderator")).to_be_visible()
    expect(page.get_by_text("Why: Names a third person")).to_be_visible()
    assert_no_axe_violations(page)
