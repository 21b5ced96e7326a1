from datetime import timedelta

import pytest
from django.utils import timezone

from kindred.audit.models import AuditEvent
from kindred.community import actions
from kindred.community.access import CannotPost
from kindred.community.models import Post, PostRevision, Reaction, Thread, ThreadRead
from kindred.core.models import Notification
from kindred.safety.models import Flag
from kindred.safety.screening import screen

HIGH_RISK = "I have the pills ready and I am going to take them all tonight"


def test_posting_needs_the_guidelines_accepted(member, space):
    with pytest.raises(actions.CommunityError, match="guidelines"):
        actions.do_create_thread(member, space, title="t", body="b")
    actions.do_accept_guidelines(member, space)
    written = actions.do_create_thread(member, space, title="Hello", body="First *post*")
    assert written.post.is_opening and written.post.body_html == "<p>First <em>post</em></p>\n"
    thread = written.post.thread
    assert thread.last_post_id == written.post.pk and thread.reply_count == 0


@pytest.mark.parametrize(
    ("title", "body", "cw", "message"),
    [
        ("", "body", "", "title"),
        ("t", "   ", "", "Write something"),
        ("t", "x" * 20_001, "", "at most"),
        ("t", "b", "c" * 121, "Content warnings"),
    ],
)
def test_bad_input_is_refused_with_a_reason(member, space, title, body, cw, message):
    actions.do_accept_guidelines(member, space)
    with pytest.raises(actions.CommunityError, match=message):
        actions.do_create_thread(member, space, title=title, body=body, content_warning=cw)
    assert not Thread.objects.exists()


def test_replies_update_the_thread_and_notify_its_author(
    member, member2, space, write, django_capture_on_commit_callbacks
):
    thread = write(member, space)
    reply = write.reply(member2, thread)
    thread.refresh_from_db()
    assert (thread.reply_count, thread.last_post_id) == (1, reply.pk)
    note = Notification.objects.get(recipient=member)
    assert note.kind == "community.reply" and member2.handle in note.title
    assert not Notification.objects.filter(recipient=member2).exists()


def test_a_visible_reply_is_announced_to_the_thread_after_commit(
    member, member2, space, write, capture_events, django_capture_on_commit_callbacks
):
    thread = write(member, space)
    with django_capture_on_commit_callbacks(execute=True):
        reply = write.reply(member2, thread)
    assert capture_events.of_type("post.created") == [
        (f"thread.{thread.pk}", {"type": "post.created", "thread": thread.pk, "post": reply.pk})
    ]


def test_a_held_reply_is_not_announced(
    member, member2, space, write, capture_events, django_capture_on_commit_callbacks
):
    thread = write(member, space)
    with django_capture_on_commit_callbacks(execute=True):
        reply = write.reply(member2, thread, HIGH_RISK)
    assert reply.is_held
    assert capture_events.of_type("post.created") == []


def test_muted_threads_and_blocks_stop_reply_notifications(
    member, member2, peer_supporter, space, write
):
    from kindred.safety.actions import do_block

    thread = write(member, space)
    actions.do_set_mute(member, thread, True)
    write.reply(member2, thread)
    assert not Notification.objects.exists()
    actions.do_set_mute(member, thread, False)
    do_block(member, peer_supporter)
    write.reply(peer_supporter, thread)
    assert not Notification.objects.exists()


def test_mentions_notify_only_people_who_can_read_the_space(member, member2, space, write, db):
    from tests.factories import UserFactory

    teen = UserFactory(handle="teen_tia", age_band="teen")
    write(member, space, body=f"Thank you @{member2.handle} and @teen_tia and @nobody_at_all")
    assert list(
        Notification.objects.filter(kind="community.mention").values_list("recipient", flat=True)
    ) == [member2.pk]
    assert not Notification.objects.filter(recipient=teen).exists()


def test_a_locked_thread_takes_no_replies(member, member2, moderator, space, write):
    thread = write(member, space)
    actions.do_set_locked(moderator, thread, True)
    with pytest.raises(actions.CommunityError, match="locked"):
        write.reply(member2, thread)
    assert AuditEvent.objects.filter(event="community.thread_locked").exists()


def test_the_reply_check_refuses_a_locked_thread_before_anything_is_written(
    member, member2, moderator, space, write
):
    thread = write(member, space)
    actions.do_accept_guidelines(member2, space)
    actions.check_reply(member2, thread)
    actions.do_set_locked(moderator, thread, True)
    with pytest.raises(actions.ThreadLocked):
        actions.check_reply(member2, thread)
    assert thread.posts.count() == 1


def test_the_posting_check_asks_for_the_guidelines_first(member2, space):
    with pytest.raises(actions.GuidelinesRequired):
        actions.check_posting(member2, space)
    actions.do_accept_guidelines(member2, space)
    actions.check_posting(member2, space)


