"""The flag page links to what the flag is about and hides (and unhides) it, per content kind."""

import pytest
from django.urls import reverse

from kindred.audit.models import AuditEvent
from kindred.community.models import Post
from kindred.core.roles import Role
from kindred.rooms.actions import do_post_message, history
from kindred.rooms.models import RoomMessage
from kindred.safety import actions, flaggedcontent
from kindred.safety.models import Flag
from tests.factories import UserFactory

HIGH_RISK = "I have the pills ready and I am going to take them all tonight"
MODERATE = "I want to kill myself"


def _flag_for(source_type, source_id):
    return Flag.objects.get(source_type=source_type, source_id=str(source_id))


@pytest.fixture
def reply(member, member2, space, write):
    """A reply flagged by the screen but shown (moderate risk is not held in community)."""
    thread = write(member2, space, title="Evenings", body="How do you get through evenings?")
    post = write.reply(member, thread, body=MODERATE)
    assert not post.is_held
    return post


@pytest.fixture
def reply_flag(reply):
    return _flag_for("community.post", reply.pk)


@pytest.fixture
def room_setup(member, member2):
    from tests.rooms.factories import install_test_kind, make_room, uninstall_test_kind

    kind = install_test_kind()
    try:
        room = make_room(kind, member, member2)
        yield room
    finally:
        uninstall_test_kind()


@pytest.fixture
def room_message(room_setup, member, member2):
    do_post_message(room_setup, member2, "before")
    message = do_post_message(room_setup, member, HIGH_RISK)
    do_post_message(room_setup, member2, "after")
    return message


def test_posts_and_room_messages_are_registered():
    assert flaggedcontent.CONTENT_KINDS["community.post"].noun == "post"
    kind = flaggedcontent.CONTENT_KINDS["rooms.message"]
    assert kind.noun == "room message" and kind.context is not None
    # Secure messages to a therapist are clinical: moderators never handle them in place.
    assert "messaging.message" not in flaggedcontent.CONTENT_KINDS


def test_the_flag_page_links_to_the_post_and_offers_to_hide_it(login, moderator, reply, reply_flag):
    body = login(moderator).get(reverse("safety_flag", args=[reply_flag.pk])).content.decode()
    url = reverse("community_thread", args=[reply.thread.space.slug, reply.thread_id])
    assert f'href="{url}#post-{reply.pk}"' in body
    assert "This post is visible to its readers." in body
    assert 'action="hide/"' in body and "Hide the post" in body


def test_hiding_a_reply_takes_it_away_from_other_readers(
    login, member, member2, moderator, reply, reply_flag
):
    thread_url = reverse("community_thread", args=[reply.thread.space.slug, reply.thread_id])
    page = reverse("safety_flag", args=[reply_flag.pk])
    client = login(moderator)
    response = client.post(page + "hide/", {"reason": "Method details"}, follow=True)
    assert response.redirect_chain == [(page, 302)]
    body = response.content.decode()
    assert "Hidden: only its writer sees this post now." in body
    assert "This post is hidden: only its writer sees it." in body and 'action="unhide/"' in body
    post = Post.objects.get(pk=reply.pk)
    assert post.is_hidden and post.hidden_reason == "Method details"
    assert MODERATE not in login(member2).get(thread_url).content.decode()
    assert MODERATE in login(member).get(thread_url).content.decode()  # its writer still does
    hidden = AuditEvent.objects.get(event="safety.flag_content_hidden")
    assert (hidden.actor_id, hidden.target_id) == (moderator.pk, str(reply_flag.pk))
    assert hidden.changes == {"source_type": "community.post", "source_id": str(reply.pk)}
    assert AuditEvent.objects.filter(event="community.post_hidden").count() == 1

    response = login(moderator).post(page + "unhide/", follow=True)
    assert "Shown again: this post is back for its readers." in response.content.decode()
    assert not Post.objects.get(pk=reply.pk).is_hidden
    assert MODERATE in login(member2).get(thread_url).content.decode()
    assert AuditEvent.objects.filter(event="safety.flag_content_unhidden").count() == 1


def test_hiding_an_opening_post_hides_its_thread(login, member, member2, moderator, space, write):
    thread = write(member, space, title="tonight", body=MODERATE)
    flag = _flag_for("community.post", thread.posts.get().pk)
    login(moderator).post(reverse("safety_flag_action", args=[flag.pk, "hide"]))
    thread.refresh_from_db()
    assert thread.is_hidden
    space_page = login(member2).get(reverse("community_space", args=[space.slug]))
    assert "tonight" not in space_page.content.decode()


