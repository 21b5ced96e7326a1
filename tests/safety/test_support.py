"""Support conversations: a moderator's private message is a thread the member answers in."""

import logging

import pytest
from django.db import connection
from django.urls import reverse

from kindred.audit.models import AuditEvent
from kindred.core.models import Notification
from kindred.core.roles import Role
from kindred.safety import actions, support
from kindred.safety.models import (
    Flag,
    FlagStatus,
    SupportConversation,
    SupportMessage,
    SupportSide,
)
from tests.factories import UserFactory

HIGH_RISK = "I have the pills ready and I am going to take them all tonight"
REPLY = "Thank you for asking. Today was rough but my sister is here."


@pytest.fixture
def flag(member):
    return actions.screen_text(
        member, HIGH_RISK, area="groups", source_type="groups.message", context="Tuesday group"
    ).flag


@pytest.fixture
def moderator2(db):
    return UserFactory(handle="mod_sky", roles=[Role.MODERATOR], mfa=True)


@pytest.fixture
def moderator_without_mfa(db):
    return UserFactory(handle="mod_nomfa", roles=[Role.MODERATOR])


@pytest.fixture
def conversation(flag, moderator):
    return support.do_reach_out(
        moderator, flag, "We read what you wrote. Are you safe?"
    ).conversation


@pytest.fixture
def facilitator_conversation(flag, facilitator):
    return support.do_facilitator_reach_out(
        facilitator, flag, "Checking in after the group.", context="Group: Tuesday"
    ).conversation


def _member_url(conversation):
    return reverse("safety_conversation", args=[conversation.pk])


def _staff_url(conversation):
    return reverse("safety_support_conversation", args=[conversation.pk])


# --- Actions ------------------------------------------------------------------------


def test_a_reach_out_starts_the_flags_team_conversation(member, moderator, moderator2, flag):
    first = support.do_reach_out(moderator, flag, "  Are you safe tonight?  ")
    second = support.do_reach_out(moderator2, flag, "I'm on shift now, here if you need us.")
    conversation = SupportConversation.objects.get()
    assert first.conversation == second.conversation == conversation
    assert (conversation.member, conversation.side, conversation.staff) == (
        member,
        SupportSide.TEAM,
        moderator,
    )
    assert conversation.context == ""  # a flag's context may quote a report: never shown
    assert [m.body for m in conversation.messages.order_by("pk")] == [
        "Are you safe tonight?",
        "I'm on shift now, here if you need us.",
    ]
    assert Notification.objects.filter(recipient=member, kind="safety.message").count() == 2
    flag.refresh_from_db()
    assert flag.status == FlagStatus.ACKNOWLEDGED


def test_the_member_replies_in_the_same_thread_and_the_writer_is_told(
    member, moderator, moderator2, conversation
):
    reply = support.do_member_reply(member, conversation, f"  {REPLY}  ")
    assert reply.message.conversation == conversation
    assert reply.message.from_member and reply.message.body == REPLY
    assert not reply.flagged
    told = Notification.objects.filter(kind="safety.reply")
    assert [n.recipient for n in told] == [moderator]  # the moderator who wrote, only
    assert told.get().url == _staff_url(conversation)
    assert REPLY not in told.get().title
    event = AuditEvent.objects.get(event="safety.support_reply")
    assert (event.actor_id, event.target_id) == (member.pk, str(conversation.pk))
    assert event.changes == {"message": reply.message.pk, "flagged": False}


def test_every_moderator_who_wrote_hears_of_a_reply(
    member, moderator, moderator2, flag, conversation
):
    support.do_reach_out(moderator2, flag, "Me too, I'm here.")
    support.do_member_reply(member, conversation, REPLY)
    told = set(Notification.objects.filter(kind="safety.reply").values_list("recipient", flat=True))
    assert told == {moderator.pk, moderator2.pk}


def test_when_the_writer_has_gone_the_moderators_on_duty_hear_of_it(
    member, moderator, moderator2, conversation
):
    moderator.is_active = False
    moderator.save(update_fields=["is_active"])
    actions.do_set_duty(moderator2, True)
    support.do_member_reply(member, conversation, REPLY)
    told = Notification.objects.filter(kind="safety.reply").values_list("recipient", flat=True)
    assert list(told) == [moderator2.pk]


