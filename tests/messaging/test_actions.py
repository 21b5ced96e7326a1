from __future__ import annotations

import pytest

from kindred.audit.models import AuditEvent
from kindred.core.access import NotFound
from kindred.core.models import Notification
from kindred.messaging import actions
from kindred.messaging.models import Conversation, Message
from kindred.safety.models import Flag
from tests.messaging.conftest import RISKY, SECRET, end_treatment


def test_sending_stores_notifies_and_audits(conversation, member, therapist):
    sent = actions.do_send_message(member, conversation, f"  {SECRET}  ")
    message = Message.objects.get()
    assert message.body == SECRET and message.sender == member and message.read_at is None
    conversation.refresh_from_db()
    assert conversation.last_message_at == message.created_at
    note = Notification.objects.get(recipient=therapist)
    assert note.url == f"/therapist/messages/{conversation.pk}/"
    assert SECRET not in note.title and "urgent" not in note.title
    event = AuditEvent.objects.get(event="messaging.message_sent")
    assert event.target_id == str(message.pk)
    assert event.changes == {"conversation": conversation.pk, "flagged": False}
    assert SECRET not in str(event.changes)
    assert not sent.flagged


def test_the_therapist_reply_notifies_the_member(conversation, member, therapist):
    sent = actions.do_send_message(therapist, conversation, "Thanks for telling me.")
    assert sent.screen is None
    note = Notification.objects.get(recipient=member)
    assert note.url == f"/my/messages/{conversation.pk}/"


def test_notification_is_pushed_once_after_commit(
    conversation, member, therapist, django_capture_on_commit_callbacks, monkeypatch
):
    pushed = []
    monkeypatch.setattr(
        "kindred.core.events.send_event_now", lambda group, event: pushed.append((group, event))
    )
    with django_capture_on_commit_callbacks(execute=True):
        actions.do_send_message(member, conversation, SECRET)
    assert pushed == [
        (
            f"user.{therapist.pk}",
            {
                "type": "notification.created",
                "kind": "messaging.message",
                "title": f"New secure message from {member.handle}",
                "url": f"/therapist/messages/{conversation.pk}/",
            },
        )
    ]


def test_a_high_risk_message_raises_exactly_one_flag(conversation, member, therapist):
    sent = actions.do_send_message(member, conversation, RISKY)
    assert sent.flagged
    assert sent.screen is not None and sent.screen.support
    flag = Flag.objects.get()
    assert flag.subject == member
    assert flag.source_type == "messaging.message"
    assert flag.source_id == str(sent.message.pk)
    sent.message.refresh_from_db()
    assert sent.message.risk_level in ("moderate", "high")
    note = Notification.objects.get(recipient=therapist, kind="messaging.message")
    assert "urgent attention" in note.title
    assert "pills" not in note.title
    # The flag is routed to this therapist, who alone may read it (tests/safety/test_clinical.py).
    assert list(flag.clinicians.all()) == [therapist]
    alert = Notification.objects.get(recipient=therapist, kind="safety.clinical")
    assert alert.url == f"/therapist/flags/{flag.pk}/" and "pills" not in alert.title


def test_therapist_messages_are_not_screened(conversation, therapist):
    actions.do_send_message(therapist, conversation, RISKY)
    assert not Flag.objects.exists()


@pytest.mark.parametrize("body", ["", "   "])
def test_an_empty_message_is_refused(conversation, member, body):
    with pytest.raises(actions.MessagingError, match="Write a message"):
        actions.do_send_message(member, conversation, body)
    assert not Message.objects.exists()


def test_a_too_long_message_is_refused_clearly(conversation, member):
    with pytest.raises(
        actions.MessagingError, match="at most 5,000 characters; this one has 5,001"
    ):
        actions.do_send_message(member, conversation, "x" * 5001)
    actions.do_send_message(member, conversation, "x" * 5000)
    assert Message.objects.count() == 1


def test_a_closed_conversation_refuses_new_messages(conversation, member, therapist):
    end_treatment(member, therapist)
    for sender in (member, therapist):
        with pytest.raises(actions.MessagingError, match="closed"):
            actions.do_send_message(sender, conversation, "Hello?")
    assert not Message.objects.exists()
    assert not Notification.objects.exists()


def test_outsiders_cannot_send(conversation, member2, therapist2):
    for sender in (member2, therapist2):
        with pytest.raises(NotFound):
            actions.do_send_message(sender, conversation, "Hello")
    assert not Message.objects.exists()


def test_starting_twice_returns_the_same_conversation(treating, member, therapist):
    first = actions.do_start_conversation(member, therapist)
    assert actions.do_start_conversation(member, therapist) == first
    assert Conversation.objects.count() == 1
    assert AuditEvent.objects.filter(event="messaging.conversation_started").count() == 1


def test_mark_read_marks_only_the_other_persons_messages(conversation, member, therapist):
    actions.do_send_message(member, conversation, "one")
    actions.do_send_message(therapist, conversation, "two")
    assert actions.do_mark_read(therapist, conversation) == 1
    assert Message.objects.get(body__isnull=False, sender=member).read_at is not None
    assert Message.objects.get(sender=therapist).read_at is None
