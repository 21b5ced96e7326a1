"""One-to-one peer support in a browser, on the real ASGI server (pages + chat socket).

A member fills in a profile, sees a suggestion and why, asks; the supporter accepts;
they talk in the live chat.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from kindred.peers.models import Connection, ConnectionStatus, PeerProfile
from tests.browser.steps import MOBILE, assert_no_axe_violations
from tests.peers.factories import connect, make_profile, make_supporter

pytestmark = pytest.mark.browser

SUPPORTER_STORY = (
    "I lost my dad three years ago and the first winter was the hardest thing I have done. "
    "Now I'd like to sit with someone else through theirs."
)


@pytest.fixture
def open_page(asgi_page: Any) -> Iterator[Any]:
    """A signed-in page on the ASGI server, with the peer index fresh for the test."""
    from kindred.peers import indexing

    indexing.reset()
    yield asgi_page
    indexing.reset()


def test_a_member_finds_a_peer_asks_and_they_talk(open_page, member):
    supporter = make_supporter(
        "helper_hana",
        story=SUPPORTER_STORY,
        tags=["bereavement.parent"],
        availability=["mon_evening", "thu_evening"],
    )

    maya = open_page(member, "/peers/", viewport=MOBILE)
    maya.get_by_role("link", name="Create my peer profile").click()
    maya.get_by_label("Losing a parent").check()
    maya.get_by_label("Your story").fill(
        "My dad died in January and I can't talk to my family about it yet."
    )
    maya.get_by_label("Monday evenings").check()
    maya.get_by_role("button", name="Save my profile").click()
    expect(maya.get_by_text("Your peer profile is saved.")).to_be_visible()
    assert PeerProfile.objects.get(user=member).tag_ids == ["bereavement.parent"]

    maya.get_by_role("link", name="See suggestions").click()
    card = maya.locator(".card", has_text="helper_hana")
    expect(card.locator(".why")).to_contain_text("Losing a parent")
    expect(card.locator(".why")).to_contain_text("Monday evenings")
    card.get_by_label("A short note to helper_hana (optional)").fill("Hi, I lost my dad too.")
    card.get_by_role("button", name="Ask helper_hana to connect").click()
    expect(maya.locator("#connection-status")).to_have_text("Waiting for an answer")

    conn = Connection.objects.get(requester=member, recipient=supporter)
    hana = open_page(supporter, f"/peers/connections/{conn.pk}/")
    expect(hana.get_by_text("Hi, I lost my dad too.")).to_be_visible()
    hana.get_by_role("button", name="Accept").click()
    expect(hana.locator("[data-room-status]")).to_have_text("Connected.")
    conn.refresh_from_db()
    assert conn.status == ConnectionStatus.ACTIVE

    maya.reload()
    expect(maya.locator("[data-room-status]")).to_have_text("Connected.")
    maya.get_by_label("Your message").fill("Thank you for accepting.")
    maya.get_by_role("button", name="Send").click()
    expect(hana.locator(".room-message .body").last).to_have_text("Thank you for accepting.")
    hana.get_by_label("Your message").fill("Of course. How are you today?")
    hana.get_by_role("button", name="Send").click()
    expect(maya.locator(".room-message .body").last).to_have_text("Of course. How are you today?")


def test_the_peer_pages_are_accessible(open_page, member):
    supporter = make_supporter("helper_hana", tags=["bereavement.parent"])
    make_profile(member, tags=["bereavement.parent"])
    conn = connect(member, supporter, note="Hello")
    # axe is injected as an inline script, which the real CSP (checked above) refuses.
    page = open_page(member, "/peers/profile/edit/", viewport=MOBILE, bypass_csp=True)
    assert_no_axe_violations(page)
    for path in ("/peers/suggestions/", "/peers/connections/", "/peers/profile/"):
        page.goto(path)
        assert_no_axe_violations(page)
    hana = open_page(supporter, f"/peers/connections/{conn.pk}/", bypass_csp=True)
    hana.get_by_role("button", name="Accept").click()
    expect(hana.locator("[data-room-status]")).to_have_text("Connected.")
    assert_no_axe_violations(hana)
