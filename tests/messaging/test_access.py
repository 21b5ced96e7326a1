from __future__ import annotations

import pytest

from kindred.audit.models import AuditEvent
from kindred.core.access import NotFound
from kindred.messaging import access
from tests.messaging.conftest import book, end_treatment

OTHERS = ["member2", "peer_supporter", "therapist2", "moderator", "staff"]


def test_participants_see_their_conversation(conversation, member, therapist):
    assert access.access_member_conversation(member, conversation.pk) == conversation
    assert access.access_therapist_conversation(therapist, conversation.pk) == conversation


@pytest.mark.parametrize("persona", OTHERS, indirect=True)
def test_everyone_else_gets_the_error_for_a_missing_id(persona, conversation):
    for fn in (access.access_member_conversation, access.access_therapist_conversation):
        with pytest.raises(NotFound) as forbidden:
            fn(persona, conversation.pk)
        with pytest.raises(NotFound) as missing:
            fn(persona, conversation.pk + 1000)
        assert str(forbidden.value) == str(missing.value)


def test_each_side_only_on_its_own_pages(conversation, member, therapist):
    with pytest.raises(NotFound):
        access.access_member_conversation(therapist, conversation.pk)
    with pytest.raises(NotFound):
        access.access_therapist_conversation(member, conversation.pk)


def test_a_therapist_who_also_treats_the_member_sees_nothing(conversation, member, therapist2):
    book(member, therapist2, days=5)
    with pytest.raises(NotFound):
        access.access_therapist_conversation(therapist2, conversation.pk)


def test_therapist_reads_are_audited(conversation, therapist, member):
    access.access_therapist_conversation(therapist, conversation.pk)
    event = AuditEvent.objects.get(event="messaging.conversation.read")
    assert event.actor_id == therapist.pk
    assert event.target_id == str(conversation.pk)
    access.access_member_conversation(member, conversation.pk)
    assert AuditEvent.objects.filter(event="messaging.conversation.read").count() == 1


def test_starting_needs_a_treatment_relationship(member, member2, therapist, treating):
    assert access.access_treating_therapist(member, therapist.pk) == therapist
    assert access.access_client(therapist, member.pk) == member
    with pytest.raises(NotFound):
        access.access_treating_therapist(member2, therapist.pk)
    with pytest.raises(NotFound):
        access.access_client(therapist, member2.pk)


def test_open_only_while_treating(conversation, member, therapist):
    assert access.is_open(conversation)
    end_treatment(member, therapist)
    assert not access.is_open(conversation)
    # Still readable by both.
    assert access.access_member_conversation(member, conversation.pk) == conversation
    assert access.access_therapist_conversation(therapist, conversation.pk) == conversation
