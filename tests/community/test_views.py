import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kindred.community import actions
from kindred.community.models import Post, Space, Thread
from kindred.safety.actions import do_block
from tests.factories import UserFactory

HIGH_RISK = "I have the pills ready and I am going to take them all tonight"


def thread_url(thread):
    return reverse("community_thread", args=[thread.space.slug, thread.pk])


# --- Reading and visibility ----------------------------------------------------


def test_anonymous_visitors_read_public_adult_spaces_only(client, member, space, teen_space, write):
    thread = write(member, space)
    body = client.get(reverse("community_spaces")).content.decode()
    assert "Depression &amp; anxiety" in body and "Teen support" not in body
    assert client.get(thread_url(thread)).status_code == 200
    assert client.get(reverse("community_space", args=[teen_space.slug])).status_code == 404


def test_members_only_spaces_are_hidden_from_anonymous(client, member, space, write):
    space.visibility = "members"
    space.save()
    thread = write(member, space)
    assert client.get(reverse("community_space", args=[space.slug])).status_code == 404
    assert client.get(thread_url(thread)).status_code == 404
    client.force_login(member)
    assert client.get(thread_url(thread)).status_code == 200


def test_teens_and_adults_never_read_each_others_spaces(client, member, space, teen_space, write):
    teen = UserFactory(handle="teen_tia", age_band="teen")
    adult_thread = write(member, space)
    teen_thread = write(teen, teen_space)
    client.force_login(teen)
    assert client.get(thread_url(adult_thread)).status_code == 404
    assert client.get(thread_url(teen_thread)).status_code == 200
    client.force_login(member)
    assert client.get(thread_url(teen_thread)).status_code == 404
    assert client.get(reverse("community_new_thread", args=[teen_space.slug])).status_code == 404


def test_blocked_members_posts_are_hidden_both_ways(client, member, member2, space, write):
    thread = write(member, space, title="Mine")
    write.reply(member2, thread, body="A reply from member two")
    other_thread = write(member2, space, title="Theirs")
    do_block(member, member2)
    client.force_login(member)
    assert "A reply from member two" not in client.get(thread_url(thread)).content.decode()
    assert client.get(thread_url(other_thread)).status_code == 404
    client.force_login(member2)
    assert client.get(thread_url(thread)).status_code == 404
    assert "Theirs" in client.get(reverse("community_space", args=[space.slug])).content.decode()


def test_held_posts_show_to_their_author_and_moderators_only(
    client, member, member2, moderator, space, write
):
    thread = write(member, space)
    write.reply(member2, thread, body=HIGH_RISK)
    for user, sees in ((member2, True), (moderator, True), (member, False)):
        client.force_login(user)
        assert ("pills ready" in client.get(thread_url(thread)).content.decode()) is sees


def test_content_warnings_collapse_the_body(client, member, space, write):
    thread = write(member, space, body="The details", content_warning="loss of a parent")
    body = client.get(thread_url(thread)).content.decode()
    assert '<details class="cw"><summary>Content warning: loss of a parent' in body


def test_markdown_is_rendered_safely(client, member, space, write):
    thread = write(
        member,
        space,
        body="**bold** <script>alert(1)</script> [x](javascript:alert(1)) ![img](http://evil.example/p.png)",
    )
    body = client.get(thread_url(thread)).content.decode()
    assert "<strong>bold</strong>" in body
    assert (
        "<script>alert" not in body
        and "javascript:" not in body
        and "evil.example" not in body.split("<p>", 1)[1].split("</p>")[0]
    ) or "<img" not in body
    assert "<img" not in body


@pytest.mark.parametrize("n_replies", [5, 200])
def test_a_thread_page_costs_the_same_queries_at_any_size(
    client, member, member2, space, write, django_assert_max_num_queries, n_replies
):
    thread = write(member, space)
    Post.objects.bulk_create(
        [
            Post(thread=thread, author=member2, body=f"reply {i}", body_html=f"<p>reply {i}</p>")
            for i in range(n_replies)
        ]
    )
    client.force_login(member)
    client.get(thread_url(thread))  # warm the session
    # session, user, roles, blocks, thread, posts, reactions, read marker, suspension,
    # guidelines, notification badge: constant whatever the thread's length.
    with django_assert_max_num_queries(11):
        response = client.get(thread_url(thread))
    assert response.status_code == 200
    assert response.content.decode().count('<li id="post-') == min(n_replies + 1, 50)


