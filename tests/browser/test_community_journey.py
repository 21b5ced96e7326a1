"""A member posts with a content warning, another replies, reacts and reports; a moderator hides."""

from __future__ import annotations

import importlib
import re
from typing import Any

import pytest
from django.apps import apps
from playwright.sync_api import expect

from kindred.community.models import Post
from kindred.core.roles import Role
from kindred.safety.models import Flag
from tests.browser.steps import assert_no_axe_violations
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def spaces(transactional_db: None) -> None:
    """Re-run the spaces seed that the transactional flush removed."""
    importlib.import_module("kindred.community.migrations.0002_seed_spaces").seed(apps, None)


def test_post_reply_react_report_and_hide(new_context: Any, sign_in: Any, spaces: None) -> None:
    author = UserFactory(handle="quiet_harbour", roles=[Role.MEMBER])
    replier = UserFactory(handle="north_star", roles=[Role.MEMBER])
    moderator = UserFactory(handle="mod_river", roles=[Role.MODERATOR], mfa=True)

    # The author joins a space and starts a thread behind a content warning.
    a_context = new_context()
    sign_in(a_context, author)
    a = a_context.new_page()
    a.goto("/spaces/")
    a.get_by_role("link", name="Depression & anxiety").click()
    a.get_by_role("link", name="Start a thread").click()
    expect(a.get_by_role("heading", level=1)).to_contain_text("Guidelines")
    a.get_by_role("button", name="I accept these guidelines").click()
    a.get_by_label("Title").fill("Sleep has fallen apart")
    a.get_by_label("Content warning").fill("insomnia, panic")
    a.get_by_label("Your post").fill("Three weeks of **4am** wake-ups. How do you cope?")
    a.get_by_role("button", name="Post").click()
    expect(a.get_by_role("heading", level=1)).to_have_text("Sleep has fallen apart")
    thread_url = a.url.split("?")[0]

    # Another member sees the warning first, opens the post, replies, reacts and reports.
    r_context = new_context()
    sign_in(r_context, replier)
    r = r_context.new_page()
    r.goto(thread_url)
    summary = r.get_by_text("Content warning: insomnia, panic — show post")
    expect(summary).to_be_visible()
    expect(r.get_by_text("Three weeks of")).to_be_hidden()
    summary.click()
    expect(r.get_by_text("Three weeks of")).to_be_visible()
    expect(r.locator("strong", has_text="4am")).to_be_visible()
    r.get_by_role("button", name="Sending strength").first.click()
    expect(r.get_by_role("button", name="Sending strength").first).to_have_attribute(
        "aria-pressed", "true"
    )
    r.goto(f"{r.url.split('?')[0].split('#')[0]}?draft=none")
    r.get_by_label("Your reply").fill("Same here. A wind-down hour without screens helped me.")
    r.get_by_label("I have read and accept this space's guidelines").check()
    r.get_by_role("button", name="Post reply").click()
    expect(r.get_by_text("A wind-down hour without screens helped me.")).to_be_visible()
    r.get_by_role("link", name="Report").first.click()
    r.get_by_label("Harassment or bullying").check()
    r.get_by_label("Anything else we should know (optional)").fill("Testing the report path")
    r.get_by_role("button", name="Send report").click()
    expect(r.get_by_text("A moderator will look at this")).to_be_visible()
    flag = Flag.objects.get(kind="report")
    assert flag.scope == "community:depression-anxiety" and flag.subject == author

    # The moderator sees the report in the queue, then hides the reply with a reason.
    m_context = new_context()
    sign_in(m_context, moderator)
    m = m_context.new_page()
    m.goto("/moderation/")
    expect(m.get_by_role("link", name=f"Open flag #{flag.pk}")).to_be_visible()
    m.goto(thread_url)
    reply = Post.objects.get(author=replier)
    m.get_by_label(f"Reason for hiding post {reply.pk}").fill("Testing moderation")
    m.locator(f"#post-{reply.pk}").get_by_role("button", name="Hide").click()
    expect(m.locator(f"#post-{reply.pk}")).to_contain_text(
        "Hidden by a moderator: Testing moderation"
    )

    # The author no longer sees the hidden reply; the replier sees why it was hidden.
    a.goto(thread_url)
    expect(a.get_by_text("A wind-down hour")).to_have_count(0)
    r.goto(thread_url)
    expect(r.get_by_text("Hidden by a moderator: Testing moderation")).to_be_visible()


def test_community_pages_have_no_axe_violations(
    new_context: Any, sign_in: Any, spaces: None
) -> None:
    from kindred.community.actions import do_accept_guidelines, do_create_thread
    from kindred.community.models import Space

    member = UserFactory(handle="quiet_harbour", roles=[Role.MEMBER])
    moderator = UserFactory(handle="mod_river", roles=[Role.MODERATOR], mfa=True)
    space = Space.objects.get(slug="grief-loss")
    do_accept_guidelines(member, space)
    thread = do_create_thread(
        member, space, title="First birthday", body="Hard week.", content_warning="grief"
    ).post.thread
    context = new_context(bypass_csp=True)
    sign_in(context, moderator)
    page = context.new_page()
    for path in (
        "/spaces/",
        "/spaces/grief-loss/",
        f"/spaces/grief-loss/threads/{thread.pk}/",
        "/spaces/search/?q=birthday",
        "/moderation/",
        "/safety/plan/",
        "/safety/plan/edit/",
        "/safety/report/",
        "/safety/blocks/",
        "/notifications/",
    ):
        page.goto(path)
        assert_no_axe_violations(page)


def test_a_draft_survives_a_lost_session(new_context: Any, sign_in: Any, spaces: None) -> None:
    """What someone typed is still there after their session expires and they log in again."""
    from kindred.community.actions import do_accept_guidelines, do_create_thread
    from kindred.community.models import Space

    author = UserFactory(handle="quiet_harbour", roles=[Role.MEMBER])
    replier = UserFactory(handle="north_star", roles=[Role.MEMBER])
    space = Space.objects.get(slug="grief-loss")
    do_accept_guidelines(author, space)
    do_accept_guidelines(replier, space)
    thread = do_create_thread(author, space, title="First birthday", body="Hard week.").post.thread
    context = new_context()
    sign_in(context, replier)
    page = context.new_page()
    url = f"/spaces/grief-loss/threads/{thread.pk}/"
    page.goto(url)
    page.get_by_label("Your reply").fill("A long reply I really do not want to lose")
    # The session expires while they type; posting sends them to log in.
    context.clear_cookies(name="sessionid")
    page.get_by_role("button", name="Post reply").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    sign_in(context, replier)
    page.goto(url)
    expect(page.get_by_label("Your reply")).to_have_value(
        "A long reply I really do not want to lose"
    )
    page.get_by_role("button", name="Post reply").click()
    expect(page.get_by_text("A long reply I really do not want to lose")).to_be_visible()
    # Once the server has it, the browser forgets the draft.
    page.goto(url)
    expect(page.get_by_label("Your reply")).to_have_value("")
