"""Clinical flags on the staff side of the safety net: the flagged-content tools, support
conversations and the therapist's hand-over actions keep a clinical flag's text with its
routed therapist(s) (kindred/safety/access.py, clinical.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kindred.audit.models import AuditEvent
from kindred.messaging import actions as messaging
from kindred.messaging.models import Message
from kindred.rooms.actions import do_post_message
from kindred.safety import actions, flaggedcontent, support
from kindred.safety.access import access_flag
from kindred.safety.models import Flag, FlagStatus, SupportConversation
from tests.safety.test_clinical import RISKY, assert_no_content, book


@pytest.fixture
def message_flag(member, therapist, django_capture_on_commit_callbacks):
    """A risky secure message from ``member`` to ``therapist``, who treats them: routed to
    ``therapist`` only (as in test_clinical.py)."""
    book(member, therapist)
    conversation = messaging.do_start_conversation(member, therapist)
    with django_capture_on_commit_callbacks(execute=True):
        sent = messaging.do_send_message(member, conversation, RISKY)
    assert sent.screen is not None and sent.screen.flag is not None
    return sent.screen.flag


def page(flag, area="moderation"):
    name = {"moderation": "safety_flag", "staff": "staff_flag"}.get(area, "therapist_flag")
    return reverse(name, args=[flag.pk])


def hand_over(moderator, flag, therapist):
    return actions.do_hand_over(moderator, access_flag(moderator, flag.pk, write=True), therapist)


# --- Flagged content: nothing to open or hide ------------------------------------------


@pytest.fixture
def clinical_flag_on_a_post(member, member2, space, write):
    """A clinical flag whose source is a registered kind: the scope decides, not the source."""
    thread = write(member2, space, title="Evenings", body="How do you get through evenings?")
    post = write.reply(member, thread, body="Some days are long.")
    flag = Flag.objects.create(
        kind="risk",
        subject=member,
        text=RISKY,
        level="high",
        scope="therapy",
        source_type="community.post",
        source_id=str(post.pk),
    )
    return flag, post


def test_a_clinical_flag_has_nothing_registered_to_open_or_hide(clinical_flag_on_a_post):
    flag, _post = clinical_flag_on_a_post
    assert flaggedcontent.kind_of(flag) is None and flaggedcontent.flagged_item(flag) is None


@pytest.mark.parametrize(("persona", "area"), [("moderator", "moderation"), ("staff", "staff")])
def test_the_clinical_flag_page_offers_no_link_and_no_hiding(
    login, request, clinical_flag_on_a_post, persona, area
):
    flag, _post = clinical_flag_on_a_post
    body = login(request.getfixturevalue(persona)).get(page(flag, area)).content.decode()
    assert "This member needs attention" in body
    assert 'id="flagged-content"' not in body and 'action="hide/"' not in body
    assert 'href="content/"' not in body
    assert RISKY not in body


@pytest.mark.parametrize("action", ["hide", "unhide"])
def test_moderators_cannot_hide_what_a_clinical_flag_is_about(
    login, moderator, clinical_flag_on_a_post, action
):
    flag, post = clinical_flag_on_a_post
    url = reverse("safety_flag_action", args=[flag.pk, action])
    assert login(moderator).post(url, {"reason": "Unsafe"}).status_code == 404
    post.refresh_from_db()
    assert not post.is_hidden
    assert not AuditEvent.objects.filter(event__startswith="safety.flag_content_").exists()


@pytest.fixture
def clinical_flag_on_a_room_message(member, member2):
    """A clinical flag whose source has a content page (a room message in context)."""
    from tests.rooms.factories import install_test_kind, make_room, uninstall_test_kind

    kind = install_test_kind()
    try:
        room = make_room(kind, member, member2)
        message = do_post_message(room, member, "Some days are long.")
        yield Flag.objects.create(
            kind="risk",
            subject=member,
            text=RISKY,
            level="high",
            scope="measures",
            source_type="rooms.message",
            source_id=str(message.pk),
        )
    finally:
        uninstall_test_kind()


@pytest.mark.parametrize(("persona", "name"), [("moderator", "safety"), ("staff", "staff")])
def test_a_clinical_flag_has_no_content_page(
    login, request, clinical_flag_on_a_room_message, persona, name
):
    flag = clinical_flag_on_a_room_message
    url = reverse(f"{name}_flag_content", args=[flag.pk])
    assert login(request.getfixturevalue(persona)).get(url).status_code == 404
    assert not AuditEvent.objects.filter(target_id=str(flag.pk), event__endswith=".read").exists()


def test_the_routed_therapist_has_no_content_page_either(login, therapist, message_flag):
    # They may act on the flag (access_flag(write=True)), but the page is the team's.
    url = reverse("safety_flag_content", args=[message_flag.pk])
    assert login(therapist).get(url).status_code == 404


# --- Support conversations on a clinical flag ------------------------------------------


def test_the_team_thread_on_a_clinical_flag_carries_no_clinical_text(
    login, moderator, member, message_flag
):
    url = reverse("safety_flag_action", args=[message_flag.pk, "reach-out"])
    assert login(moderator).post(url, {"body": "We are here for you."}).status_code == 302
    conversation = SupportConversation.objects.get(flag=message_flag)
    assert conversation.member == member and conversation.context == ""
    support.do_member_reply(member, conversation, "Thank you, I have talked to my therapist.")

    flag_page = login(moderator).get(page(message_flag)).content.decode()
    assert "Private messages with the member" in flag_page
    assert "I have talked to my therapist" in flag_page
    assert "This member needs attention" in flag_page
    assert RISKY not in flag_page
    assert_no_content(flag_page)

    thread_page = (
        login(moderator)
        .get(reverse("safety_support_conversation", args=[conversation.pk]))
        .content.decode()
    )
    member_page = (
        login(member).get(reverse("safety_conversation", args=[conversation.pk])).content.decode()
    )
    inbox = login(member).get(reverse("safety_messages")).content.decode()
    assert "We are here for you." in thread_page and "We are here for you." in member_page
    assert_no_content(thread_page, member_page, inbox)


def test_the_routed_therapist_does_not_see_the_teams_threads(
    login, moderator, therapist, message_flag
):
    support.do_reach_out(moderator, access_flag(moderator, message_flag.pk, write=True), "Hello")
    body = login(therapist).get(page(message_flag, "therapist")).content.decode()
    assert RISKY in body  # theirs to read
    assert "Private messages with the member" not in body and "Hello" not in body


# --- Hand-over actions and clinician actions: one address, never both ------------------


def test_handed_to_its_routed_therapist_a_clinical_flag_takes_the_handover_actions(
    login, moderator, therapist, message_flag
):
    hand_over(moderator, message_flag, therapist)
    client = login(therapist)
    body = client.get(page(message_flag, "therapist")).content.decode()
    assert RISKY in body  # still the routed therapist: they read it
    assert "Your client may be at risk" in body and 'action="message/"' in body
    # The clinician's own acknowledge is not offered next to the hand-over's.
    assert "Acknowledge (stops the escalation timer)" not in body
    assert body.count('action="acknowledge/"') == 1 and body.count('action="resolve/"') == 1

    action = reverse("therapist_flag_action", args=[message_flag.pk, "acknowledge"])
    assert client.post(action).status_code == 302
    message_flag.refresh_from_db()
    assert message_flag.status == FlagStatus.HANDED_OVER
    assert message_flag.handover_acknowledged_at is not None

    action = reverse("therapist_flag_action", args=[message_flag.pk, "resolve"])
    assert client.post(action, {"outcome": "therapist", "note": "Seen today."}).status_code == 302
    message_flag.refresh_from_db()
    assert (message_flag.status, message_flag.resolved_by) == (FlagStatus.RESOLVED, therapist)


def test_a_therapist_handed_a_clinical_flag_they_were_not_routed_acts_without_its_text(
    login, member, moderator, therapist, therapist2, message_flag
):
    book(member, therapist2, days=5)
    hand_over(moderator, message_flag, therapist2)
    client = login(therapist2)
    body = client.get(page(message_flag, "therapist")).content.decode()
    assert "Your client may be at risk" in body and RISKY not in body

    # A form error re-renders the page: what they typed is kept, the text still withheld.
    action = reverse("therapist_flag_action", args=[message_flag.pk, "resolve"])
    response = client.post(action, {"outcome": "content_removed", "note": "My careful note"})
    body = response.content.decode()
    assert response.status_code == 422 and "My careful note" in body
    assert RISKY not in body
    assert_no_content(body)

    action = reverse("therapist_flag_action", args=[message_flag.pk, "message"])
    assert client.post(action, {"body": "Can we talk tomorrow?"}).status_code == 302
    assert Message.objects.filter(sender=therapist2).count() == 1
    message_flag.refresh_from_db()
    assert message_flag.handover_acknowledged_at is not None


def test_once_handed_to_another_therapist_the_routed_one_no_longer_closes_it(
    login, member, moderator, therapist, therapist2, message_flag
):
    book(member, therapist2, days=5)
    hand_over(moderator, message_flag, therapist2)
    action = reverse("therapist_flag_action", args=[message_flag.pk, "resolve"])
    response = login(therapist).post(action, {"outcome": "therapist"}, follow=True)
    assert "This flag is already closed." in response.content.decode()
    message_flag.refresh_from_db()
    assert message_flag.status == FlagStatus.HANDED_OVER and message_flag.resolved_by is None


def test_the_routed_therapist_cannot_use_handover_actions_before_a_handover(
    login, therapist, message_flag
):
    action = reverse("therapist_flag_action", args=[message_flag.pk, "message"])
    assert login(therapist).post(action, {"body": "Hello"}).status_code == 404
    assert not Message.objects.filter(sender=therapist).exists()
    message_flag.refresh_from_db()
    assert message_flag.status == FlagStatus.OPEN and message_flag.handover_acknowledged_at is None