@pytest.mark.parametrize("n_threads", [3, 60])
def test_the_space_index_costs_the_same_queries_at_any_size(
    client, member, space, django_assert_max_num_queries, n_threads
):
    from django.utils import timezone

    Thread.objects.bulk_create(
        [
            Thread(space=space, author=member, title=f"t{i}", last_activity_at=timezone.now())
            for i in range(n_threads)
        ]
    )
    client.force_login(member)
    client.get(reverse("community_space", args=[space.slug]))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("community_space", args=[space.slug]))
    assert response.content.decode().count('class="thread-row') == min(n_threads, 30)


def test_keyset_pages_cover_every_thread_once(client, member, space):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    # Equal timestamps on purpose: the id breaks ties.
    Thread.objects.bulk_create(
        [
            Thread(
                space=space,
                author=member,
                title=f"thread-{i:03d}",
                last_activity_at=now - timedelta(minutes=i // 2),
            )
            for i in range(75)
        ]
    )
    seen, url = [], reverse("community_space", args=[space.slug])
    while url:
        body = client.get(url).content.decode()
        seen += [line.split("thread-")[1][:3] for line in body.split("\n") if ">thread-" in line]
        nxt = (
            body.split('rel="next"')[0].rsplit('href="', 1)[-1].split('"')[0]
            if 'rel="next"' in body
            else None
        )
        url = (
            (reverse("community_space", args=[space.slug]) + nxt.replace("&amp;", "&"))
            if nxt
            else None
        )
    assert sorted(seen) == [f"{i:03d}" for i in range(75)]
    assert len(seen) == 75


def test_a_garbled_cursor_shows_the_first_page(client, space):
    assert (
        client.get(
            reverse("community_space", args=[space.slug]), {"before": "nonsense"}
        ).status_code
        == 200
    )
    assert (
        client.get(
            reverse("community_space", args=[space.slug]), {"before": "99999999999999999999.1"}
        ).status_code
        == 200
    )


def test_unread_and_new_markers(client, member, member2, space, write):
    thread = write(member2, space)
    client.force_login(member)
    assert "unread" in client.get(reverse("community_space", args=[space.slug])).content.decode()
    client.get(thread_url(thread))
    body = client.get(reverse("community_space", args=[space.slug])).content.decode()
    assert '<span class="badge">unread</span>' not in body


# --- Writing -----------------------------------------------------------------------


def test_the_first_post_asks_for_the_guidelines(client, member, space):
    client.force_login(member)
    response = client.get(reverse("community_new_thread", args=[space.slug]))
    assert response.status_code == 302 and "guidelines" in response["Location"]
    client.post(reverse("community_guidelines", args=[space.slug]))
    response = client.post(
        reverse("community_new_thread", args=[space.slug]),
        {"title": "Hello", "body": "It's my first time here."},
    )
    thread = Thread.objects.get()
    assert response.status_code == 302 and response["Location"].startswith(thread_url(thread))


def test_guidelines_render_their_markdown_and_nothing_unsafe(client, member, space):
    space.guidelines = "**Be kind.**\n\n- No diagnoses\n- No <script>alert(1)</script> links"
    space.save(update_fields=["guidelines"])
    client.force_login(member)
    body = client.get(reverse("community_guidelines", args=[space.slug])).content.decode()
    assert "<strong>Be kind.</strong>" in body and "**" not in body
    assert "<li>No diagnoses</li>" in body
    assert "<script>alert" not in body


def test_a_failed_post_keeps_everything_written(client, member, space):
    actions.do_accept_guidelines(member, space)
    client.force_login(member)
    response = client.post(
        reverse("community_new_thread", args=[space.slug]),
        {"title": "", "body": "A long heartfelt post I must not lose", "content_warning": "grief"},
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert "A long heartfelt post I must not lose" in body and 'value="grief"' in body
    assert 'data-draft="thread-' in body  # the browser keeps a local draft too
    assert 'data-draft-keep="device"' in body  # not clinical: it may outlive the tab (a day)


def test_a_failed_reply_keeps_the_text(client, member, member2, moderator, space, write):
    thread = write(member, space)
    actions.do_set_locked(moderator, thread, True)
    actions.do_accept_guidelines(member2, space)
    client.force_login(member2)
    response = client.post(
        reverse("community_reply", args=[space.slug, thread.pk]), {"body": "My reply text"}
    )
    assert response.status_code == 422
    assert "My reply text" in response.content.decode() and "locked" in response.content.decode()


def test_a_high_risk_post_shows_the_writer_crisis_support_at_once(client, member, space):
    actions.do_accept_guidelines(member, space)
    client.force_login(member)
    response = client.post(
        reverse("community_new_thread", args=[space.slug]),
        {"title": "tonight", "body": HIGH_RISK},
        follow=True,
    )
    body = response.content.decode()
    assert 'class="support-panel"' in body and "Samaritans" in body
    assert "a moderator will look at it" in body
    # Shown once, not on every later visit.
    assert (
        'class="support-panel"' not in client.get(response.redirect_chain[-1][0]).content.decode()
    )


def test_posting_needs_login(client, space, member, write):
    thread = write(member, space)
    for url in (
        reverse("community_new_thread", args=[space.slug]),
        reverse("community_reply", args=[space.slug, thread.pk]),
    ):
        response = client.post(url, {"title": "x", "body": "y"})
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_therapist_without_the_member_role_cannot_post(client, therapist, space):
    actions.do_accept_guidelines(therapist, space)
    client.force_login(therapist)
    assert client.get(reverse("community_new_thread", args=[space.slug])).status_code == 403


def test_only_authors_edit_and_delete(client, member, member2, space, write):
    post = write(member, space).posts.get()
    client.force_login(member2)
    assert client.get(reverse("community_edit_post", args=[post.pk])).status_code == 404
    assert client.post(reverse("community_delete_post", args=[post.pk])).status_code == 404
    client.force_login(member)
    response = client.post(
        reverse("community_edit_post", args=[post.pk]),
        {"body": "Edited", "content_warning": "", "title": "T"},
    )
    assert response.status_code == 302
    assert Post.objects.get(pk=post.pk).body == "Edited"


def test_reacting_and_reporting_through_the_page(client, member, member2, space, write):
    post = write(member, space).posts.get()
    client.force_login(member2)
    client.post(reverse("community_react", args=[post.pk]), {"kind": "strength"})
    body = client.get(thread_url(post.thread)).content.decode()
    assert 'aria-pressed="true">Sending strength' in body
    response = client.post(
        reverse("safety_report"),
        {
            "source_type": "community.post",
            "source_id": str(post.pk),
            "reason": "harassment",
            "details": "mean",
        },
    )
    assert response.status_code == 302
    from kindred.safety.models import Flag

    flag = Flag.objects.get()
    assert (flag.subject, flag.text, flag.source_id) == (member, post.body, str(post.pk))


def test_nobody_can_report_a_post_they_cannot_see(client, member, space, teen_space):
    teen = UserFactory(handle="teen_tia", age_band="teen")
    actions.do_accept_guidelines(teen, teen_space)
    post = actions.do_create_thread(teen, teen_space, title="t", body="b").post
    client.force_login(member)
    response = client.post(
        reverse("safety_report"),
        {"source_type": "community.post", "source_id": str(post.pk), "reason": "spam"},
    )
    assert response.status_code == 422


# --- Moderation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["member", "member2", "peer_supporter", "therapist", "staff"], indirect=True
)
def test_only_moderators_can_moderate(client, persona, member, space, write):
    thread = write(member, space)
    post = thread.posts.get()
    client.force_login(persona)
    assert (
        client.post(reverse("community_hide_post", args=[post.pk]), {"reason": "x"}).status_code
        == 404
    )
    assert (
        client.post(reverse("community_lock", args=[thread.pk]), {"locked": "1"}).status_code == 404
    )
    assert (
        client.get(reverse("community_suspend", args=[space.slug, member.handle])).status_code
        == 404
    )
    post.refresh_from_db()
    assert not post.is_hidden


def test_a_moderator_hides_and_the_author_sees_why(
    client, member, member2, moderator, space, write
):
    thread = write(member, space)
    post = write.reply(member2, thread, body="Something unkind")
    client.force_login(moderator)
    client.post(
        reverse("community_hide_post", args=[post.pk]), {"reason": "Unkind to another member"}
    )
    client.force_login(member)
    assert "Something unkind" not in client.get(thread_url(thread)).content.decode()
    client.force_login(member2)
    body = client.get(thread_url(thread)).content.decode()
    assert "Hidden by a moderator: Unkind to another member" in body


def test_moderators_suspend_through_the_page(client, member, moderator, space):
    client.force_login(moderator)
    response = client.post(
        reverse("community_suspend", args=[space.slug, member.handle]),
        {"days": 2, "reason": "Spam"},
    )
    assert response.status_code == 302
    client.force_login(member)
    actions.do_accept_guidelines(member, space)
    response = client.get(reverse("community_new_thread", args=[space.slug]))
    assert response.status_code == 403 and "Spam" in response.content.decode()


def test_activity_page_lists_only_my_posts(client, member, member2, space, write):
    write(member, space, title="My own thread")
    write(member2, space, title="Someone else's")
    client.force_login(member)
    body = client.get(reverse("community_activity")).content.decode()
    assert "My own thread" in body and "Someone else" not in body


def test_activity_page_says_why_a_post_was_hidden(client, member, space, write, moderator):
    post = write(member, space, title="My own thread").posts.get()
    actions.do_set_post_hidden(moderator, post, True, "Names a third person")
    client.force_login(member)
    body = client.get(reverse("community_activity")).content.decode()
    assert "hidden by a moderator" in body and "Why: Names a third person" in body


def test_activity_page_costs_the_same_queries_with_more_posts(client, member, space, write):
    thread = write(member, space, title="First")
    client.force_login(member)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("community_activity"))
    for _ in range(8):
        write.reply(member, thread)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("community_activity"))
    assert len(many) == len(few)


