"""Writing from a handed-over flag goes through the messenger secure messaging registers."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kindred.bookings.models import Booking
from kindred.messaging.actions import send_from_handover
from kindred.messaging.models import Message
from kindred.safety import actions, outreach
from kindred.safety.models import Flag

HIGH_RISK = "I have the pills ready and I am going to take them all tonight"

pytestmark = pytest.mark.django_db


@pytest.fixture
def flag(member, moderator, therapist):
    start = timezone.now() + timedelta(days=2)
    Booking.objects.create(
        therapist=therapist, member=member, starts_at=start, ends_at=start + timedelta(minutes=50)
    )
    flag = actions.screen_text(member, HIGH_RISK, area="groups", source_type="groups.message").flag
    return actions.do_hand_over(moderator, flag, therapist)


def test_secure_messaging_is_the_registered_messenger():
    assert outreach.messenger() is send_from_handover


def test_the_message_is_sent_and_the_flag_acknowledged(therapist, member, flag):
    sent = actions.do_message_from_handover(therapist, flag, "Can we talk today?")
    message = Message.objects.get(pk=sent.message_id)
    assert message.conversation_id == sent.conversation_id
    assert (message.sender, message.body) == (therapist, "Can we talk today?")
    assert Flag.objects.get(pk=flag.pk).handover_acknowledged_at is not None


def test_without_secure_messaging_the_therapist_is_told_and_nothing_changes(
    monkeypatch, therapist, flag
):
    monkeypatch.delitem(outreach.MESSENGERS, outreach.MESSENGER)
    with pytest.raises(actions.SafetyActionError, match="not available"):
        actions.do_message_from_handover(therapist, flag, "Can we talk today?")
    assert not Message.objects.exists()
    assert Flag.objects.get(pk=flag.pk).handover_acknowledged_at is None


def test_a_refused_message_rolls_back_the_acknowledgement(monkeypatch, therapist, flag):
    def refuse(therapist, member, body):
        raise actions.SafetyActionError("Refused.")

    monkeypatch.setitem(outreach.MESSENGERS, outreach.MESSENGER, refuse)
    with pytest.raises(actions.SafetyActionError, match="Refused"):
        actions.do_message_from_handover(therapist, flag, "Hello")
    assert Flag.objects.get(pk=flag.pk).handover_acknowledged_at is None
