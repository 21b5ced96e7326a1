"""A member's rights, end to end: they download everything Kindred holds about them,
schedule the deletion of their account, cancel it by signing in again, schedule it once
more; the task erases it, and signing in is refused. The export and deletion pages are
photographed on a phone and a desktop."""

from __future__ import annotations

import importlib
import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect

from kindred.accounts.models import User
from kindred.core.roles import Role
from kindred.rights.deletion import do_run_due_deletions
from kindred.rights.export import FOLDER
from tests.browser.steps import DESKTOP, expect_message, log_in
from tests.factories import TEST_PASSWORD, UserFactory

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
VIEWPORTS = [pytest.param(PHONE, id="390"), pytest.param(DESKTOP, id="1280")]
SCREENS = Path(settings.BASE_DIR) / "var" / "screens"
POST_TITLE = "Small wins this week"
POST_BODY = "I went for a walk every morning, even in the rain."


@pytest.fixture
def spaces(transactional_db: None) -> None:
    """Re-run the spaces seed that the transactional flush removed."""
    importlib.import_module("kindred.community.migrations.0002_seed_spaces").seed(apps, None)


def _member_with_a_post() -> User:
    from kindred.community.actions import do_accept_guidelines, do_create_thread
    from kindred.community.models import Space

    member = UserFactory(handle="quiet_harbour", roles=[Role.MEMBER])
    space = Space.objects.get(slug="grief-loss")
    do_accept_guidelines(member, space)
    do_create_thread(member, space, title=POST_TITLE, body=POST_BODY)
    return member


def _screenshot(page: Any, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}-{page.viewport_size['width']}.png"), full_page=True)


def _download_export(page: Any) -> dict[str, bytes]:
    """Ask for the export from the settings page; the ZIP's files by name."""
    page.goto("/accounts/profile/")
    with page.expect_download() as download_info:
        page.locator("main").get_by_role("button", name="Download my data").click()
    download = download_info.value
    assert download.suggested_filename.startswith("kindred-export-")
    assert download.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(Path(download.path()).read_bytes())) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _schedule(page: Any) -> None:
    page.goto("/accounts/profile/")
    page.locator("main").get_by_role("link", name="Delete your account").click()
    page.get_by_label("Keep my posts, shown as written by “deleted member”").check()
    page.get_by_label("Your password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Are you sure?")
    page.get_by_role("button", name="Yes, delete my account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your account will be deleted")


def test_export_then_schedule_cancel_schedule_erase(page: Any, spaces: None) -> None:
    member = _member_with_a_post()
    log_in(page, member.email, TEST_PASSWORD)
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Sign In")

    # The export: one ZIP with the data for programs, a page to read, and their post.
    files = _download_export(page)
    assert {f"{FOLDER}/data.json", f"{FOLDER}/index.html"} <= set(files)
    document = json.loads(files[f"{FOLDER}/data.json"])
    assert document["handle"] == "quiet_harbour"
    posts = document["sections"]["community"]["posts"]
    assert [(p["thread"], p["body"]) for p in posts] == [(POST_TITLE, POST_BODY)]
    html = files[f"{FOLDER}/index.html"].decode()
    assert POST_BODY in html and "<html" in html

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


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_export_and_deletion_pages_fit_a_phone_and_a_desktop(
    new_context: Any, sign_in: Any, spaces: None, viewport: dict[str, int]
) -> None:
    member = _member_with_a_post()
    context = new_context(viewport=viewport)
    sign_in(context, member)
    page = context.new_page()
    width = viewport["width"]

    def fits() -> None:
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width, f"{page.url} is {overflow}px wide at {width}px"

    page.goto("/accounts/profile/")
    page.locator("main").get_by_role("link", name="What is in it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Download your data")
    expect(page.get_by_role("button", name="Download my data")).to_be_visible()
    fits()
    _screenshot(page, "rights-export")

    page.goto("/accounts/profile/")
    page.locator("main").get_by_role("link", name="Delete your account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete your account")
    # The page offers the export first: afterwards there is no signing in to get it.
    expect(page.locator("main").get_by_role("link", name="Download your data")).to_be_visible()
    page.get_by_role("button", name="Continue").click()
    # No password: the form says so, and nothing is scheduled.
    expect(page.locator("main")).to_contain_text("This field is required")
    fits()
    _screenshot(page, "rights-deletion")

    page.get_by_label("Your password").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Are you sure?")
    expect(page.locator("main")).to_contain_text("Your community posts are deleted")
    fits()
    _screenshot(page, "rights-deletion-confirm")