def test_the_spaces_are_seeded(db):
    assert set(Space.objects.values_list("slug", flat=True)) >= {
        "depression-anxiety",
        "addiction-recovery",
        "chronic-illness-pain",
        "grief-loss",
        "caregivers",
    }


def test_a_moderator_moves_a_thread_through_the_page(client, member, moderator, space, write):
    thread = write(member, space)
    client.force_login(moderator)
    assert 'name="space"' in client.get(thread_url(thread)).content.decode()
    client.post(reverse("community_move", args=[thread.pk]), {"space": "grief-loss"})
    assert Thread.objects.get(pk=thread.pk).space.slug == "grief-loss"
    client.post(reverse("community_move", args=[thread.pk]), {"space": "no-such-space"})
    assert Thread.objects.get(pk=thread.pk).space.slug == "grief-loss"


def test_a_first_reply_accepts_the_guidelines_in_the_form(client, member, member2, space, write):
    thread = write(member, space)
    client.force_login(member2)
    assert "I have read and accept" in client.get(thread_url(thread)).content.decode()
    response = client.post(
        reverse("community_reply", args=[space.slug, thread.pk]), {"body": "Keep me"}
    )
    assert response.status_code == 422
    assert (
        "Keep me" in response.content.decode() and "accept the space" in response.content.decode()
    )
    response = client.post(
        reverse("community_reply", args=[space.slug, thread.pk]),
        {"body": "Keep me", "accept_guidelines": "on"},
    )
    assert response.status_code == 302
    assert Post.objects.filter(author=member2, body="Keep me").exists()
    assert "I have read and accept" not in client.get(thread_url(thread)).content.decode()


