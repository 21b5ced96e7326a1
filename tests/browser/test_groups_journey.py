"""A group session, live: the facilitator opens the room, a member checks in, they talk,
the member reloads and keeps the history, the facilitator mutes them and ends the session;
and the facilitator edits the group and cancels a session a member has open.

Two browser contexts on the real ASGI server (HTTP + WebSockets).
"""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from kindred.community.models import Space
from kindred.core.roles import Role
from kindred.groups import actions
from kindred.groups.models import Attendance, GroupSession, SessionStatus
from tests.browser.steps import MOBILE, assert_no_axe_violations
from tests.factories import UserFactory
from tests.groups.factories import make_group, make_session

pytestmark = pytest.mark.browser


@pytest.fixture
def open_page(asgi_page: Any) -> Any:
    return asgi_page


@pytest.fixture
def people(transactional_db: None) -> dict[str, Any]:
    space, _ = Space.objects.get_or_create(
        slug="depression-anxiety",
        defaults={"name": "Depression & anxiety", "description": "-", "guidelines": "Be kind."},
    )
    frank = UserFactory(handle="facil_frank", roles=[Role.MEMBER, Role.FACILITATOR])
    maya = UserFactory(handle="member_maya", roles=[Role.MEMBER])
    group = make_group(frank, space)
    session = make_session(group)
    actions.do_join(maya, group, session)
    return {"frank": frank, "maya": maya, "group": group, "session": session}


def send(page: Any, text: str) -> None:
    page.get_by_label("Your message").fill(text)
    page.get_by_role("button", name="Send").click()


def bodies(page: Any) -> Any:
    return page.locator(".room-message .body")


def test_facilitator_and_member_run_a_session_live(open_page, people):
    session: GroupSession = people["session"]
    path = f"/groups/sessions/{session.pk}/"

    frank = open_page(people["frank"], path)
    frank.get_by_role("button", name="Open the room").click()
    expect(frank.locator("[data-room-status]")).to_have_text("Connected.")
    expect(bodies(frank)).to_contain_text(["The facilitator opened the room. Welcome."])

    maya = open_page(people["maya"], path, viewport=MOBILE)
    expect(maya.locator("[data-room-status]")).to_have_text("Connected.")
    maya.get_by_label("One word for how you are right now").fill("hopeful")
    maya.get_by_role("button", name="Check in").click()
    expect(frank.locator(".room-message").last).to_contain_text("member_maya checked in: hopeful")
    expect(frank.locator("#participants tr[data-handle='member_maya'] .status")).to_have_text(
        "Checked in"
    )

    expect(maya.locator("[data-room-status]")).to_have_text("Connected.")
    send(maya, "Hello everyone, first time here.")
    expect(bodies(frank).last).to_have_text("Hello everyone, first time here.")
    send(frank, "Welcome, Maya. Glad you came.")
    expect(bodies(maya).last).to_have_text("Welcome, Maya. Glad you came.")

    maya.reload()
    expect(maya.locator("[data-room-status]")).to_have_text("Connected.")
    expect(bodies(maya)).to_contain_text(
        ["Hello everyone, first time here.", "Welcome, Maya. Glad you came."]
    )

    frank.get_by_label("Reason to mute member_maya").fill("Let's give others a turn")
    frank.get_by_role("button", name="Mute", exact=True).click()
    expect(frank.get_by_role("button", name="Unmute member_maya")).to_be_visible()
    expect(maya.locator("#live-events")).to_contain_text("The facilitator has muted you.")
    send(maya, "Can I still talk?")
    expect(maya.locator("[data-room-error]")).to_contain_text("Let's give others a turn")
    expect(maya.get_by_label("Your message")).to_have_value("Can I still talk?")

    frank.get_by_role("button", name="End the session").click()
    expect(frank.locator("#attendance-summary")).to_contain_text("member_maya")
    expect(maya.get_by_role("heading", name="This session has ended")).to_be_visible()
    expect(maya.locator("[data-room]")).to_have_count(0)
    maya.get_by_label("Very helpful", exact=True).check()
    maya.get_by_role("button", name="Send").click()
    expect(maya.get_by_text("Thank you for your rating.")).to_be_visible()

    session.refresh_from_db()
    assert session.status == SessionStatus.ENDED
    attendance = Attendance.objects.get(session=session, user=people["maya"])
    assert attendance.rating == 5 and attendance.muted_at is not None


