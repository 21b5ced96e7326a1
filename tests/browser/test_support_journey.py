"""The safety pathway as the writer and a moderator live it, on the real ASGI server.

A member who writes something risky sees crisis lines they can tap, in view, at once
(in a space, after a new thread or a reply far down a long thread; in a live room,
until they hide them); a moderator with a moderation page open hears of the new
flag within seconds; a harmless post raises nothing.

Screenshots land in var/screens/ (not committed) for a person to look at.
"""

from __future__ import annotations

import importlib
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from playwright.sync_api import expect

from kindred.community.actions import do_accept_guidelines, do_create_thread, do_reply
from kindred.community.models import Post, Space
from kindred.core.roles import Role
from kindred.rooms.models import RoomSupport
from kindred.safety.models import Flag
from tests.browser.steps import DESKTOP, assert_no_axe_violations
from tests.factories import UserFactory
from tests.rooms.factories import install_test_kind, make_room, uninstall_test_kind

pytestmark = pytest.mark.browser

# Texts the screen rates high today, whatever its finer points become.
RISKY = "I want to kill myself tonight, I have the pills ready"
HARMLESS = "A walk after dinner has helped me sleep a little better this week."
PHONE = {"width": 390, "height": 844}
VIEWPORTS = [pytest.param(PHONE, id="390"), pytest.param(DESKTOP, id="1280")]
SCREENS = Path(settings.BASE_DIR) / "var" / "screens"
ALERT_WITHIN_MS = 5_000


@pytest.fixture
def spaces(transactional_db: None) -> None:
    """Re-run the spaces seed that the transactional flush removed."""
    importlib.import_module("kindred.community.migrations.0002_seed_spaces").seed(apps, None)


def screenshot(page: Any, name: str) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / f"{name}-{page.viewport_size['width']}.png"))


def assert_in_view(page: Any, locator: Any, *, whole: bool = False) -> None:
    """The element starts inside the viewport (``whole``: it fits inside it entirely)."""
    box = locator.bounding_box()
    view = page.viewport_size
    assert box is not None, "not rendered"
    assert 0 <= box["y"] < view["height"], (box, view)
    assert box["x"] >= 0, (box, view)
    assert box["x"] + box["width"] <= view["width"], (box, view)
    if whole:
        assert box["y"] + box["height"] <= view["height"], (box, view)