def test_moderators_see_earlier_versions_of_edited_posts(
    client, member, member2, moderator, space, write
):
    post = write(member, space, body="The first words").posts.get()
    actions.do_edit_post(member, post, body="The second words", title="T")
    url = reverse("community_post_history", args=[post.pk])
    for user in (member, member2):
        client.force_login(user)
        assert client.get(url).status_code == 404
    client.force_login(moderator)
    body = client.get(url).content.decode()
    assert "The first words" in body and "The second words" in body


def test_a_space_with_named_moderators_is_theirs_alone(client, member, moderator, space, write, db):
    other = UserFactory(handle="mod_other", roles=["moderator"], mfa=True)
    space.moderators.add(other)
    post = write(member, space).posts.get()
    client.force_login(moderator)
    assert (
        client.post(reverse("community_hide_post", args=[post.pk]), {"reason": "x"}).status_code
        == 404
    )
    client.force_login(other)
    assert (
        client.post(reverse("community_hide_post", args=[post.pk]), {"reason": "x"}).status_code
        == 302
    )
    assert Post.objects.get(pk=post.pk).is_hidden


def test_the_post_list_escapes_what_people_type(client, member, space, write):
    thread = write(member, space, body="fine", content_warning='<img src=x onerror="alert(1)">')
    body = client.get(thread_url(thread)).content.decode()
    assert '<img src=x onerror="alert(1)">' not in body
    assert "&lt;img src=x onerror=" in body


