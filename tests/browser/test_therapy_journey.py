"""Find a therapist, book, get reminded; the therapist signs a note and writes a plan; the member acknowledges it."""

from __future__ import annotations

import re
from datetime import time, timedelta
from typing import Any

import pytest
from django.core import mail
from playwright.sync_api import expect

from kindred.bookings import actions as bookings
from kindred.bookings.models import Booking
from kindred.bookings.reminders import send_due_reminders
from kindred.clinical.models import ProgressNote
from kindred.core.roles import Role
from kindred.messaging.actions import do_start_conversation
from kindred.therapy import actions as therapy
from tests.browser.steps import log_out
from tests.factories import UserFactory
from tests.messaging.conftest import book
from tests.therapy.conftest import profile_data

pytestmark = pytest.mark.browser


def test_find_book_note_plan_acknowledge(
    new_context: Any, sign_in: Any, transactional_db: None
) -> None:
    staff = UserFactory(roles=[Role.STAFF], mfa=True, is_staff=True)
    therapist = UserFactory(
        handle="dr_ellis", legal_name="Dr Jordan Ellis", roles=[Role.THERAPIST], mfa=True
    )
    other = UserFactory(
        handle="dr_chen", legal_name="Dr Wei Chen", roles=[Role.THERAPIST], mfa=True
    )
    member = UserFactory(handle="quiet_harbour", roles=[Role.MEMBER])
    for user, modality in ((therapist, ["cbt"]), (other, ["psychodynamic"])):
        profile = therapy.do_save_profile(user, profile_data(modality=modality)).profile
        therapy.do_submit_for_verification(user)
        therapy.do_verify(staff, profile, evidence_notes="Checked on the register.")
    for weekday in range(7):
        bookings.do_add_weekly_availability(
            therapist, weekday=weekday, start_time=time(9), end_time=time(17)
        )

    # The member filters the directory and sees why the therapist matches.
    m_context = new_context()
    sign_in(m_context, member)
    m = m_context.new_page()
    m.goto("/therapists/")
    m.get_by_role("group", name="Approach").get_by_label("CBT", exact=True).check()
    m.get_by_role("button", name="Show therapists").click()
    expect(m.get_by_text("Dr Jordan Ellis")).to_be_visible()
    expect(m.get_by_text("Dr Wei Chen")).to_have_count(0)
    expect(m.get_by_text("Offers CBT").first).to_be_visible()

    # ... opens the profile and books the first free time.
    m.get_by_role("link", name="Dr Jordan Ellis").first.click()
    m.get_by_role("link", name="See free times and book").click()
    # A time a few days ahead, so both reminders (24 h and 1 h before) are still to come.
    m.locator("input[name=starts_at]").nth(24).check()
    m.get_by_role("button", name="Book this time").click()
    expect(m.get_by_text("Booked. A confirmation is on its way by email.")).to_be_visible()
    booking = Booking.objects.get(member=member, therapist=therapist)
    confirmation = [e for e in mail.outbox if member.email in e.to][-1]
    assert any(name.endswith(".ics") for name, *_ in confirmation.attachments)

    # The day before, the reminder arrives in the app.
    assert booking.starts_at - timedelta(hours=24) > booking.created_at
    assert send_due_reminders(booking.starts_at - timedelta(hours=23)) >= 1
    m.goto("/notifications/")
    expect(m.locator("main").get_by_text(re.compile("session", re.I)).first).to_be_visible()

    # The therapist writes a SOAP note and signs it.
    t_context = new_context()
    sign_in(t_context, therapist)
    t = t_context.new_page()
    t.goto("/therapist/clients/")
    t.get_by_role("link", name=re.compile("quiet_harbour")).first.click()
    t.get_by_role("link", name="Write a progress note").click()
    t.get_by_label("Format").select_option("soap")
    t.get_by_role("button", name="Continue").click()
    t.get_by_label("Subjective").fill("Reports low mood most days; sleeping badly.")
    t.get_by_label("Plan").fill("Behavioural activation; review in two weeks.")
    t.get_by_label("Risk status").select_option("none")
    t.get_by_role("button", name="Save draft").click()
    t.get_by_role("link", name="Sign").first.click()
    t.get_by_role("button", name="Sign the note").click()
    note = ProgressNote.objects.get(member=member)
    assert note.is_signed

    # ... and a treatment plan with a measurable objective.
    t.goto("/therapist/plans/")
    t.get_by_role("link", name="start a plan").first.click()
    t.get_by_label("Summary for the member, in plain language").fill(
        "We will work on feeling brighter and getting out more."
    )
    t.locator("textarea[name=plan]").fill(
        "Problem: Low mood most days\n"
        "Goal: Enjoy everyday things again\n"
        "Objective: Walk outside | count >= 3 walks per week | by 2030-08-01\n"
        "Intervention: Activity scheduling | weekly\n"
    )
    t.get_by_label("Review date").fill("2030-10-01")
    t.get_by_role("button", name="Save plan").click()
    expect(t.get_by_text("Walk outside").first).to_be_visible()

    # The member reads the plan in plain language and acknowledges it.
    m.goto("/my/plan/")  # with one plan, straight to it
    expect(m.get_by_text("We will work on feeling brighter and getting out more.")).to_be_visible()
    expect(m.get_by_text("Walk outside").first).to_be_visible()
    m.get_by_role("button", name=re.compile("I have read version 1")).click()
    expect(m.get_by_text("Your therapist can see you have read this plan.")).to_be_visible()
    expect(m.get_by_text(re.compile("You confirmed you have read this version"))).to_be_visible()


