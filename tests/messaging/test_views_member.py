from __future__ import annotations

import pytest
from django.urls import reverse

from kindred.messaging import actions
from kindred.messaging.models import Conversation, Message
from kindred.safety.models import Flag
from tests.factories import UserFactory
from tests.messaging.conftest import RISKY, SECRET, book, end_treatment, without_csrf

ALL = ["member", "member2", "peer_supporter", "therapist", "therapist2", "moderator", "staff"]
SUPPORT = "You don't have to carry it alone"


@pytest.mark.parametrize("persona", [*ALL, "anonymous"], indirect=True)
def test_member_conversation_page_as_every_persona(persona, login, sent, request):
    client = login(persona)
    conversation = sent.message.conversation
    response = client.get(reverse("my_conversation", args=[conversation.pk]))
    if persona is not None and persona == request.getfixturevalue("member"):
        assert response.status_code == 200
        assert SECRET in response.content.decode()
    elif persona is None:
        assert response.status_code == 302
    else:
        assert response.status_code == 404
        assert SECRET not in response.content.decode()
        missing = client.get(reverse("my_conversation", args=[conversation.pk + 1000]))
        assert missing.status_code == 404
        assert without_csrf(missing.content) == without_csrf(response.content)


def test_posting_as_another_member_is_404(login, member2, conversation):
    client = login(member2)
    response = client.post(reverse("my_conversation", args=[conversation.pk]), {"body": "hi"})
    assert response.status_code == 404
    assert not Message.objects.exists()


def test_my_therapists_lists_therapists_with_links(login, member, therapist, treating):
    client = login(member)
    body = client.get(reverse("my_therapists")).content.decode()
    assert therapist.legal_name in body
    assert reverse("bookings_therapist", args=[therapist.pk]) in body
    assert "/my/plan/" in body
    assert treating.starts_at.strftime("%Y") in body
    assert reverse("my_therapist_message", args=[therapist.pk]) in body


def test_starting_a_conversation_needs_a_treatment_relationship(login, member, therapist):
    client = login(member)
    response = client.post(reverse("my_therapist_message", args=[therapist.pk]))
    assert response.status_code == 404
    assert not Conversation.objects.exists()
    book(member, therapist)
    response = client.post(reverse("my_therapist_message", args=[therapist.pk]))
    conversation = Conversation.objects.get()
    assert response["Location"] == reverse("my_conversation", args=[conversation.pk])
    assert conversation.member == member and conversation.therapist == therapist


def test_sending_redirects_and_confirms_the_draft(login, member, conversation):
    client = login(member)
    url = reverse("my_conversation", args=[conversation.pk])
    response = client.post(url, {"body": SECRET})
    assert response.status_code == 302
    assert response["Location"] == url + "?draft=saved"
    assert Message.objects.get().body == SECRET
    page = client.get(url).content.decode()
    assert f'data-draft="msg-{conversation.pk}"' in page
    # Clinical: the draft stays in the tab (sessionStorage), never on the device.
    assert "data-draft-keep" not in page
    # Signing out clears it: app.js knows the sign-out address from the page.
    assert 'data-logout-url="/accounts/logout/"' in page
    assert SUPPORT not in page


def test_a_too_long_message_is_422_and_keeps_the_text(login, member, conversation):
    client = login(member)
    text = "word " * 1001
    response = client.post(reverse("my_conversation", args=[conversation.pk]), {"body": text})
    assert response.status_code == 422
    body = response.content.decode()
    assert "at most 5,000 characters" in body
    assert text.strip() in body
    assert not Message.objects.exists()


def test_a_closed_conversation_says_so_and_refuses(login, member, therapist, sent):
    conversation = sent.message.conversation
    end_treatment(member, therapist)
    client = login(member)
    url = reverse("my_conversation", args=[conversation.pk])
    page = client.get(url).content.decode()
    assert SECRET in page
    assert "This conversation is closed" in page
    assert "<textarea" not in page
    response = client.post(url, {"body": "Are you there?"})
    assert response.status_code == 422
    assert "Are you there?" in response.content.decode()
    assert Message.objects.count() == 1
    listing = client.get(reverse("my_therapists")).content.decode()
    assert "Past conversations" in listing
    assert url in listing


def test_a_risky_message_shows_the_support_panel_once(login, member, therapist, conversation):
    client = login(member)
    url = reverse("my_conversation", args=[conversation.pk])
    response = client.post(url, {"body": RISKY}, follow=True)
    assert response.status_code == 200
    assert SUPPORT in response.content.decode()
    assert Flag.objects.count() == 1
    again = client.get(url).content.decode()
    assert SUPPORT not in again
    assert RISKY in again


def test_my_therapists_queries_do_not_grow(
    login, member, therapist, conversation, django_assert_max_num_queries
):
    client = login(member)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("my_therapists"))
    for n in range(4):
        other = UserFactory(roles=["therapist"])
        # Different days: PostgreSQL refuses a member's overlapping bookings.
        book(member, other, days=10 + 2 * n)
        book(member, other, days=11 + 2 * n)
        conversation = actions.do_start_conversation(member, other)
        for i in range(3):
            actions.do_send_message(other, conversation, f"note {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("my_therapists"))
    assert response.content.decode().count("3 unread") == 4


def test_sending_too_fast_keeps_the_text_and_answers_429(
    login, member, therapist, conversation, rate_limits
):
    rate_limits({"messaging.message": "2/10m/user"})
    client = login(member)
    url = reverse("my_conversation", args=[conversation.pk])
    for n in range(2):
        assert client.post(url, {"body": f"Message {n}"}).status_code == 302
    response = client.post(url, {"body": "What I needed to tell you"})
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 600
    body = response.content.decode()
    assert "What I needed to tell you" in body and "Please wait" in body
    assert Message.objects.filter(sender=member).count() == 2
    # The therapist's answer is counted on their own account.
    reply = login(therapist).post(
        reverse("therapist_conversation", args=[conversation.pk]), {"body": "I am here"}
    )
    assert reply.status_code == 302
