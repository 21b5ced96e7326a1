"""Two people in one live room, through room.js on the real ASGI server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from kindred.rooms.models import RoomMessage
from tests.browser.asgi_server import when_unlocked
from tests.browser.steps import MOBILE, assert_no_axe_violations
from tests.rooms.factories import install_test_kind, make_room, uninstall_test_kind

pytestmark = pytest.mark.browser


@pytest.fixture
def room_kind() -> Iterator[Any]:
    kind = install_test_kind()
    yield kind
    uninstall_test_kind()


@pytest.fixture
def open_page(asgi_page: Any, settings: Any) -> Any:
    """A signed-in page on the ASGI server, with the test-only room page routed."""
    settings.ROOT_URLCONF = "tests.testapp.urls"
    return asgi_page


def send(page: Any, text: str) -> None:
    page.get_by_label("Your message").fill(text)
    page.get_by_role("button", name="Send").click()


def test_two_people_talk_live_and_a_reload_shows_the_history(open_page, room_kind, member, member2):
    room = make_room(room_kind, member, member2)
    maya = open_page(member, f"/test-rooms/{room.pk}/")
    sam = open_page(member2, f"/test-rooms/{room.pk}/", viewport=MOBILE)
    for page in (maya, sam):
        expect(page.locator("[data-room-status]")).to_have_text("Connected.")
    expect(maya.locator("[data-room-presence] li")).to_have_text(
        ["member_maya (you)", "member_sam"]
    )

    send(maya, "Hello Sam, how was your week?")
    expect(sam.locator(".room-message .body")).to_have_text(["Hello Sam, how was your week?"])
    # The box empties once the server has stored the message.
    expect(maya.get_by_label("Your message")).to_have_value("")

    sam.get_by_label("Your message").press_sequentially("Bet")
    expect(maya.locator("[data-room-typing]")).to_have_text("member_sam is typing…")
    sam.get_by_label("Your message").fill("Better, thanks. You?")
    sam.get_by_role("button", name="Send").click()
    expected = ["Hello Sam, how was your week?", "Better, thanks. You?"]
    expect(maya.locator(".room-message .body")).to_have_text(expected)
    expect(maya.locator(".room-message .author")).to_have_text(["You", "member_sam"])

    maya.reload()
    expect(maya.locator(".room-message .body")).to_have_text(expected)
    assert list(RoomMessage.objects.filter(room=room).values_list("seq", flat=True)) == [1, 2]


def test_the_room_is_accessible(open_page, room_kind, member, member2):
    room = make_room(room_kind, member, member2)
    # axe is injected as an inline script, which the real CSP (checked above) refuses.
    page = open_page(member, f"/test-rooms/{room.pk}/", viewport=MOBILE, bypass_csp=True)
    expect(page.locator("[data-room-status]")).to_have_text("Connected.")
    send(page, "Checking in.")
    expect(page.locator(".room-message .body")).to_have_text(["Checking in."])
    assert_no_axe_violations(page)


def test_an_error_keeps_the_unsent_text(open_page, room_kind, member, member2):
    room = make_room(room_kind, member, member2)
    maya = open_page(member, f"/test-rooms/{room.pk}/")
    expect(maya.locator("[data-room-status]")).to_have_text("Connected.")
    room_kind.muted.add(member.pk)
    send(maya, "Can I still talk?")
    expect(maya.get_by_role("alert")).to_have_text("The facilitator has muted you.")
    expect(maya.get_by_label("Your message")).to_have_value("Can I still talk?")
    assert not RoomMessage.objects.filter(room=room).exists()


def test_a_non_member_gets_no_room(open_page, room_kind, member, outsider):
    room = make_room(room_kind, member)
    page = open_page(outsider, f"/test-rooms/{room.pk}/")
    assert page.locator("[data-room]").count() == 0


def test_a_long_room_opens_at_its_latest_messages_and_loads_earlier_ones_on_demand(
    open_page, room_kind, member, member2, settings
):
    from kindred.rooms import actions

    settings.ROOM_RATE_LIMIT_MESSAGES = 1000
    room = make_room(room_kind, member, member2)
    for n in range(60):
        actions.do_post_message(room, member2, f"message {n}")
    maya = open_page(member, f"/test-rooms/{room.pk}/")
    expect(maya.locator("[data-room-status]")).to_have_text("Connected.")
    bodies = maya.locator(".room-message .body")
    expect(bodies).to_have_count(50)
    expect(bodies.first).to_have_text("message 10")

    earlier = maya.get_by_role("button", name="Load earlier messages")
    earlier.click()
    expect(bodies).to_have_count(60)
    expect(bodies.first).to_have_text("message 0")
    expect(earlier).to_be_hidden()

    send(maya, "Caught up.")
    expect(bodies.last).to_have_text("Caught up.")
    expect(bodies).to_have_count(61)


# Records every socket the page opens, so a test can drop one and read the URLs.
SOCKET_SPY = """
(() => {
  const Native = window.WebSocket;
  window.roomSockets = [];
  window.WebSocket = class extends Native {
    constructor(url, protocols) {
      super(url, protocols);
      if (String(url).includes("/ws/rooms/")) window.roomSockets.push(this);
    }
  };
})();
"""


def test_a_dropped_connection_resumes_after_the_last_message_seen(
    open_page, room_kind, member, member2
):
    from kindred.rooms import actions

    room = make_room(room_kind, member, member2)
    for n in range(3):
        actions.do_post_message(room, member2, f"before {n}")
    maya = open_page(member, f"/test-rooms/{room.pk}/")
    maya.add_init_script(SOCKET_SPY)
    maya.reload()
    bodies = maya.locator(".room-message .body")
    expect(bodies).to_have_count(3)

    maya.evaluate("window.roomSockets[window.roomSockets.length - 1].close()")
    # The server may still be closing the dropped socket's work on the shared database.
    when_unlocked(lambda: actions.do_post_message(room, member2, "while away"))
    expect(bodies).to_have_text(["before 0", "before 1", "before 2", "while away"])
    expect(maya.locator("[data-room-status]")).to_have_text("Connected.")
    urls = maya.evaluate("window.roomSockets.map((s) => s.url)")
    assert "recent=50" in urls[0] and "after=3" in urls[1], urls