def test_the_facilitator_is_alerted_in_their_own_words_when_a_member_may_be_at_risk(
    open_page, people
):
    """session.js builds the alert from the words the page sent: the sentence for the
    level, the steps, and crisis lines whose numbers stay tel: links inside the text."""
    session: GroupSession = people["session"]
    path = f"/groups/sessions/{session.pk}/"
    frank = open_page(people["frank"], path)
    frank.get_by_role("button", name="Open the room").click()
    expect(frank.locator("[data-room-status]")).to_have_text("Connected.")
    maya = open_page(people["maya"], path, viewport=MOBILE)
    expect(maya.locator("[data-room-status]")).to_have_text("Connected.")
    maya.get_by_label("One word for how you are right now").fill("low")
    maya.get_by_role("button", name="Check in").click()
    expect(maya.locator("[data-room-status]")).to_have_text("Connected.")

    send(maya, "I have the pills ready and I am going to take them all tonight")

    alert = frank.locator("#risk-alerts")
    expect(alert).to_be_visible()
    expect(alert).to_contain_text(
        "member_maya wrote something that suggests high risk. Only you and the moderators are told."
    )
    expect(alert.locator("ol li")).to_have_count(5)
    expect(alert.locator("ol li").first).to_contain_text("Reach out to them privately now")
    expect(alert.get_by_role("link", name="Write to member_maya privately")).to_be_visible()
    expect(alert.get_by_text("Crisis lines:", exact=False).first).to_be_visible()
    expect(alert.locator("a.tel[href^='tel:']").first).to_be_visible()
    expect(alert.get_by_role("link", name="Get help now page")).to_be_visible()
    assert "risk_" not in alert.inner_text()  # no bare key where a sentence should be


def test_the_session_page_is_accessible(open_page, people):
    session = people["session"]
    # axe is injected as an inline script, which the real CSP (checked above) refuses.
    frank = open_page(people["frank"], f"/groups/sessions/{session.pk}/", bypass_csp=True)
    frank.get_by_role("button", name="Open the room").click()
    expect(frank.locator("[data-room-status]")).to_have_text("Connected.")
    maya = open_page(
        people["maya"], f"/groups/sessions/{session.pk}/", viewport=MOBILE, bypass_csp=True
    )
    expect(maya.locator("[data-room-status]")).to_have_text("Connected.")
    assert_no_axe_violations(maya)
    assert_no_axe_violations(frank)


def test_facilitator_edits_the_group_and_cancels_a_session_a_member_has_open(open_page, people):
    """The edit form keeps what was typed on an error; cancelling reaches the open page."""
    group = people["group"]
    session: GroupSession = people["session"]
    frank = open_page(people["frank"], f"/groups/{group.pk}/")
    frank.get_by_role("link", name="Edit group").click()
    frank.get_by_label("Topic").fill("Tuesday evening circle")
    frank.get_by_label("Capacity").fill("1")
    frank.get_by_role("button", name="Save changes").click()
    expect(frank.locator(".errorlist")).to_be_visible()
    expect(frank.get_by_label("Topic")).to_have_value("Tuesday evening circle")
    frank.get_by_label("Capacity").fill("12")
    frank.get_by_role("button", name="Save changes").click()
    expect(frank.get_by_role("heading", name="Tuesday evening circle")).to_be_visible()

    maya = open_page(people["maya"], f"/groups/sessions/{session.pk}/", viewport=MOBILE)
    frank.goto(f"/groups/sessions/{session.pk}/")
    frank.get_by_label("Reason (everyone signed up sees this)").fill("Frank is unwell")
    frank.get_by_role("button", name="Cancel this session").click()
    expect(frank.get_by_role("heading", name="Cancelled: Frank is unwell")).to_be_visible()
    maya.reload()
    expect(maya.get_by_role("heading", name="Cancelled: Frank is unwell")).to_be_visible()
    expect(maya.locator("[data-room]")).to_have_count(0)

    session.refresh_from_db()
    group.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED
    assert (group.topic, group.capacity) == ("Tuesday evening circle", 12)


def test_the_group_management_pages_are_accessible(open_page, people):
    group = people["group"]
    frank = open_page(people["frank"], f"/groups/{group.pk}/edit/", bypass_csp=True)
    frank.get_by_label("Capacity").fill("0")
    frank.get_by_role("button", name="Save changes").click()
    expect(frank.locator(".errorlist")).to_be_visible()
    assert_no_axe_violations(frank)
    frank.goto(f"/groups/sessions/{people['session'].pk}/cancel/")
    assert_no_axe_violations(frank)