# --- Rate limits -------------------------------------------------------------------


def test_too_many_threads_keep_the_draft_and_answer_429(client, member, space, rate_limits):
    rate_limits({"community.thread": "1/h/user"})
    actions.do_accept_guidelines(member, space)
    client.force_login(member)
    url = reverse("community_new_thread", args=[space.slug])
    client.post(url, {"title": "First", "body": "One"})
    response = client.post(url, {"title": "Second", "body": "Words I must not lose"})
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    body = response.content.decode()
    assert "You are doing this too often. Please wait" in body
    assert "Words I must not lose" in body and 'value="Second"' in body
    assert list(Thread.objects.values_list("title", flat=True)) == ["First"]


def test_too_many_replies_keep_the_text_and_answer_429(
    client, member, member2, space, write, rate_limits
):
    rate_limits({"community.reply": "2/10m/user"})
    thread = write(member, space)
    actions.do_accept_guidelines(member2, space)
    client.force_login(member2)
    url = reverse("community_reply", args=[space.slug, thread.pk])
    for n in range(2):
        assert client.post(url, {"body": f"Reply {n}"}).status_code == 302
    response = client.post(url, {"body": "The reply I was writing"})
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 600
    body = response.content.decode()
    assert "The reply I was writing" in body and "Please wait" in body
    assert Post.objects.filter(author=member2).count() == 2
    # The thread's author still replies: the limit is per person.
    client.force_login(member)
    assert client.post(url, {"body": "Thank you both"}).status_code == 302


def test_replies_from_one_address_are_limited_across_accounts(
    client, member, member2, space, write, rate_limits
):
    rate_limits({"community.reply": "10/10m/user,1/10m/ip"})
    thread = write(member, space)
    actions.do_accept_guidelines(member2, space)
    url = reverse("community_reply", args=[space.slug, thread.pk])
    client.force_login(member)
    assert client.post(url, {"body": "a"}, REMOTE_ADDR="198.51.100.4").status_code == 302
    client.force_login(member2)
    assert client.post(url, {"body": "b"}, REMOTE_ADDR="198.51.100.4").status_code == 429
    assert client.post(url, {"body": "b"}, REMOTE_ADDR="198.51.100.5").status_code == 302


# --- Text the database cannot store ----------------------------------------------


@pytest.mark.parametrize("field", ["title", "body", "content_warning"])
def test_a_nul_in_a_new_thread_is_a_form_error_keeping_the_rest(client, member, space, field):
    actions.do_accept_guidelines(member, space)
    client.force_login(member)
    data = {"title": "My title", "body": "A long post I must not lose", "content_warning": "cw"}
    data[field] += "\x00"
    response = client.post(reverse("community_new_thread", args=[space.slug]), data)
    assert response.status_code == 422
    body = response.content.decode()
    assert "Null characters are not allowed" in body
    assert "A long post I must not lose" in body
    assert not Thread.objects.exists()


@pytest.mark.parametrize("field", ["body", "content_warning"])
def test_a_nul_in_a_reply_is_a_form_error_keeping_the_rest(
    client, member, member2, space, write, field
):
    thread = write(member, space)
    actions.do_accept_guidelines(member2, space)
    client.force_login(member2)
    data = {"body": "My reply text", "content_warning": "cw"}
    data[field] += "\x00"
    response = client.post(reverse("community_reply", args=[space.slug, thread.pk]), data)
    assert response.status_code == 422
    assert "Null characters are not allowed" in response.content.decode()
    assert "My reply text" in response.content.decode()
    assert Post.objects.count() == 1


def test_broken_utf8_in_a_form_becomes_a_replacement_character(client, member, space):
    # Form bodies are decoded with errors="replace", so a lone surrogate (ED A0 80 in
    # would-be UTF-8) cannot reach a form field: nothing to refuse, nothing to crash.
    actions.do_accept_guidelines(member, space)
    client.force_login(member)
    response = client.post(
        reverse("community_new_thread", args=[space.slug]),
        "title=a%ED%A0%80b&body=Some+days",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 302
    assert Thread.objects.get().title == "a\ufffd\ufffd\ufffdb"


def test_a_nul_in_the_move_target_is_refused_politely(client, member, moderator, space, write):
    thread = write(member, space)
    client.force_login(moderator)
    response = client.post(reverse("community_move", args=[thread.pk]), {"space": "grief\x00"})
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.space == space
