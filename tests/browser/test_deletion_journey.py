"""A member schedules the deletion of their account, cancels it by signing in again,
schedules it once more; the task erases it, and signing in is refused."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kindred.accounts.roles import Role
from kindred.rights.deletion import do_run_due_deletions
from tests.browser.steps import expect_message, log_in
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.browser


def _schedule(page: Any) -> None:
    page.goto("/accounts/profile/")
    page.locator("main").get_by_role("link", name="Delete your account").click()
    page.get_by_label("Keep my posts, shown as written by “deleted member”").check()
    page.get_by_label("Your password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Are you sure?")
    page.get_by_role("button", name="Yes, delete my account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account will be deleted")


def test_schedule_cancel_schedule_erase(page: Any, transactional_db: None) -> None:
    member = UserFactory(handle="quiet_harbour", roles=[Role.MEMBER])
    log_in(page, member.email, TEST_PASSWORD)
    _schedule(page)
    # Signed out: the settings page asks to sign in.
    page.goto("/accounts/profile/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign In")

    # Signing in again offers to cancel.
    log_in(page, member.email, TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account is about to be deleted")
    page.get_by_role("button", name="Cancel the deletion and keep my account").click()
    expect_message(page, "Your account will not be deleted.")
    log_in(page, member.email, TEST_PASSWORD)
    page.goto("/accounts/profile/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Settings")

    # Again, and this time the grace period runs out.
    _schedule(page)
    assert do_run_due_deletions(now=timezone.now() + timedelta(days=8)) == 1
    log_in(page, member.email, TEST_PASSWORD)
    expect(page.locator("main")).to_contain_text("not correct")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign In")