def test_a_high_risk_post_is_held_flagged_and_supports_the_writer(member, space, moderator):
    actions.do_accept_guidelines(member, space)
    written = actions.do_create_thread(member, space, title="tonight", body=HIGH_RISK)
    assert written.screen.support is True and written.screen.hold is True
    assert written.post.is_held and written.post.thread.is_held
    flag = Flag.objects.get()
    assert (flag.source_type, flag.source_id, flag.subject) == (
        "community.post",
        str(written.post.pk),
        member,
    )
    assert Notification.objects.filter(recipient=moderator, kind="safety.flag").exists()


def test_a_space_can_choose_to_show_high_risk_posts(member, space):
    space.high_risk_policy = "show"
    space.save()
    actions.do_accept_guidelines(member, space)
    written = actions.do_create_thread(member, space, title="tonight", body=HIGH_RISK)
    assert written.screen.support and not written.post.is_held and Flag.objects.count() == 1


def test_a_held_reply_does_not_bump_the_thread_until_released(
    member, member2, moderator, space, write
):
    thread = write(member, space)
    post = write.reply(member2, thread, body=HIGH_RISK)
    thread.refresh_from_db()
    assert post.is_held and thread.reply_count == 0
    assert actions.do_release_held(moderator, post) is True
    thread.refresh_from_db()
    assert thread.reply_count == 1 and thread.last_post_id == post.pk
    # A second release (a double click, two moderators) changes nothing.
    assert actions.do_release_held(moderator, post) is False
    thread.refresh_from_db()
    assert thread.reply_count == 1


def test_editing_keeps_the_history_and_rescreens(member, space, write):
    thread = write(member, space, body="Original words")
    post = thread.posts.get()
    actions.do_edit_post(member, post, body="New words", content_warning="grief", title="New title")
    post.refresh_from_db()
    assert (post.body, post.content_warning, post.edited_at is not None) == (
        "New words",
        "grief",
        True,
    )
    assert PostRevision.objects.get(post=post).body == "Original words"
    assert Thread.objects.get(pk=thread.pk).title == "New title"
    actions.do_edit_post(member, post, body=HIGH_RISK)
    post.refresh_from_db()
    assert post.is_held and Thread.objects.get(pk=thread.pk).is_held


def test_a_reply_has_no_title_to_edit(member, member2, space, write):
    thread = write(member, space)
    reply = write.reply(member2, thread)
    with pytest.raises(actions.CommunityError, match="opening post"):
        actions.do_edit_post(member2, reply, body="New words", title="A title")
    reply.refresh_from_db()
    assert reply.edited_at is None


def test_only_the_author_edits_or_deletes(member, member2, space, write):
    post = write(member, space).posts.get()
    with pytest.raises(actions.CommunityError):
        actions.do_edit_post(member2, post, body="x")
    with pytest.raises(actions.CommunityError):
        actions.do_delete_post(member2, post)


def test_deleting_is_soft_and_the_opening_post_takes_the_thread(member, member2, space, write):
    thread = write(member, space)
    reply = write.reply(member2, thread)
    actions.do_delete_post(member2, reply)
    thread.refresh_from_db()
    assert Post.objects.get(pk=reply.pk).is_deleted and thread.reply_count == 0
    actions.do_delete_post(member, thread.posts.get(is_opening=True))
    assert Thread.objects.get(pk=thread.pk).is_deleted


def test_reactions_toggle_and_never_on_ones_own_post(member, member2, space, write):
    post = write(member, space).posts.get()
    assert actions.do_toggle_reaction(member2, post, "me_too") is True
    assert actions.do_toggle_reaction(member2, post, "strength") is True
    assert actions.do_toggle_reaction(member2, post, "me_too") is False
    assert list(Reaction.objects.values_list("kind", flat=True)) == ["strength"]
    with pytest.raises(actions.CommunityError):
        actions.do_toggle_reaction(member, post, "me_too")
    with pytest.raises(actions.CommunityError):
        actions.do_toggle_reaction(member2, post, "like")


def test_read_markers_only_move_forward(member, space, write):
    thread = write(member, space)
    actions.do_mark_read(member, thread, 10_000)
    actions.do_mark_read(member, thread, 5)
    assert ThreadRead.objects.get(user=member, thread=thread).last_read_post_id == 10_000


def test_visits_remember_the_previous_one(member, space):
    first = actions.do_record_visit(member, space)
    assert first.previous_visit_at is None
    first.last_visit_at = timezone.now() - timedelta(hours=2)
    first.save()
    second = actions.do_record_visit(member, space)
    assert second.previous_visit_at == first.last_visit_at


def test_a_suspended_member_cannot_post_and_sees_why(member, moderator, space, write):
    thread = write(member, space)
    actions.do_suspend(moderator, member, days=3, reason="Repeated personal attacks", space=space)
    with pytest.raises(CannotPost, match="Repeated personal attacks"):
        write.reply(member, thread)
    assert Notification.objects.filter(recipient=member, kind="community.suspended").exists()
    assert AuditEvent.objects.get(event="community.member_suspended").changes == {
        "days": 3,
        "space": space.pk,
    }


def test_a_suspension_needs_a_reason_and_a_sane_length(member, moderator):
    with pytest.raises(actions.CommunityError):
        actions.do_suspend(moderator, member, days=3, reason=" ")
    with pytest.raises(actions.CommunityError):
        actions.do_suspend(moderator, member, days=0, reason="x")