def test_a_risky_reply_raises_a_flag_and_says_so_without_the_text(
    member, moderator, moderator2, conversation
):
    reply = support.do_member_reply(member, conversation, HIGH_RISK)
    assert reply.flagged and reply.screen.support
    new_flag = Flag.objects.get(source_type="safety.support_message")
    assert (new_flag.subject, new_flag.source_id) == (member, str(reply.message.pk))
    reply.message.refresh_from_db()
    assert reply.message.risk_level == "high"
    note = Notification.objects.get(kind="safety.reply")
    assert "urgent" in note.title and "pills" not in note.title
    # The new flag alerts whoever is on duty too, not only the one who wrote.
    assert Notification.objects.filter(recipient=moderator2, kind="safety.flag").exists()


def test_texts_are_encrypted_at_rest_and_never_logged(member, moderator, flag, caplog):
    caplog.set_level(logging.DEBUG)
    message = support.do_reach_out(moderator, flag, "Private words from the team")
    support.do_member_reply(member, message.conversation, REPLY)
    with connection.cursor() as cursor:
        cursor.execute("SELECT body FROM safety_supportmessage")
        raw = " ".join(row[0] for row in cursor.fetchall())
    assert "Private words" not in raw and "sister" not in raw
    assert "Private words" not in caplog.text and "sister" not in caplog.text
    audit = " ".join(str(e.changes) for e in AuditEvent.objects.all())
    assert "Private words" not in audit and "sister" not in audit


def test_empty_and_overlong_messages_are_refused(member, moderator, conversation):
    with pytest.raises(actions.SafetyActionError, match="Write a message first"):
        support.do_member_reply(member, conversation, "   ")
    with pytest.raises(actions.SafetyActionError, match="at most 4,000"):
        support.do_send_support(moderator, conversation, "x" * 4001)
    assert conversation.messages.count() == 1


def test_only_the_member_can_reply_as_the_member(member2, conversation):
    with pytest.raises(actions.SafetyActionError):
        support.do_member_reply(member2, conversation, "not mine")
    assert not SupportMessage.objects.filter(from_member=True).exists()


# --- The member's pages ---------------------------------------------------------------


def test_the_member_reads_and_replies_on_their_page(login, member, moderator, conversation):
    client = login(member)
    inbox = client.get(reverse("safety_messages")).content.decode()
    assert "The Kindred support team" in inbox and "1 new" in inbox
    page = client.get(_member_url(conversation))
    body = page.content.decode()
    assert page.status_code == 200
    assert "We read what you wrote" in body and "Support team" in body
    assert moderator.handle not in body  # the team writes as the team
    assert "Only you and Kindred's moderators can read these messages." in body
    assert not conversation.messages.filter(read_at__isnull=True).exists()

    response = client.post(_member_url(conversation), {"body": REPLY})
    assert response.status_code == 302 and response["Location"] == _member_url(conversation)
    assert conversation.messages.filter(from_member=True).get().body == REPLY
    assert REPLY in client.get(_member_url(conversation)).content.decode()


def test_a_refused_reply_keeps_what_the_member_wrote(login, member, conversation):
    typed = "y" * 4001
    response = login(member).post(_member_url(conversation), {"body": typed})
    assert response.status_code == 422
    body = response.content.decode()
    assert typed in body and "at most 4,000" in body
    assert not conversation.messages.filter(from_member=True).exists()


def test_a_risky_reply_shows_the_member_crisis_support_next(login, member, conversation):
    client = login(member)
    response = client.post(_member_url(conversation), {"body": HIGH_RISK}, follow=True)
    assert "You don't have to carry it alone" in response.content.decode()
    # Once: the next visit is the plain thread.
    again = client.get(_member_url(conversation)).content.decode()
    assert "You don't have to carry it alone" not in again