def test_unhiding_a_held_post_releases_it_and_counts_the_reply_once(
    member, member2, moderator, space, write
):
    thread = write(member2, space, title="Evenings", body="How do you get through evenings?")
    post = write.reply(member, thread, body=HIGH_RISK)
    assert post.is_held
    flag = _flag_for("community.post", post.pk)
    flaggedcontent.do_set_hidden(moderator, flag, True)
    flaggedcontent.do_set_hidden(moderator, flag, False)
    post.refresh_from_db()
    thread.refresh_from_db()
    assert not post.is_hidden and not post.is_held
    assert thread.reply_count == 1


def test_hiding_twice_or_unhiding_a_shown_post_is_a_clear_error(login, moderator, reply_flag):
    client = login(moderator)
    url = reverse("safety_flag_action", args=[reply_flag.pk, "unhide"])
    assert "This post is not hidden." in client.post(url, follow=True).content.decode()
    client.post(reverse("safety_flag_action", args=[reply_flag.pk, "hide"]))
    again = client.post(reverse("safety_flag_action", args=[reply_flag.pk, "hide"]), follow=True)
    assert again.status_code == 200 and "This post is hidden already." in again.content.decode()
    assert AuditEvent.objects.filter(event="safety.flag_content_hidden").count() == 1


def test_a_closed_flag_may_still_hide_but_not_unhide(login, moderator, reply, reply_flag):
    actions.do_resolve(moderator, reply_flag, "no_risk")
    client = login(moderator)
    page = reverse("safety_flag", args=[reply_flag.pk])
    assert 'action="hide/"' in client.get(page).content.decode()
    client.post(page + "hide/")
    assert Post.objects.get(pk=reply.pk).is_hidden
    body = client.get(page).content.decode()
    assert 'action="unhide/"' not in body  # resolving was the decision about it
    response = client.post(page + "unhide/", follow=True)
    assert "This flag is already closed." in response.content.decode()
    assert Post.objects.get(pk=reply.pk).is_hidden


def test_a_deleted_post_is_gone_not_a_500(login, moderator, reply, reply_flag):
    Post.objects.filter(pk=reply.pk).update(is_deleted=True)
    client = login(moderator)
    body = client.get(reverse("safety_flag", args=[reply_flag.pk])).content.decode()
    assert 'action="hide/"' not in body
    response = client.post(reverse("safety_flag_action", args=[reply_flag.pk, "hide"]), follow=True)
    assert "is gone" in response.content.decode()


def test_flags_about_nothing_registered_offer_nothing(login, moderator, member):
    flag = actions.screen_text(member, HIGH_RISK, area="groups", source_type="groups.message").flag
    client = login(moderator)
    body = client.get(reverse("safety_flag", args=[flag.pk])).content.decode()
    assert 'action="hide/"' not in body and "flagged-content" not in body
    response = client.post(reverse("safety_flag_action", args=[flag.pk, "hide"]), follow=True)
    assert "What this flag is about is gone" in response.content.decode()


@pytest.mark.parametrize(
    "persona", ["anonymous", "member", "member2", "therapist", "facilitator"], indirect=True
)
@pytest.mark.parametrize("action", ["hide", "unhide"])
def test_only_the_safety_team_hides_or_unhides(login, persona, action, reply, reply_flag):
    if action == "unhide":
        Post.objects.filter(pk=reply.pk).update(is_hidden=True)
    response = login(persona).post(reverse("safety_flag_action", args=[reply_flag.pk, action]))
    if persona is None:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 404
    assert Post.objects.get(pk=reply.pk).is_hidden is (action == "unhide")
    assert not AuditEvent.objects.filter(event__startswith="safety.flag_content").exists()


def test_a_moderator_without_a_second_factor_is_sent_to_set_it_up(reply, reply_flag, client):
    moderator = UserFactory(handle="mod_nomfa", roles=[Role.MODERATOR])
    client.force_login(moderator)
    response = client.post(reverse("safety_flag_action", args=[reply_flag.pk, "hide"]))
    assert response.status_code == 302 and "/2fa/" in response["Location"]
    assert not Post.objects.get(pk=reply.pk).is_hidden


def test_staff_hide_from_their_own_flag_page(login, staff, room_message):
    flag = _flag_for("rooms.message", room_message.pk)
    page = reverse("staff_flag", args=[flag.pk])
    assert "Hide the room message" in login(staff).get(page).content.decode()
    assert login(staff).post(page + "hide/").status_code == 302
    assert RoomMessage.objects.get(pk=room_message.pk).is_hidden


def test_a_post_stays_with_the_community_moderators(login, staff, reply, reply_flag):
    """The community's own rule, as for releasing: its moderators hide posts, not staff."""
    page = reverse("staff_flag", args=[reply_flag.pk])
    assert login(staff).post(page + "hide/").status_code == 404
    assert not Post.objects.get(pk=reply.pk).is_hidden