def assert_support_in_view(page: Any) -> Any:
    panel = page.locator(".support-panel").first
    expect(panel).to_be_visible()
    expect(panel).to_be_focused()  # app.js moves focus there: screen readers start at it
    assert_in_view(page, panel)
    # The first number is on screen, whole, and opens the phone's dialler or messages.
    first = panel.locator("a[href^='tel:'], a[href^='sms:']").first
    assert_in_view(page, first, whole=True)
    assert first.bounding_box()["height"] >= 44, "tap targets are at least 44 px"
    expect(panel.locator("a[href='sms:741741?&body=HOME']")).to_have_text("Text HOME to 741741")
    expect(panel.locator("a[href='sms:988']")).to_be_visible()
    expect(panel.locator("a[href='tel:988']")).to_be_visible()
    return panel


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_risky_post_puts_support_in_view_and_alerts_a_moderator_at_once(
    asgi_page: Any, spaces: None, viewport: dict[str, int]
) -> None:
    writer = UserFactory(handle="quiet_harbour", roles=[Role.MEMBER], country="US")
    other = UserFactory(handle="north_star", roles=[Role.MEMBER])
    moderator = UserFactory(handle="mod_river", roles=[Role.MODERATOR], mfa=True)
    space = Space.objects.get(slug="depression-anxiety")
    do_accept_guidelines(writer, space)
    do_accept_guidelines(other, space)
    # A long thread: a jump to a new reply at its end lands far below the page top.
    long_thread = do_create_thread(other, space, title="Evenings", body="Evenings are hard.")
    for n in range(8):
        body = f"Reply {n}: tea, a short walk and an early night helped me this week. " * 6
        do_reply(other, long_thread.post.thread, body=body)
    thread_url = f"/spaces/{space.slug}/threads/{long_thread.post.thread.pk}/"

    mod = asgi_page(moderator, "/moderation/")
    expect(mod.locator("body[data-live='connected']")).to_have_count(1)
    alerts = mod.locator("#live-events p")

    # (c) A harmless reply: the page goes to the post; no panel, no flag, no alert.
    page = asgi_page(writer, thread_url, viewport=viewport)
    page.get_by_label("Your reply").fill(HARMLESS)
    page.get_by_role("button", name="Post reply").click()
    harmless = Post.objects.get(author=writer)
    expect(page).to_have_url(f"{page.url.split('?')[0]}?draft=saved#post-{harmless.pk}")
    expect(page.locator(f"#post-{harmless.pk}")).to_be_in_viewport()
    expect(page.locator(".support-panel")).to_have_count(0)
    assert not Flag.objects.exists()

    # (a) A risky new thread: the panel, with numbers to tap, is on screen at once.
    page.goto(f"/spaces/{space.slug}/new/")
    page.get_by_label("Title").fill("Tonight")
    page.get_by_label("Your post").fill(RISKY)
    page.get_by_role("button", name="Post").click()
    posted = time.monotonic()
    panel = assert_support_in_view(page)
    expect(panel).to_contain_text("a moderator will look at it")
    screenshot(page, "support-new-thread")

    # (b) The moderator's open page shows the new flag, with a link to it, within 5 s.
    flag = Flag.objects.get(subject=writer)
    alert = alerts.get_by_role("link", name=f"Open flag #{flag.pk}")
    expect(alert).to_be_visible(timeout=ALERT_WITHIN_MS)
    assert time.monotonic() - posted < ALERT_WITHIN_MS / 1000
    expect(alerts).to_have_count(1)  # the harmless reply raised nothing
    expect(alerts.first).to_contain_text("high-risk flag")
    screenshot(mod, "moderator-alert")

    # (a) A risky reply at the end of the long thread: the panel, not the post, is in view.
    page.goto(thread_url)
    page.get_by_label("Your reply").fill(RISKY)
    page.get_by_role("button", name="Post reply").click()
    panel = assert_support_in_view(page)
    screenshot(page, "support-reply")
    # The post is one tap away.
    reply = Post.objects.filter(author=writer).latest("pk")
    panel.get_by_role("link", name="See your post").click()
    expect(page.locator(f"#post-{reply.pk}")).to_be_in_viewport()
    expect(alerts).to_have_count(2, timeout=ALERT_WITHIN_MS)


@pytest.fixture
def room_kind() -> Iterator[Any]:
    kind = install_test_kind()
    yield kind
    uninstall_test_kind()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_crisis_links_in_a_room_stay_until_the_writer_hides_them(
    asgi_page: Any, room_kind: Any, settings: Any, viewport: dict[str, int]
) -> None:
    settings.ROOT_URLCONF = "tests.testapp.urls"  # the test-only room page
    writer = UserFactory(handle="member_maya", roles=[Role.MEMBER], country="US")
    other = UserFactory(handle="member_sam", roles=[Role.MEMBER])
    room = make_room(room_kind, writer, other)
    page = asgi_page(writer, f"/test-rooms/{room.pk}/", viewport=viewport)
    sam = asgi_page(other, f"/test-rooms/{room.pk}/")
    for p in (page, sam):
        expect(p.locator("[data-room-status]")).to_have_text("Connected.")

    page.get_by_label("Your message").fill(RISKY)
    page.get_by_role("button", name="Send").click()
    support = page.locator("[data-room-support]")
    expect(support.get_by_role("alert")).to_be_visible()
    expect(support.locator("a[href='tel:988']")).to_be_visible()
    expect(support.locator("a[href='sms:741741?&body=HOME']")).to_be_visible()
    expect(support.locator("a[href='tel:911']")).to_be_visible()
    # Only the writer sees it.
    expect(sam.locator(".room-message .body")).to_have_text([RISKY])
    expect(sam.locator("[data-room-support] .support-panel")).to_have_count(0)
    support.scroll_into_view_if_needed()
    screenshot(page, "support-room")

    # It survives a reload (the server remembers), until the writer hides it.
    page.reload()
    expect(page.locator("[data-room-status]")).to_have_text("Connected.")
    expect(support.locator("a[href='sms:741741?&body=HOME']")).to_be_visible()
    support.get_by_role("button", name="Hide this message").click()
    expect(support.locator(".support-panel")).to_have_count(0)
    expect(page.get_by_label("Your message")).to_be_focused()
    assert RoomSupport.objects.get(user=writer).dismissed_at is not None
    page.reload()
    expect(page.locator("[data-room-status]")).to_have_text("Connected.")
    expect(support.locator(".support-panel")).to_have_count(0)


