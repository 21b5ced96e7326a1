from __future__ import annotations

import pytest
from django.urls import reverse

from kindred.audit.models import AuditEvent
from kindred.messaging import actions
from kindred.messaging.models import Conversation, Message
from tests.factories import UserFactory
from tests.messaging.conftest import RISKY, SECRET, book, end_treatment, without_csrf

ALL = ["member", "member2", "peer_supporter", "therapist", "therapist2", "moderator", "staff"]


@pytest.mark.parametrize("persona", [*ALL, "anonymous"], indirect=True)
def test_therapist_conversation_page_as_every_persona(persona, login, sent, request):
    client = login(persona)
    conversation = sent.message.conversation
    response = client.get(reverse("therapist_conversation", args=[conversation.pk]))
    if persona is not None and persona == request.getfixturevalue("therapist"):
        assert response.status_code == 200
        assert SECRET in response.content.decode()
    elif persona is None:
        assert response.status_code == 302
    else:
        assert response.status_code == 404
        assert SECRET not in response.content.decode()
        missing = client.get(reverse("therapist_conversation", args=[conversation.pk + 1000]))
        assert missing.status_code == 404
        assert without_csrf(missing.content) == without_csrf(response.content)


def test_reading_is_audited_and_marks_read(login, therapist, sent):
    client = login(therapist)
    conversation = sent.message.conversation
    client.get(reverse("therapist_conversation", args=[conversation.pk]))
    event = AuditEvent.objects.get(event="messaging.conversation.read")
    assert event.actor_id == therapist.pk and event.target_id == str(conversation.pk)
    sent.message.refresh_from_db()
    assert sent.message.read_at is not None


def test_the_therapist_replies(login, therapist, member, conversation):
    client = login(therapist)
    url = reverse("therapist_conversation", args=[conversation.pk])
    response = client.post(url, {"body": "See you on Thursday."})
    assert response["Location"] == url + "?draft=saved"
    assert Message.objects.get().sender == therapist


def test_an_empty_reply_is_422(login, therapist, conversation):
    client = login(therapist)
    response = client.post(reverse("therapist_conversation", args=[conversation.pk]), {"body": ""})
    assert response.status_code == 422
    assert not Message.objects.exists()


def test_a_flagged_message_is_marked_without_a_score(login, therapist, member, conversation):
    actions.do_send_message(member, conversation, RISKY)
    client = login(therapist)
    page = client.get(reverse("therapist_conversation", args=[conversation.pk])).content.decode()
    assert "may need urgent attention" in page
    # The support panel is for the member only.
    assert "You don't have to carry it alone" not in page


def test_starting_a_conversation_needs_a_client(login, therapist, member, member2, treating):
    client = login(therapist)
    assert client.post(reverse("therapist_message_client", args=[member2.pk])).status_code == 404
    response = client.post(reverse("therapist_message_client", args=[member.pk]))
    conversation = Conversation.objects.get()
    assert response["Location"] == reverse("therapist_conversation", args=[conversation.pk])


def test_a_closed_conversation_refuses_the_therapist_too(login, therapist, member, conversation):
    end_treatment(member, therapist)
    client = login(therapist)
    url = reverse("therapist_conversation", args=[conversation.pk])
    assert "This conversation is closed" in client.get(url).content.decode()
    assert client.post(url, {"body": "Checking in"}).status_code == 422
    assert not Message.objects.exists()
    assert "closed" in client.get(reverse("therapist_messages")).content.decode()


@pytest.mark.parametrize("persona", ["member", "member2", "moderator", "staff"], indirect=True)
def test_the_list_is_for_therapists_only(persona, login, conversation):
    assert login(persona).get(reverse("therapist_messages")).status_code == 404


def test_the_list_shows_only_own_clients(login, therapist, therapist2, member2, conversation):
    book(member2, therapist2)
    actions.do_start_conversation(member2, therapist2)
    body = login(therapist).get(reverse("therapist_messages")).content.decode()
    assert reverse("therapist_conversation", args=[conversation.pk]) in body
    assert member2.handle not in body


def test_the_list_queries_do_not_grow(login, therapist, sent, django_assert_max_num_queries):
    client = login(therapist)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("therapist_messages"))
    for n in range(4):
        client_member = UserFactory()
        # Different days: PostgreSQL refuses a therapist's overlapping bookings.
        book(client_member, therapist, days=10 + n)
        conversation = actions.do_start_conversation(client_member, therapist)
        for i in range(3):
            actions.do_send_message(client_member, conversation, f"note {i}")
    for n in range(2):
        book(UserFactory(), therapist, days=20 + n)  # clients not yet messaged
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("therapist_messages"))
    body = response.content.decode()
    assert body.count("3 unread") == 4
    assert body.count("Start a conversation") == 2