# Device drafts only: the tab's storage keeps this conversation's draft until sign-out.
DRAFT_KEYS = """() => Object.keys(localStorage).filter((key) => key.startsWith("kindred-draft"))"""
ALL_DRAFT_KEYS = """() => [localStorage, sessionStorage].flatMap(
  (store) => Object.keys(store).filter((key) => key.startsWith("kindred-draft")))"""


def test_a_message_to_a_therapist_is_kept_for_the_tab_only_and_sign_out_clears_drafts(
    new_context: Any, sign_in: Any
) -> None:
    member = UserFactory(handle="quiet_harbour", roles=[Role.MEMBER])
    therapist = UserFactory(handle="dr_ellis", roles=[Role.THERAPIST], mfa=True)
    book(member, therapist)
    conversation = do_start_conversation(member, therapist)
    url = f"/my/messages/{conversation.pk}/"
    context = new_context()
    sign_in(context, member)
    page = context.new_page()
    page.goto(url)
    # Left by an older version, or by a community form long ago: both go on load.
    page.evaluate(
        """(pk) => {
        localStorage.setItem("kindred-draft:msg-" + pk, JSON.stringify({body: "old words"}));
        localStorage.setItem("kindred-draft:reply-1",
          JSON.stringify({at: Date.now() - 25 * 3600 * 1000, fields: {body: "stale"}}));
        localStorage.setItem("kindred-draft:reply-2",
          JSON.stringify({at: Date.now(), fields: {body: "fresh"}}));
      }""",
        conversation.pk,
    )
    page.get_by_label("Your message").fill("I keep thinking about the argument")
    page.reload()
    # A reload in the same tab keeps it; the device's storage never sees it.
    expect(page.get_by_label("Your message")).to_have_value("I keep thinking about the argument")
    assert "argument" not in page.evaluate("() => JSON.stringify(localStorage)")
    assert page.evaluate(DRAFT_KEYS) == ["kindred-draft:reply-2"]
    # Another tab (or the same tab after closing) starts empty.
    other = context.new_page()
    other.goto(url)
    expect(other.get_by_label("Your message")).to_have_value("")
    other.close()
    log_out(page)
    assert page.evaluate(ALL_DRAFT_KEYS) == []
