"""A member shares their PHQ-9 trend with their peer supporter, who sees the chart; the
member stops sharing and the supporter sees nothing; the member sees who looked."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from kindred.consent import grants
from kindred.core.roles import Role
from kindred.measures.actions import do_submit_response
from tests.browser.steps import assert_no_axe_violations, expect_message
from tests.care.factories import book, registered_team
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def test_share_a_trend_then_stop(new_context: Any, sign_in: Any, transactional_db: None) -> None:
    member = UserFactory(handle="quiet_harbour", roles=[Role.MEMBER])
    supporter = UserFactory(handle="steady_oak", roles=[Role.MEMBER, Role.PEER_SUPPORTER])
    for value in (2, 1, 1):
        do_submit_response(member, "phq9", {f"q{i}": value for i in range(1, 10)})

    # The supporter is on the member's team through a (test) peer connection; the
    # registered source is taken away again when the test ends.
    with registered_team() as team:
        team.add(member, supporter, "peer_supporter")

        # CSP bypassed only so axe can be injected to check accessibility.
        m_context = new_context(bypass_csp=True)
        sign_in(m_context, member)
        m = m_context.new_page()
        m.goto("/my/care/")
        expect(m.get_by_text("steady_oak", exact=True)).to_be_visible()
        # What a peer supporter sees by default is said first; nothing is shared beyond it.
        expect(m.get_by_text("steady_oak sees your peer profile")).to_be_visible()
        expect(m.get_by_text("You share nothing else with them.")).to_be_visible()
        m.get_by_role("link", name="What I share").first.click()
        m.get_by_label("Who").select_option(label="steady_oak (Peer supporter)")
        m.get_by_label("What they may see").select_option(grants.MEASURE_TRENDS)
        assert_no_axe_violations(m)
        m.get_by_role("button", name="Share", exact=True).click()
        expect_message(m, "Shared.")
        expect(
            m.get_by_text("steady_oak may see my questionnaire results over time")
        ).to_be_visible()

        # The supporter is told, opens the shared page and sees the PHQ-9 chart.
        s_context = new_context(bypass_csp=True)
        sign_in(s_context, supporter)
        s = s_context.new_page()
        s.goto("/notifications/")
        # Unread, so it is a button that marks it read and opens it.
        s.get_by_role(
            "button", name="quiet_harbour shared my questionnaire results over time with you"
        ).click()
        expect(s.get_by_role("heading", name="What quiet_harbour shares with you")).to_be_visible()
        chart = s.locator("figure.measure-chart svg[role=img]")
        expect(chart).to_have_count(1)
        expect(s.locator("figure.measure-chart circle.point")).to_have_count(3)
        expect(s.get_by_role("table", name="PHQ-9 results, newest first")).to_be_visible()
        expect(s.get_by_role("heading", name="Safety plan")).to_have_count(0)
        assert_no_axe_violations(s)

        # The member stops sharing; the supporter's next look finds nothing.
        m.get_by_role(
            "button", name="Stop sharing my questionnaire results over time with steady_oak"
        ).click()
        expect_message(m, "Stopped sharing")
        expect(m.get_by_text("You share nothing with anyone.")).to_be_visible()
        response = s.reload()
        assert response is not None and response.status == 404
        expect(s.locator("figure.measure-chart")).to_have_count(0)
        s.goto("/my/care/shared/")
        expect(s.get_by_text("Nobody shares anything with you right now.")).to_be_visible()

        # The member sees who looked, and when they shared and stopped.
        m.get_by_role("link", name="Who looked").first.click()
        log = m.get_by_role("table", name="Newest first")
        expect(log.get_by_role("row").filter(has_text="Looked at")).to_have_count(1)
        expect(log.get_by_text("You stopped sharing with steady_oak")).to_be_visible()
        assert_no_axe_violations(m)


def test_a_suggestion_from_the_therapist_is_accepted(
    new_context: Any, sign_in: Any, transactional_db: None
) -> None:
    member = UserFactory(handle="quiet_harbour", roles=[Role.MEMBER])
    therapist = UserFactory(handle="dr_ellis", roles=[Role.THERAPIST], mfa=True)
    book(member, therapist)

    t_context = new_context(bypass_csp=True)
    sign_in(t_context, therapist)
    t = t_context.new_page()
    t.goto("/my/care/shared/")
    t.get_by_role("link", name="Suggest something to quiet_harbour").click()
    t.get_by_label("What you suggest").select_option("space")
    t.get_by_label("Title").fill("The community spaces")
    t.get_by_label("Link to the page on Kindred").fill("https://elsewhere.example/")
    t.get_by_role("button", name="Send suggestion").click()
    # Kept as typed, with the reason it was refused.
    expect(t.get_by_text("Link to a page on this site")).to_be_visible()
    expect(t.get_by_label("Title")).to_have_value("The community spaces")
    assert_no_axe_violations(t)
    t.get_by_label("Link to the page on Kindred").fill("/spaces/")
    t.get_by_role("button", name="Send suggestion").click()
    expect_message(t, "Suggestion sent to quiet_harbour.")

    m_context = new_context(bypass_csp=True)
    sign_in(m_context, member)
    m = m_context.new_page()
    m.goto("/my/care/")
    expect(m.get_by_role("link", name="dr_ellis")).to_be_visible()
    m.get_by_role("link", name="You have 1 suggestion waiting").click()
    assert_no_axe_violations(m)
    m.get_by_role("button", name="Accept and open “The community spaces”").click()
    assert m.url.endswith("/spaces/")
    m.goto("/my/care/timeline/")
    expect(m.get_by_text("Upcoming session with dr_ellis")).to_be_visible()
    assert_no_axe_violations(m)
