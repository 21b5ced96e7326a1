"""Held room messages through the safety layer's held-content registry."""

import pytest

from kindred.audit.models import AuditEvent
from kindred.rooms import actions, held
from kindred.rooms.models import RoomMessage
from kindred.safety.actions import SafetyActionError
from tests.rooms.factories import make_room

HIGH_RISK = "I have the pills ready and I am going to take them all tonight"


@pytest.fixture
def holding_policy(settings, room_kind):
    room_kind.area = "testholding"
    settings.SAFETY_POLICIES = {
        **settings.SAFETY_POLICIES,
        "testholding": {"moderate": "show", "high": "hold"},
    }


@pytest.fixture
def room(room_kind, member, member2):
    return make_room(room_kind, member, member2)


@pytest.fixture
def held_message(holding_policy, room, member):
    message = actions.do_post_message(room, member, HIGH_RISK)
    assert message.is_held
    return message


def test_is_held_answers_for_held_messages_only(held_message, room, member2):
    shown = actions.do_post_message(room, member2, "anyone there?")
    assert held.is_held(str(held_message.pk)) is True
    assert held.is_held(str(shown.pk)) is False


@pytest.mark.parametrize("source_id", ["999999", "", "abc", "-1", "0", "9" * 30])
def test_is_held_is_false_for_missing_or_malformed_ids(db, source_id):
    assert held.is_held(source_id) is False


def test_release_shows_the_message_with_the_next_seq(held_message, room, member2, moderator):
    after = actions.do_post_message(room, member2, "anyone there?")
    held.release(moderator, str(held_message.pk))
    message = RoomMessage.objects.get(pk=held_message.pk)
    assert not message.is_held and message.seq == after.seq + 1
    assert (
        AuditEvent.objects.filter(event="rooms.message_released", actor_id=moderator.pk).count()
        == 1
    )
    assert held.is_held(str(held_message.pk)) is False


@pytest.mark.parametrize("source_id", ["999999", "abc", "9" * 30])
def test_releasing_a_missing_message_is_a_clear_error(db, moderator, source_id):
    with pytest.raises(SafetyActionError, match="not held any more"):
        held.release(moderator, source_id)


def test_releasing_twice_is_a_clear_error_and_keeps_the_seq(held_message, moderator):
    held.release(moderator, str(held_message.pk))
    seq = RoomMessage.objects.get(pk=held_message.pk).seq
    with pytest.raises(SafetyActionError, match="not held any more"):
        held.release(moderator, str(held_message.pk))
    assert RoomMessage.objects.get(pk=held_message.pk).seq == seq
    assert AuditEvent.objects.filter(event="rooms.message_released").count() == 1