def test_hide_restore_and_move_are_audited(member, moderator, space, write):
    from kindred.community.models import Space

    thread = write(member, space)
    post = thread.posts.get()
    actions.do_set_post_hidden(moderator, post, True, "Personal details")
    assert Thread.objects.get(pk=thread.pk).is_hidden
    actions.do_set_post_hidden(moderator, post, False)
    assert not Thread.objects.get(pk=thread.pk).is_hidden
    grief = Space.objects.get(slug="grief-loss")
    actions.do_move_thread(moderator, thread, grief)
    assert Thread.objects.get(pk=thread.pk).space == grief
    events = list(
        AuditEvent.objects.filter(event__startswith="community.").values_list("event", flat=True)
    )
    assert events == ["community.post_hidden", "community.post_restored", "community.thread_moved"]


def test_editing_a_held_post_does_not_release_it(member, space):
    actions.do_accept_guidelines(member, space)
    post = actions.do_create_thread(member, space, title="tonight", body=HIGH_RISK).post
    written = actions.do_edit_post(member, post, body="Actually I'm fine, forget it")
    post.refresh_from_db()
    assert post.is_held and written.screen.hold
    assert Thread.objects.get(pk=post.thread_id).is_held


def test_flags_from_a_space_land_in_its_queue(member, member2, space, write):
    from kindred.safety.actions import do_report

    actions.do_accept_guidelines(member, space)
    post = actions.do_create_thread(member, space, title="tonight", body=HIGH_RISK).post
    assert Flag.objects.get().scope == "community:depression-anxiety"
    do_report(member2, reason="spam", subject=member, scope="community:depression-anxiety")
    assert Flag.objects.filter(scope="community:depression-anxiety").count() == 2
    assert post.is_held


DISCLOSURE = "I want to kill myself. I can't do this any more."


def test_a_reply_is_screened_after_the_authors_own_earlier_posts(member, space, write):
    thread = write(member, space, body=DISCLOSURE)
    reply = write.reply(member, thread, body="tonight")
    assert reply.risk_level == "high"


def test_a_reply_is_not_read_with_someone_elses_disclosure(member, member2, space, write):
    thread = write(member, space, body=DISCLOSURE)
    reply = write.reply(member2, thread, body="I'll be online tonight if you want to talk")
    assert reply.risk_level == "none"


def test_an_own_post_from_days_ago_is_not_read_with_a_new_reply(member, space, write):
    thread = write(member, space, body=DISCLOSURE)
    Post.objects.filter(thread=thread).update(
        created_at=timezone.now() - actions.SCREEN_CONTEXT_WINDOW - timedelta(minutes=1)
    )
    assert screen("tonight").level == "none"  # alone, the word is nothing
    reply = write.reply(member, thread, body="tonight")
    assert reply.risk_level == "none"


def test_reactions_tell_the_author_in_one_updated_notification(
    member, member2, peer_supporter, outsider, space, write
):
    post = write(member, space).posts.get()
    actions.do_toggle_reaction(member2, post, "me_too")
    actions.do_toggle_reaction(member2, post, "strength")
    first = Notification.objects.get(recipient=member, kind="community.reaction")
    assert first.title.startswith("1 person reacted")
    Notification.objects.filter(pk=first.pk).update(read_at=timezone.now())
    actions.do_toggle_reaction(peer_supporter, post, "thank_you")
    actions.do_toggle_reaction(outsider, post, "not_alone")
    row = Notification.objects.get(recipient=member, kind="community.reaction")
    assert row.pk == first.pk
    assert row.title.startswith("3 people reacted") and row.read_at is None
    # Never who reacted: the title may be read on a shared screen.
    assert member2.handle not in row.title


def test_taking_a_reaction_back_sends_nothing(member, member2, space, write):
    post = write(member, space).posts.get()
    actions.do_toggle_reaction(member2, post, "me_too")
    Notification.objects.all().delete()
    actions.do_toggle_reaction(member2, post, "me_too")
    assert not Notification.objects.exists()


def test_reactions_can_be_switched_off(member, member2, space, write):
    from kindred.core.notification_prefs import Choice, do_set_preferences

    do_set_preferences(member, {"reactions": Choice(in_app=False, email=False)})
    post = write(member, space).posts.get()
    actions.do_toggle_reaction(member2, post, "me_too")
    assert not Notification.objects.filter(kind="community.reaction").exists()


def test_hiding_a_post_tells_its_author_without_quoting_it(member, moderator, space, write):
    post = write(member, space, body="Something very personal").posts.get()
    actions.do_set_post_hidden(moderator, post, True, reason="Personal details")
    note = Notification.objects.get(recipient=member, kind="community.post_hidden")
    assert note.title == "A moderator hid your post in “Finding my feet”"
    assert "personal" not in note.title.lower()
    actions.do_set_post_hidden(moderator, post, False)
    assert Notification.objects.filter(recipient=member).count() == 1
