"""A facilitator alerted to risk in their room writes to the person privately, and hears back."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kindred.audit.models import AuditEvent
from kindred.core.models import Notification
from kindred.groups import actions
from kindred.rooms.actions import do_post_message
from kindred.safety import support
from kindred.safety.actions import do_block, screen_text
from kindred.safety.models import Flag, SupportConversation, SupportSide

HIGH_RISK = "I have the pills ready and I am going to take them all tonight"


@pytest.fixture
def events(monkeypatch):
    sent: list[tuple[str, dict]] = []
    monkeypatch.setattr(
        "kindred.core.events.send_event_now", lambda group, event: sent.append((group, event))
    )
    return sent


@pytest.fixture
def risky(live, session, member, member2, settings):
    """Maya writes something risky in the live room: the message and its flag."""
    settings.ROOM_RATE_LIMIT_MESSAGES = 100
    actions.do_check_in(member, session, passed=True)
    actions.do_check_in(member2, session, passed=True)
    for n in range(7):
        do_post_message(live, member2, f"earlier {n}")
    message = do_post_message(live, member, HIGH_RISK)
    for n in range(7):
        do_post_message(live, member2, f"later {n}")
    flag = Flag.objects.get(source_type="rooms.message", source_id=str(message.pk))
    return message, flag


def _url(session, flag):
    return reverse("groups_session_reach_out", args=[session.pk, flag.pk])


def test_the_alert_offers_a_private_message(
    live, session, facilitator, member, events, django_capture_on_commit_callbacks
):
    actions.do_check_in(member, session, passed=True)
    with django_capture_on_commit_callbacks(execute=True):
        message = do_post_message(live, member, HIGH_RISK)
    flag = Flag.objects.get(source_type="rooms.message", source_id=str(message.pk))
    alert = next(
        e for g, e in events if g == f"user.{facilitator.pk}" and e["type"] == "risk.detected"
    )
    assert alert["reach_out_url"] == _url(session, flag)
    assert "pills" not in str(alert)


def test_the_facilitator_writes_privately_and_the_member_can_answer(
    client, session, facilitator, member, risky
):
    _, flag = risky
    client.force_login(facilitator)
    page = client.get(_url(session, flag))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Write to member_maya privately" in body and "Are you safe?" in body  # a kind start
    response = client.post(_url(session, flag), {"body": "Hi Maya, checking in. Are you safe?"})
    conversation = SupportConversation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("safety_support_conversation", args=[conversation.pk])
    assert (conversation.side, conversation.staff, conversation.member, conversation.flag) == (
        SupportSide.FACILITATOR,
        facilitator,
        member,
        flag,
    )
    assert conversation.context == "Group: Living with anxiety"
    note = Notification.objects.get(recipient=member, kind="safety.message")
    assert "facil_frank" in note.title and "Maya" not in note.title
    assert AuditEvent.objects.filter(
        event="safety.support_message_sent", actor_id=facilitator.pk
    ).exists()

    reply = support.do_member_reply(member, conversation, "Feeling steadier now, thank you.")
    assert Notification.objects.filter(recipient=facilitator, kind="safety.reply").exists()
    client.force_login(facilitator)
    thread = client.get(reverse("safety_support_conversation", args=[conversation.pk]))
    assert reply.message.body in thread.content.decode()
    # Coming back to the alert's link goes straight to the conversation.
    again = client.get(_url(session, flag))
    assert again.status_code == 302 and again["Location"].endswith(f"/support/{conversation.pk}/")


def test_a_refused_message_keeps_the_text(client, session, facilitator, risky):
    _, flag = risky
    client.force_login(facilitator)
    typed = "k" * 4001
    response = client.post(_url(session, flag), {"body": typed})
    assert response.status_code == 422
    assert typed in response.content.decode() and "at most 4,000" in response.content.decode()
    assert not SupportConversation.objects.exists()


def test_a_block_between_them_stops_the_message(client, session, facilitator, member, risky):
    _, flag = risky
    do_block(member, facilitator)
    client.force_login(facilitator)
    response = client.post(_url(session, flag), {"body": "Are you okay?"})
    assert response.status_code == 422
    assert "You cannot write to this person." in response.content.decode()
    assert not SupportConversation.objects.exists()


@pytest.mark.parametrize(
    "who", ["member", "member2", "outsider", "other_facilitator", "moderator", "therapist"]
)
def test_only_the_groups_facilitator_reaches_out(client, request, session, risky, who):
    _, flag = risky
    client.force_login(request.getfixturevalue(who))
    assert client.get(_url(session, flag)).status_code == 404
    assert client.post(_url(session, flag), {"body": "hello"}).status_code == 404
    assert not SupportConversation.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client, session, risky):
    _, flag = risky
    response = client.post(_url(session, flag), {"body": "hello"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_flags_from_elsewhere_are_not_the_facilitators(client, session, facilitator, member):
    # About the same person, but raised somewhere else: the facilitator learns nothing of it.
    elsewhere = screen_text(member, HIGH_RISK, area="community", source_type="community.post").flag
    client.force_login(facilitator)
    assert client.get(_url(session, elsewhere)).status_code == 404
    missing = reverse("groups_session_reach_out", args=[session.pk, 999999])
    assert client.get(missing).status_code == 404


def test_a_risky_check_in_word_can_be_followed_up_too(client, live, session, facilitator, member):
    actions.do_check_in(member, session, mood_word="suicidal", passed=False)
    flag = Flag.objects.filter(source_type="groups.checkin").first()
    if flag is None:
        pytest.skip("the screen does not flag this word")
    client.force_login(facilitator)
    assert client.get(_url(session, flag)).status_code == 200


def test_moderators_read_a_group_message_in_context(client, moderator, risky):
    _, flag = risky
    client.force_login(moderator)
    body = client.get(reverse("safety_flag_content", args=[flag.pk])).content.decode()
    assert HIGH_RISK in body
    # Five lines either side in a group room: the words around it are its meaning.
    assert "earlier 2" in body and "earlier 1" not in body
    assert "later 4" in body and "later 5" not in body