def test_a_space_with_named_moderators_keeps_hiding_to_them(login, moderator, space, reply_flag):
    named = UserFactory(handle="mod_named", roles=[Role.MODERATOR], mfa=True)
    space.moderators.add(named)
    url = reverse("safety_flag_action", args=[reply_flag.pk, "hide"])
    assert login(moderator).post(url).status_code == 404
    assert not Post.objects.get(pk=int(reply_flag.source_id)).is_hidden
    assert login(named).post(url).status_code == 302
    assert Post.objects.get(pk=int(reply_flag.source_id)).is_hidden


def test_a_missing_flag_cannot_be_hidden(login, moderator, reply_flag):
    url = reverse("safety_flag_action", args=[reply_flag.pk + 99, "hide"])
    assert login(moderator).post(url).status_code == 404


# --- Room messages ---------------------------------------------------------------------


def test_a_hidden_room_message_leaves_the_room_but_not_its_writer(
    member,
    member2,
    moderator,
    room_setup,
    room_message,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    sent: list[tuple[str, dict]] = []
    monkeypatch.setattr(
        "kindred.core.events.send_event_now", lambda group, event: sent.append((group, event))
    )
    flag = _flag_for("rooms.message", room_message.pk)
    with django_capture_on_commit_callbacks(execute=True):
        flaggedcontent.do_set_hidden(moderator, flag, True)
    assert RoomMessage.objects.get(pk=room_message.pk).is_hidden
    assert HIGH_RISK not in [m.body for m in history(room_setup, viewer=member2)]
    mine = [m for m in history(room_setup, viewer=member) if m.body == HIGH_RISK]
    assert len(mine) == 1 and mine[0].is_hidden
    assert (
        f"rooms.{room_setup.pk}",
        {"type": "hidden", "seq": room_message.seq, "author": member.handle},
    ) in sent
    assert AuditEvent.objects.filter(event="rooms.message_hidden", actor_id=moderator.pk).exists()

    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):
        flaggedcontent.do_set_hidden(moderator, flag, False)
    message = RoomMessage.objects.get(pk=room_message.pk)
    assert not message.is_hidden and message.seq > room_message.seq
    assert HIGH_RISK in [m.body for m in history(room_setup, viewer=member2)]
    ((group, event),) = [(g, e) for g, e in sent if e.get("type") == "message"]
    assert group == f"rooms.{room_setup.pk}" and event["replaces"] == room_message.seq


def test_the_api_marks_a_hidden_message_for_its_writer(
    login, member, moderator, room_setup, room_message
):
    flaggedcontent.do_set_hidden(moderator, _flag_for("rooms.message", room_message.pk), True)
    data = login(member).get(f"/api/v1/rooms/{room_setup.pk}/messages").json()
    flagged = [m for m in data["messages"] if m["body"] == HIGH_RISK]
    assert flagged and flagged[0]["hidden"] is True


def test_the_flag_page_links_a_room_message_to_its_context_page(
    login, member, moderator, room_message
):
    flag = _flag_for("rooms.message", room_message.pk)
    client = login(moderator)
    body = client.get(reverse("safety_flag", args=[flag.pk])).content.decode()
    assert 'href="content/"' in body and "Read the room message in context" in body
    page = client.get(reverse("safety_flag_content", args=[flag.pk]))
    text = page.content.decode()
    assert page.status_code == 200 and HIGH_RISK in text and "the flagged message" in text
    # A kind that allows no context (a private chat, by default) shows the message alone.
    assert "before" not in text and "after" not in text
    read = AuditEvent.objects.filter(
        event="safety.flag.read", actor_id=moderator.pk, target_id=str(flag.pk)
    )
    assert read.filter(changes__what="flagged content in context").count() == 1


@pytest.mark.parametrize(
    "persona", ["anonymous", "member", "member2", "therapist", "facilitator"], indirect=True
)
def test_only_the_safety_team_reads_the_context_page(login, persona, room_message):
    flag = _flag_for("rooms.message", room_message.pk)
    response = login(persona).get(reverse("safety_flag_content", args=[flag.pk]))
    if persona is None:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 404
        assert HIGH_RISK not in response.content.decode()


def test_a_therapist_handed_the_flag_still_gets_no_context_page(
    login, moderator, therapist, room_message, monkeypatch
):
    from kindred.accounts.models import User

    flag = _flag_for("rooms.message", room_message.pk)
    monkeypatch.setattr(
        actions, "treating_therapists", lambda m: User.objects.filter(pk=therapist.pk)
    )
    actions.do_hand_over(moderator, flag, therapist)
    # No such page in the therapist's area: only the therapist's own POST actions live there.
    assert login(therapist).get(f"/therapist/flags/{flag.pk}/content/").status_code == 405
    page = login(therapist).get(reverse("therapist_flag", args=[flag.pk])).content.decode()
    assert 'action="hide/"' not in page and "content/" not in page


def test_posts_have_no_context_page_they_have_their_thread(login, moderator, reply_flag):
    assert (
        login(moderator).get(reverse("safety_flag_content", args=[reply_flag.pk])).status_code
        == 404
    )