@pytest.mark.parametrize(
    "persona",
    ["anonymous", "member2", "facilitator", "therapist", "moderator", "staff"],
    indirect=True,
)
def test_nobody_else_reads_or_writes_the_members_thread(client, login, persona, conversation):
    url = _member_url(conversation)
    client = login(persona)
    read = client.get(url)
    write = client.post(url, {"body": "not yours"})
    if persona is None:
        assert read.status_code == 302 and "/accounts/login/" in read["Location"]
        assert write.status_code == 302 and "/accounts/login/" in write["Location"]
    else:
        assert read.status_code == write.status_code == 404
        assert "We read what you wrote" not in read.content.decode()
    assert "not yours" not in [m.body for m in SupportMessage.objects.all()]


def test_a_missing_conversation_looks_like_someone_elses(login, member, conversation):
    missing = login(member).get(reverse("safety_conversation", args=[conversation.pk + 99]))
    assert missing.status_code == 404


# --- The supporting side ----------------------------------------------------------------


def test_a_moderator_reads_replies_and_answers_and_reads_are_audited(
    login, member, moderator, moderator2, conversation
):
    support.do_member_reply(member, conversation, REPLY)
    client = login(moderator2)  # any moderator: the team answers as a team
    page = client.get(_staff_url(conversation))
    body = page.content.decode()
    assert page.status_code == 200
    assert REPLY in body and "new" in body and 'name="body"' in body
    assert (
        AuditEvent.objects.filter(
            event="safety.supportconversation.read",
            actor_id=moderator2.pk,
            target_id=str(conversation.pk),
        ).count()
        == 1
    )
    assert not conversation.messages.filter(from_member=True, read_at__isnull=True).exists()

    response = client.post(_staff_url(conversation), {"body": "Glad she's with you."})
    assert response.status_code == 302
    assert conversation.messages.order_by("-pk").first().sender == moderator2
    assert Notification.objects.filter(recipient=member, kind="safety.message").count() == 2
    sent = AuditEvent.objects.get(event="safety.support_message_sent")
    assert sent.changes["side"] == "team" and "Glad" not in str(sent.changes)


def test_a_moderators_refused_message_keeps_the_text(login, moderator, conversation):
    reads = AuditEvent.objects.filter(
        event="safety.supportconversation.read", target_id=str(conversation.pk)
    )
    before = reads.count()
    response = login(moderator).post(_staff_url(conversation), {"body": "z" * 4001})
    assert response.status_code == 422 and "z" * 4001 in response.content.decode()
    # The page shown again holds the member's messages: that is an audited read.
    assert reads.count() == before + 1


@pytest.mark.parametrize(
    "persona", ["anonymous", "member", "member2", "facilitator", "therapist"], indirect=True
)
def test_people_outside_the_team_never_reach_the_teams_side(login, persona, conversation):
    url = _staff_url(conversation)
    client = login(persona)
    read = client.get(url)
    write = client.post(url, {"body": "sneaky"})
    if persona is None:
        assert read.status_code == 302 and "/accounts/login/" in read["Location"]
        assert write.status_code == 302
    else:
        assert read.status_code == write.status_code == 404
    assert "sneaky" not in [m.body for m in SupportMessage.objects.all()]
    assert not AuditEvent.objects.filter(event="safety.supportconversation.read").exists()


def test_a_moderator_without_a_second_factor_is_not_on_the_team(
    login, moderator_without_mfa, conversation
):
    from kindred.core.access import NotFound
    from kindred.safety.access import access_staff_support_conversation

    client = login(moderator_without_mfa)
    # The account-wide gate sends them to set the factor up before any view runs...
    for response in (
        client.get(_staff_url(conversation)),
        client.post(_staff_url(conversation), {"body": "x"}),
        client.get(reverse("safety_support")),
    ):
        assert response.status_code == 302
        assert response["Location"] == reverse("mfa_activate_totp")
    assert "x" not in [m.body for m in SupportMessage.objects.all()]
    # ...and the access layer would refuse them anyway.
    with pytest.raises(NotFound):
        access_staff_support_conversation(moderator_without_mfa, conversation.pk)


def test_staff_read_the_teams_conversations_too(login, staff, conversation):
    assert login(staff).get(_staff_url(conversation)).status_code == 200


