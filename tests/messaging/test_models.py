from __future__ import annotations

import pytest
from django.db import IntegrityError, connection

from kindred.messaging.models import Conversation, Message
from tests.messaging.conftest import SECRET


def test_the_body_is_encrypted_in_the_raw_column(sent):
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM messaging_message WHERE id = %s", [sent.message.pk])
        (raw,) = cursor.fetchone()
    assert SECRET not in raw
    assert "sister" not in raw
    assert Message.objects.get(pk=sent.message.pk).body == SECRET


def test_one_conversation_per_member_and_therapist(conversation, member, therapist):
    with pytest.raises(IntegrityError):
        Conversation.objects.create(member=member, therapist=therapist)


def test_messages_come_in_order(conversation, member, therapist):
    from kindred.messaging import actions

    for i in range(3):
        actions.do_send_message(member if i % 2 == 0 else therapist, conversation, f"note {i}")
    assert [m.body for m in conversation.messages.all()] == ["note 0", "note 1", "note 2"]