def test_the_support_panels_have_no_axe_violations(
    asgi_page: Any, room_kind: Any, settings: Any, spaces: None
) -> None:
    settings.ROOT_URLCONF = "tests.testapp.urls"
    writer = UserFactory(handle="quiet_harbour", roles=[Role.MEMBER], country="IE")
    space = Space.objects.get(slug="depression-anxiety")
    do_accept_guidelines(writer, space)
    # axe is injected as an inline script, which the real CSP (checked above) refuses.
    page = asgi_page(writer, f"/spaces/{space.slug}/new/", viewport=PHONE, bypass_csp=True)
    page.get_by_label("Title").fill("Tonight")
    page.get_by_label("Your post").fill(RISKY)
    page.get_by_role("button", name="Post").click()
    expect(page.locator(".support-panel")).to_be_focused()
    assert_no_axe_violations(page)

    room = make_room(room_kind, writer)
    page.goto(f"/test-rooms/{room.pk}/")
    expect(page.locator("[data-room-status]")).to_have_text("Connected.")
    page.get_by_label("Your message").fill(RISKY)
    page.get_by_role("button", name="Send").click()
    expect(page.locator("[data-room-support] a[href='tel:112']")).to_be_visible()
    assert_no_axe_violations(page)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_the_support_conversation_flag_and_hand_over_pages_pass_axe(
    asgi_page: Any, spaces: None, viewport: dict[str, int]
) -> None:
    """Every page of the path after a flag, for each person on it, at phone and desk width."""
    from datetime import timedelta

    from django.utils import timezone

    from kindred.bookings.models import Booking
    from kindred.safety.actions import do_hand_over
    from kindred.safety.support import do_member_reply, do_reach_out

    writer = UserFactory(handle="quiet_harbour", roles=[Role.MEMBER], country="IE")
    moderator = UserFactory(handle="mod_river", roles=[Role.MODERATOR], mfa=True)
    therapist = UserFactory(handle="dr_ellis", roles=[Role.THERAPIST], mfa=True)
    start = timezone.now() + timedelta(days=2)
    Booking.objects.create(
        therapist=therapist, member=writer, starts_at=start, ends_at=start + timedelta(minutes=50)
    )
    space = Space.objects.get(slug="depression-anxiety")
    do_accept_guidelines(writer, space)
    do_create_thread(writer, space, title="Tonight", body=RISKY)
    flag = Flag.objects.get(subject=writer)
    conversation = do_reach_out(
        moderator, flag, "Hi, I'm from the safety team. I read your post. Are you safe right now?"
    ).conversation
    do_member_reply(writer, conversation, "Not really. Thank you for writing to me.")

    width = viewport["width"]
    pages = [
        (writer, "/safety/messages/", "member-inbox"),
        (writer, f"/safety/messages/{conversation.pk}/", "member-conversation"),
        (moderator, "/safety/support/", "team-inbox"),
        (moderator, f"/safety/support/{conversation.pk}/", "team-conversation"),
        (moderator, f"/moderation/flags/{flag.pk}/", "flag"),
        (moderator, f"/moderation/flags/{flag.pk}/content/", "flag-content"),
    ]
    for user, path, name in pages:
        page = asgi_page(user, path, viewport=viewport, bypass_csp=True)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        screenshot(page, f"support-{name}")
        # Nothing wider than the screen: no sideways scrolling on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        assert_no_axe_violations(page)

    do_hand_over(moderator, flag, therapist)
    page = asgi_page(therapist, f"/therapist/flags/{flag.pk}/", viewport=viewport, bypass_csp=True)
    for action in ("Acknowledge", "Resolve"):
        expect(page.get_by_role("button", name=re.compile(action))).to_be_visible()
    screenshot(page, "support-hand-over")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_no_axe_violations(page)
