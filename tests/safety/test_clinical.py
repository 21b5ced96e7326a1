"""Flags on private clinical text: routed to the treating therapist first, content-free
for moderators and staff, escalated to on-call without the content, every look audited
and shown to the member."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from kindred.audit.models import AuditEvent
from kindred.bookings.models import Booking, BookingStatus
from kindred.consent.accesslog import access_log_for
from kindred.core.models import Notification
from kindred.measures.actions import do_submit_response
from kindred.messaging import actions as messaging
from kindred.safety import actions
from kindred.safety.access import access_flag, read_flag
from kindred.safety.models import CLINICAL_SCOPES, Flag, FlagStatus, ModeratorDuty
from tests.factories import UserFactory

RISKY = "I have the pills ready and I am going to take them all tonight"
PHQ9_ITEM_9 = {f"q{i}": 0 for i in range(1, 9)} | {"q9": 2}
# Words that would give the content away (the screen's signals are checked apart).
SECRETS = ("pills", "tonight", "item 9", "More than half the days")


def book(member, therapist, days=3):
    start = timezone.now() + timedelta(days=days)
    return Booking.objects.create(
        member=member,
        therapist=therapist,
        starts_at=start,
        ends_at=start + timedelta(minutes=50),
        status=BookingStatus.BOOKED,
    )


def assert_no_content(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text, f"{secret!r} leaked into {text!r}"


@pytest.fixture
def treating(member, therapist):
    return book(member, therapist)


@pytest.fixture
def message_flag(treating, member, therapist, django_capture_on_commit_callbacks):
    """A risky secure message from ``member`` to ``therapist``, who treats them."""
    conversation = messaging.do_start_conversation(member, therapist)
    with django_capture_on_commit_callbacks(execute=True):
        sent = messaging.do_send_message(member, conversation, RISKY)
    assert sent.screen is not None and sent.screen.flag is not None
    return sent.screen.flag


@pytest.fixture
def answer_flag(member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outcome = do_submit_response(member, "phq9", PHQ9_ITEM_9)
    [flag] = outcome.flags
    return flag


def on_duty(moderator):
    ModeratorDuty.objects.create(moderator=moderator, on_duty=True)
    return moderator


# --- Routing -----------------------------------------------------------------------


def test_a_risky_secure_message_goes_to_its_therapist_and_no_one_else(
    message_flag, member, therapist, therapist2, moderator, staff
):
    flag = Flag.objects.get(pk=message_flag.pk)
    assert flag.scope == "therapy" and flag.is_clinical
    assert list(flag.clinicians.all()) == [therapist]
    assert flag.text == RISKY  # stored, encrypted, for the therapist
    alert = Notification.objects.get(recipient=therapist, kind="safety.clinical")
    assert alert.url == f"/therapist/flags/{flag.pk}/"
    assert alert.title == "A client of yours needs your attention now (high risk)"
    # Therapist first: nobody on the support team is alerted yet.
    assert not Notification.objects.filter(recipient__in=[moderator, staff, therapist2]).exists()
    # The alert, and the new-message notice the therapist gets by e-mail by default
    # (kindred.core.notification_kinds): both to the therapist only, neither with content.
    assert {m.to[0] for m in mail.outbox} == {therapist.email}
    for sent in mail.outbox:
        assert_no_content(sent.subject, sent.body)
    [email] = [m for m in mail.outbox if f"/therapist/flags/{flag.pk}/" in m.body]
    assert "by " in email.body
    assert_no_content(email.subject, email.body, alert.title)
    routed = AuditEvent.objects.get(event="safety.flag_routed", target_id=str(flag.pk))
    assert routed.changes == {"to": "therapists", "therapists": [therapist.pk]}


def test_a_critical_answer_goes_to_every_treating_therapist(
    member, therapist, therapist2, moderator, django_capture_on_commit_callbacks
):
    book(member, therapist)
    book(member, therapist2, days=5)  # bookings never overlap
    with django_capture_on_commit_callbacks(execute=True):
        [flag] = do_submit_response(member, "phq9", PHQ9_ITEM_9).flags
    assert flag.scope == "measures"
    assert set(flag.clinicians.all()) == {therapist, therapist2}
    assert Notification.objects.filter(kind="safety.clinical").count() == 2
    assert not Notification.objects.filter(recipient=moderator).exists()
    assert sorted(m.to[0] for m in mail.outbox) == sorted([therapist.email, therapist2.email])


def test_without_a_therapist_the_on_call_moderators_are_told_at_once_without_content(
    member, moderator, staff, django_capture_on_commit_callbacks
):
    off_duty = UserFactory(handle="mod_off", roles=["moderator"], mfa=True)
    on_duty(moderator)
    ModeratorDuty.objects.create(moderator=off_duty, on_duty=False)
    with django_capture_on_commit_callbacks(execute=True):
        [flag] = do_submit_response(member, "phq9", PHQ9_ITEM_9).flags
    assert list(flag.clinicians.all()) == []
    note = Notification.objects.get(recipient=moderator)
    assert (note.kind, note.url) == ("safety.flag", f"/moderation/flags/{flag.pk}/")
    assert note.title == "A member needs attention now (high risk, private)"
    assert not Notification.objects.filter(recipient__in=[off_duty, staff]).exists()
    [email] = mail.outbox
    assert email.to == [moderator.email]
    assert email.subject == "[Kindred] A member needs attention now (high risk, private)"
    assert "no treating therapist" in email.body and "not shown to you" in email.body
    assert_no_content(email.subject, email.body, note.title)
    assert "PHQ-9" not in email.body  # not even which questionnaire
    routed = AuditEvent.objects.get(event="safety.flag_routed", target_id=str(flag.pk))
    assert routed.changes == {"to": "on_call", "reason": "no treating therapist"}


def test_with_no_moderator_at_all_staff_are_told_at_once(
    member, staff, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        [flag] = do_submit_response(member, "phq9", PHQ9_ITEM_9).flags
    note = Notification.objects.get(recipient=staff)
    assert note.url == f"/staff/flags/{flag.pk}/"
    assert [m.to for m in mail.outbox] == [[staff.email]]


def test_other_flags_still_go_to_the_moderators(member, moderator):
    flag = actions.screen_text(member, RISKY, area="groups", source_type="groups.message").flag
    assert flag is not None and not flag.is_clinical
    assert Notification.objects.get(recipient=moderator).kind == "safety.flag"
    assert "guide" not in CLINICAL_SCOPES  # the decision guide's flag is not (yet) one


# --- Escalation ----------------------------------------------------------------------


def test_an_unacknowledged_clinical_flag_tells_staff_and_on_call_without_content(
    message_flag, therapist, moderator, staff, django_capture_on_commit_callbacks
):
    on_duty(moderator)
    off_duty = UserFactory(handle="mod_off", roles=["moderator"], mfa=True)
    mail.outbox.clear()
    start = message_flag.created_at
    assert actions.escalate_overdue_flags(now=start + timedelta(minutes=4, seconds=59)) == []
    with django_capture_on_commit_callbacks(execute=True):
        escalated = actions.escalate_overdue_flags(now=start + timedelta(minutes=5))
    assert [f.pk for f in escalated] == [message_flag.pk]
    notes = {n.recipient_id: n for n in Notification.objects.filter(kind="safety.escalation")}
    assert set(notes) == {moderator.pk, staff.pk}  # on call and staff; not off duty
    assert notes[moderator.pk].url == f"/moderation/flags/{message_flag.pk}/"
    assert notes[staff.pk].url == f"/staff/flags/{message_flag.pk}/"
    title = f"A member needs attention: private high-risk alert #{message_flag.pk} unacknowledged"
    assert notes[staff.pk].title == title
    assert sorted(m.to[0] for m in mail.outbox) == sorted([moderator.email, staff.email])
    for email in mail.outbox:
        assert email.subject == f"[Kindred] {title}"
        assert "not been acknowledged within 5 minutes" in email.body
        assert "not shown to you" in email.body
        assert_no_content(email.subject, email.body)
    assert not Notification.objects.filter(recipient=off_duty).exists()
    assert AuditEvent.objects.filter(
        event="safety.flag_escalated", target_id=str(message_flag.pk)
    ).exists()
    # Once only.
    assert actions.escalate_overdue_flags(now=start + timedelta(hours=1)) == []


def test_the_therapist_acknowledging_in_time_stops_the_escalation(
    login, message_flag, therapist, staff
):
    url = reverse("therapist_flag_action", args=[message_flag.pk, "acknowledge"])
    assert login(therapist).post(url).status_code == 302
    message_flag.refresh_from_db()
    assert message_flag.status == FlagStatus.ACKNOWLEDGED
    assert message_flag.acknowledged_by == therapist
    mail.outbox.clear()
    assert actions.escalate_overdue_flags(now=timezone.now() + timedelta(hours=1)) == []
    assert mail.outbox == []
    assert not Notification.objects.filter(recipient=staff).exists()


# --- The flag page, as every persona ---------------------------------------------------


def page(flag, area):
    return reverse(
        {"moderation": "safety_flag", "staff": "staff_flag"}.get(area, "therapist_flag"),
        args=[flag.pk],
    )


def test_the_treating_therapist_reads_the_text_and_the_read_is_audited(
    login, therapist, member, message_flag
):
    response = login(therapist).get(page(message_flag, "therapist"))
    body = response.content.decode()
    assert response.status_code == 200
    assert RISKY in body
    read = AuditEvent.objects.get(event="safety.flag.read", actor_id=therapist.pk)
    assert read.target_id == str(message_flag.pk)
    assert read.changes == {
        "what": "what you wrote, in a safety alert on a message to your therapist",
        "member": member.pk,
        "role": "therapist",
        "text": True,
    }


def test_the_critical_answer_is_read_by_its_treating_therapist(
    login, member, therapist, django_capture_on_commit_callbacks
):
    book(member, therapist)
    with django_capture_on_commit_callbacks(execute=True):
        [flag] = do_submit_response(member, "phq9", PHQ9_ITEM_9).flags
    body = login(therapist).get(page(flag, "therapist")).content.decode()
    assert "PHQ-9 item 9 answered" in body
    assert AuditEvent.objects.get(event="safety.flag.read").changes["role"] == "therapist"


@pytest.mark.parametrize(("persona", "area"), [("moderator", "moderation"), ("staff", "staff")])
def test_moderators_and_staff_see_that_the_member_needs_attention_never_the_content(
    login, request, message_flag, member, persona, area
):
    user = request.getfixturevalue(persona)
    response = login(user).get(page(message_flag, area))
    body = response.content.decode()
    assert response.status_code == 200
    assert member.handle in body and "This member needs attention" in body
    assert RISKY not in body and "Signals" not in body and "score" not in body
    assert "secure message to their therapist" not in body  # not even where it was
    assert_no_content(body)
    read = AuditEvent.objects.get(event="safety.flag.read", actor_id=user.pk)
    assert read.changes["role"] == persona and read.changes["text"] is False


def test_the_queue_shows_a_clinical_flag_without_its_content(
    login, moderator, message_flag, answer_flag
):
    body = login(moderator).get(reverse("safety_queue")).content.decode()
    assert f"Open flag #{message_flag.pk}" in body and f"Open flag #{answer_flag.pk}" in body
    assert "Private: only their treating therapist reads it" in body
    assert "Questionnaire: PHQ-9" not in body
    assert "secure message to their therapist" not in body
    assert_no_content(body)


@pytest.mark.parametrize("persona", ["member", "member2", "peer_supporter", "therapist2"])
def test_nobody_else_finds_the_flag(login, request, message_flag, persona):
    client = login(request.getfixturevalue(persona))
    for area in ("therapist", "moderation", "staff"):
        assert client.get(page(message_flag, area)).status_code == 404
    assert not AuditEvent.objects.filter(event="safety.flag.read").exists()


def test_anonymous_visitors_are_sent_to_log_in(client, message_flag):
    response = client.get(page(message_flag, "therapist"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_moderator_cannot_read_it_in_the_therapist_area(login, moderator, message_flag):
    assert login(moderator).get(page(message_flag, "therapist")).status_code == 404


def test_a_therapist_it_is_handed_over_to_does_not_get_the_text(
    login, member, moderator, therapist, therapist2, message_flag
):
    book(member, therapist2, days=5)  # bookings never overlap
    actions.do_hand_over(moderator, access_flag(moderator, message_flag.pk, write=True), therapist2)
    response = login(therapist2).get(page(message_flag, "therapist"))
    assert response.status_code == 200
    assert RISKY not in response.content.decode()
    read = AuditEvent.objects.get(event="safety.flag.read", actor_id=therapist2.pk)
    assert read.changes["role"] == "therapist" and read.changes["text"] is False


# --- Acting on it ------------------------------------------------------------------------


def test_the_treating_therapist_resolves_it(login, therapist, message_flag):
    url = reverse("therapist_flag_action", args=[message_flag.pk, "resolve"])
    response = login(therapist).post(url, {"outcome": "therapist", "note": "Called them."})
    assert response.status_code == 302
    message_flag.refresh_from_db()
    assert (message_flag.status, message_flag.resolved_by) == (FlagStatus.RESOLVED, therapist)


# "message" is the hand-over's action (tests/safety/test_handover.py): it is not the
# routed clinician's while the flag is theirs and not handed over.
@pytest.mark.parametrize("action", ["reach-out", "hand-over", "release", "hide", "message"])
def test_the_support_teams_tools_stay_with_the_support_team(login, therapist, message_flag, action):
    url = reverse("therapist_flag_action", args=[message_flag.pk, action])
    assert login(therapist).post(url, {"body": "hi", "therapist": therapist.pk}).status_code == 404
    message_flag.refresh_from_db()
    assert message_flag.status == FlagStatus.OPEN and not message_flag.conversations.exists()


def test_the_therapists_page_offers_only_what_they_may_do(login, therapist, message_flag):
    body = login(therapist).get(page(message_flag, "therapist")).content.decode()
    assert 'action="acknowledge/"' in body and 'action="resolve/"' in body
    assert 'action="reach-out/"' not in body and 'action="hand-over/"' not in body


def test_another_therapist_cannot_act_on_it(login, therapist2, message_flag):
    url = reverse("therapist_flag_action", args=[message_flag.pk, "acknowledge"])
    assert login(therapist2).post(url).status_code == 404
    message_flag.refresh_from_db()
    assert message_flag.status == FlagStatus.OPEN


def test_a_moderator_reaches_out_without_seeing_the_content(login, moderator, member, message_flag):
    url = reverse("safety_flag_action", args=[message_flag.pk, "reach-out"])
    assert login(moderator).post(url, {"body": "We're here for you."}).status_code == 302
    message_flag.refresh_from_db()
    assert message_flag.status == FlagStatus.ACKNOWLEDGED
    assert message_flag.conversations.get().member == member


def test_an_invalid_form_keeps_the_content_withheld(login, moderator, message_flag):
    url = reverse("safety_flag_action", args=[message_flag.pk, "resolve"])
    response = login(moderator).post(url, {"outcome": "", "note": "My careful note"})
    body = response.content.decode()
    assert response.status_code == 422 and "My careful note" in body
    assert RISKY not in body


def test_a_withheld_flag_cannot_be_saved_over_the_real_one(moderator, message_flag):
    shown = read_flag(moderator, message_flag.pk)
    assert shown.content_hidden and shown.text == "" and shown.signals == []
    with pytest.raises(ValueError, match="withheld"):
        shown.save()
    assert Flag.objects.get(pk=message_flag.pk).text == RISKY


# --- The member's "who looked at what" ---------------------------------------------------


def test_each_look_shows_on_the_members_page_with_the_readers_role(
    login, member, member2, therapist, moderator, staff, message_flag
):
    login(therapist).get(page(message_flag, "therapist"))
    login(moderator).get(page(message_flag, "moderation"))
    login(staff).get(page(message_flag, "staff"))
    rows = [(e.who, e.role, e.what) for e in access_log_for(member)]
    assert rows == [
        (
            "Kindred staff",
            "staff",
            "that you may need support (a safety alert on a message to your therapist), "
            "not what you wrote",
        ),
        (
            "The support team",
            "moderator",
            "that you may need support (a safety alert on a message to your therapist), "
            "not what you wrote",
        ),
        (
            "dr_ellis",
            "your therapist",
            "what you wrote, in a safety alert on a message to your therapist",
        ),
    ]
    assert access_log_for(member2) == []
    body = login(member).get(reverse("care_access_log")).content.decode()
    assert "dr_ellis (your therapist)" in body
    assert moderator.handle not in body and staff.handle not in body
    log = login(member).get("/api/v1/care/access-log").json()
    assert [(e["who"], e["role"]) for e in log][-1] == ("dr_ellis", "your therapist")


@pytest.mark.parametrize("persona", ["anonymous", "member", "member2", "therapist2"], indirect=True)
def test_nobody_else_acts_on_it(login, persona, message_flag):
    client = login(persona)
    for name in ("therapist_flag_action", "safety_flag_action", "staff_flag_action"):
        response = client.post(reverse(name, args=[message_flag.pk, "acknowledge"]))
        if persona is None:
            assert response.status_code == 302 and "/accounts/login/" in response["Location"]
        else:
            assert response.status_code == 404
    message_flag.refresh_from_db()
    assert message_flag.status == FlagStatus.OPEN


def test_a_moderator_without_two_factor_sees_nothing(login, message_flag):
    moderator = UserFactory(handle="mod_nomfa", roles=["moderator"])
    response = login(moderator).get(page(message_flag, "moderation"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    assert not AuditEvent.objects.filter(event="safety.flag.read").exists()