def test_a_facilitators_conversation_is_theirs_and_moderators_only_read_it(
    login, member, facilitator, moderator, facilitator_conversation
):
    url = _staff_url(facilitator_conversation)
    support.do_member_reply(member, facilitator_conversation, REPLY)
    assert [n.recipient for n in Notification.objects.filter(kind="safety.reply")] == [facilitator]
    moderators = login(moderator).get(url)
    assert moderators.status_code == 200 and REPLY in moderators.content.decode()
    assert 'name="body"' not in moderators.content.decode()
    assert login(moderator).post(url, {"body": "from the team"}).status_code == 404
    # A moderator reading it does not mark it read for the facilitator...
    assert facilitator_conversation.messages.filter(from_member=True, read_at=None).exists()
    mine = login(facilitator).get(url)
    assert mine.status_code == 200 and 'name="body"' in mine.content.decode()
    # ...the facilitator does.
    assert not facilitator_conversation.messages.filter(from_member=True, read_at=None).exists()
    response = login(facilitator).post(url, {"body": "Thanks for telling me."})
    assert response.status_code == 302
    note = Notification.objects.filter(recipient=member, kind="safety.message").latest("pk")
    assert "facil_frank, your group's facilitator" in note.title


def test_another_facilitator_never_sees_it(login, facilitator_conversation):
    other = UserFactory(handle="facil_fern", roles=[Role.MEMBER, Role.FACILITATOR])
    client = login(other)
    assert client.get(_staff_url(facilitator_conversation)).status_code == 404
    assert "member_maya" not in client.get(reverse("safety_support")).content.decode()


def test_the_staff_inbox_lists_what_each_supporter_may_read(
    login, member, moderator, facilitator, conversation, facilitator_conversation
):
    team = login(moderator).get(reverse("safety_support")).content.decode()
    assert _staff_url(conversation) in team
    assert _staff_url(facilitator_conversation) not in team  # read on the flag page
    own = login(facilitator).get(reverse("safety_support")).content.decode()
    assert _staff_url(facilitator_conversation) in own and _staff_url(conversation) not in own


@pytest.mark.parametrize("persona", ["member", "therapist"], indirect=True)
def test_the_staff_inbox_is_no_page_for_others(login, persona):
    assert login(persona).get(reverse("safety_support")).status_code == 404


def test_the_staff_inbox_needs_login(client):
    response = client.get(reverse("safety_support"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- The flag page and the queue ----------------------------------------------------------


def test_the_flag_page_shows_the_thread_and_the_queue_shows_waiting_replies(
    login, member, moderator, moderator2, flag, conversation, facilitator_conversation
):
    support.do_member_reply(member, conversation, REPLY)
    actions.do_resolve(moderator, flag, "supported")
    client = login(moderator2)
    queue = client.get(reverse("safety_queue")).content.decode()
    # The flag is resolved, but the reply still waits for the team.
    assert "Replies from members" in queue and _staff_url(conversation) in queue
    page = client.get(reverse("safety_flag", args=[flag.pk])).content.decode()
    assert REPLY in page and "Private messages with the member" in page
    assert "facil_frank (group facilitator) and the member" in page
    reads = AuditEvent.objects.filter(
        event="safety.supportconversation.read", actor_id=moderator2.pk
    )
    assert set(reads.values_list("target_id", flat=True)) == {
        str(conversation.pk),
        str(facilitator_conversation.pk),
    }
    # Read on the flag page: no longer waiting.
    assert "Replies from members" not in client.get(reverse("safety_queue")).content.decode()


def test_the_queue_stays_within_its_query_budget_with_replies_waiting(
    login, member, moderator, django_assert_max_num_queries
):
    for _ in range(5):
        flag = actions.screen_text(member, HIGH_RISK, area="groups", source_type="t").flag
        conversation = support.do_reach_out(moderator, flag, "Are you safe?").conversation
        support.do_member_reply(member, conversation, REPLY)
    client = login(moderator)
    with django_assert_max_num_queries(11):
        body = client.get(reverse("safety_queue")).content.decode()
    assert body.count("1 new reply") == 5
