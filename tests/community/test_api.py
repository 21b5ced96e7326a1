"""The community endpoints under /api/v1/: the same people see and do the same things
as on the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from kindred.community import actions
from kindred.community.models import Post, Reaction, Space, Suspension, Thread
from kindred.community.pagination import POSTS_PER_PAGE, THREADS_PER_PAGE
from kindred.core.roles import Role
from kindred.safety.actions import do_block
from kindred.safety.models import Flag, FlagKind
from tests.api.conftest import bearer
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

API = "/api/v1"
HIGH_RISK = "I have the pills ready and I am going to take them all tonight"
NOT_FOUND = {"space": "No such space.", "thread": "No such thread.", "post": "No such post."}


# --- Set-up -------------------------------------------------------------------


@pytest.fixture
def teen():
    return UserFactory(handle="teen_tara", roles=[Role.MEMBER], age_band="teen")


@pytest.fixture
def thread(member, space, write):
    return write(member, space)


@pytest.fixture
def opening(thread):
    return thread.posts.get(is_opening=True)


def post_json(client, url, body, **extra):
    return client.post(url, body, content_type="application/json", **extra)


def patch_json(client, url, body, **extra):
    return client.patch(url, body, content_type="application/json", **extra)


def assert_not_found(response, what):
    assert response.status_code == 404, response.content
    assert response.json() == {"detail": NOT_FOUND[what]}


def post_ids(client, thread_id, **params):
    response = client.get(f"{API}/threads/{thread_id}/posts", params)
    assert response.status_code == 200, response.content
    return [p["id"] for p in response.json()["posts"]]


def thread_ids(client, slug, **params):
    response = client.get(f"{API}/spaces/{slug}/threads", params)
    assert response.status_code == 200, response.content
    return [t["id"] for t in response.json()["threads"]]


# --- Spaces -------------------------------------------------------------------


def slugs(client):
    response = client.get(f"{API}/spaces")
    assert response.status_code == 200
    return {s["slug"] for s in response.json()}


def test_visitors_see_only_public_adult_spaces(client, members_space):
    seen = slugs(client)
    assert "depression-anxiety" in seen
    assert "teen-support" not in seen
    assert "members-corner" not in seen


def test_members_see_adult_spaces_and_teens_see_teen_spaces(login, client, member, teen):
    adult = slugs(login(member))
    assert "depression-anxiety" in adult and "teen-support" not in adult
    client.logout()
    assert slugs(login(teen)) == {"teen-support"}


def test_the_space_list_has_the_documented_fields(client):
    space = client.get(f"{API}/spaces").json()[0]
    assert set(space) == {"slug", "name", "description", "visibility", "age_band"}


def test_a_space_shows_its_guidelines_and_whether_you_accepted_them(login, member, space):
    client = login(member)
    url = f"{API}/spaces/{space.slug}"
    body = client.get(url).json()
    assert body["guidelines"] == space.guidelines
    assert body["guidelines_accepted"] is False
    assert post_json(client, f"{url}/guidelines/accept", {}).json() == {"accepted": True}
    assert client.get(url).json()["guidelines_accepted"] is True
    assert actions.has_accepted_guidelines(member, space)


def test_a_visitor_sees_a_public_space_without_guidelines_state(client, space):
    assert client.get(f"{API}/spaces/{space.slug}").json()["guidelines_accepted"] is None


@pytest.mark.parametrize("path", ["", "/threads"])
def test_spaces_you_may_not_read_look_missing(login, client, member, teen, members_space, path):
    # Visitors: members-only and teen spaces.
    assert_not_found(client.get(f"{API}/spaces/members-corner{path}"), "space")
    assert_not_found(client.get(f"{API}/spaces/teen-support{path}"), "space")
    assert_not_found(client.get(f"{API}/spaces/no-such-space{path}"), "space")
    # Adults cannot see teen spaces, and teens cannot see adult ones.
    assert_not_found(login(member).get(f"{API}/spaces/teen-support{path}"), "space")
    client.logout()
    assert_not_found(login(teen).get(f"{API}/spaces/depression-anxiety{path}"), "space")


def test_accepting_guidelines_needs_a_login_and_a_visible_space(login, client, member):
    assert (
        post_json(client, f"{API}/spaces/depression-anxiety/guidelines/accept", {}).status_code
        == 401
    )
    response = post_json(login(member), f"{API}/spaces/teen-support/guidelines/accept", {})
    assert_not_found(response, "space")


def test_a_members_space_is_readable_with_a_read_token(client, member, members_space, make_token):
    _, plaintext = make_token(member, scopes=("read",))
    response = client.get(f"{API}/spaces/{members_space.slug}/threads", **bearer(plaintext))
    assert response.status_code == 200


def test_a_bad_token_on_a_public_read_gets_401_not_visitor_access(client, space):
    response = client.get(f"{API}/spaces", **bearer("kdr_0123456789abcdef_nope"))
    assert response.status_code == 401


# --- Threads ------------------------------------------------------------------


def test_visitors_can_read_a_public_spaces_threads(client, thread):
    response = client.get(f"{API}/spaces/depression-anxiety/threads")
    assert response.status_code == 200
    body = response.json()
    assert body["next_cursor"] is None
    (row,) = body["threads"]
    assert row["id"] == thread.pk
    assert row["title"] == "Finding my feet"
    assert row["author"] == "member_maya"
    assert row["reply_count"] == 0 and row["is_locked"] is False and row["held"] is False
    assert "last_activity_at" in row


def test_threads_of_blocked_people_are_absent_both_ways(
    login, client, member, member2, thread, write
):
    theirs = write(member2, thread.space, title="Mine")
    do_block(member2, member)
    assert thread_ids(login(member2), "depression-anxiety") == [theirs.pk]
    client.logout()
    assert thread_ids(login(member), "depression-anxiety") == [thread.pk]


def test_held_and_hidden_threads_show_only_to_their_author(
    login, client, member, member2, moderator, space, write
):
    held = write(member, space, title="tonight", body=HIGH_RISK)
    hidden = write(member, space, title="rude")
    actions.do_set_post_hidden(moderator, hidden.posts.get(), True, "Unkind")
    assert held.is_held
    assert thread_ids(client, space.slug) == []
    assert thread_ids(login(member2), space.slug) == []
    client.logout()
    assert set(thread_ids(login(member), space.slug)) == {held.pk, hidden.pk}


def make_threads(space, author, n):
    """Threads straight in the table (screening each would be slow); some share a time."""
    base = timezone.now()
    threads = []
    for i in range(n):
        at = base - timedelta(minutes=i // 3)  # three threads per timestamp: ties on the key
        t = Thread.objects.create(space=space, author=author, title=f"t{i}", last_activity_at=at)
        Post.objects.create(
            thread=t, author=author, is_opening=True, body="b", body_html="<p>b</p>"
        )
        threads.append(t)
    return threads


def test_thread_pages_cover_every_thread_once(client, member, space):
    made = make_threads(space, member, THREADS_PER_PAGE * 2 + 5)
    seen: list[int] = []
    cursor = ""
    pages = 0
    while True:
        body = client.get(f"{API}/spaces/{space.slug}/threads", {"cursor": cursor}).json()
        seen += [t["id"] for t in body["threads"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break
    assert pages == 3
    assert len(seen) == len(set(seen)) == len(made)
    assert set(seen) == {t.pk for t in made}


def test_a_malformed_cursor_shows_the_first_page(client, thread):
    assert thread_ids(client, "depression-anxiety", cursor="not-a-cursor") == [thread.pk]


@pytest.mark.parametrize("n", [1, 25])
def test_the_thread_list_takes_a_fixed_number_of_queries(
    login, member, member2, space, n, django_assert_max_num_queries
):
    make_threads(space, member, n)
    client = login(member2)
    with django_assert_max_num_queries(7):
        assert len(thread_ids(client, space.slug)) == n


def start(client, slug="depression-anxiety", **body):
    body.setdefault("title", "Hello")
    body.setdefault("body", "It has been a *long* week.")
    return post_json(client, f"{API}/spaces/{slug}/threads", body)


def test_a_member_starts_a_thread_after_accepting_the_guidelines(login, member, space):
    client = login(member)
    response = start(client)
    assert response.status_code == 409
    assert response.json()["code"] == "guidelines_required"
    assert "guidelines/accept" in response.json()["detail"]
    assert not Thread.objects.exists()

    post_json(client, f"{API}/spaces/{space.slug}/guidelines/accept", {})
    response = start(client, content_warning="low mood")
    assert response.status_code == 201, response.content
    body = response.json()
    post = Post.objects.get(pk=body["id"])
    assert post.is_opening and post.author == member and post.content_warning == "low mood"
    assert post.thread.title == "Hello"
    assert body["body_html"] == "<p>It has been a <em>long</em> week.</p>\n"
    assert body["held"] is False and body["support"] is None and body["notice"] == ""
    assert thread_ids(client, space.slug) == [post.thread_id]


def test_visitors_cannot_write(client, opening, thread, space):
    assert start(client).status_code == 401
    assert post_json(client, f"{API}/threads/{thread.pk}/posts", {"body": "x"}).status_code == 401
    assert patch_json(client, f"{API}/posts/{opening.pk}", {"body": "x"}).status_code == 401
    assert client.delete(f"{API}/posts/{opening.pk}").status_code == 401
    url = f"{API}/posts/{opening.pk}"
    assert post_json(client, f"{url}/reactions", {"kind": "me_too"}).status_code == 401
    assert post_json(client, f"{url}/reports", {"reason": "spam"}).status_code == 401
    assert Post.objects.count() == 1 and not Reaction.objects.exists()


def test_people_without_the_member_role_get_403_with_the_reason(login, therapist, space):
    actions.do_accept_guidelines(therapist, space)
    response = start(login(therapist))
    assert response.status_code == 403
    assert response.json() == {"detail": "Only members can post in community spaces."}


def test_a_suspended_member_gets_403_with_the_reason(login, member, moderator, thread):
    actions.do_suspend(moderator, member, days=3, reason="Please cool off", space=thread.space)
    client = login(member)
    response = start(client)
    assert response.status_code == 403 and "Please cool off" in response.json()["detail"]
    response = post_json(client, f"{API}/threads/{thread.pk}/posts", {"body": "more"})
    assert response.status_code == 403 and "Please cool off" in response.json()["detail"]
    assert Suspension.objects.filter(user=member).exists()
    assert Post.objects.count() == 1


def test_nobody_starts_threads_in_a_space_they_cannot_see(login, member, teen, teen_space):
    assert_not_found(start(login(member), slug="teen-support"), "space")


def test_a_read_token_cannot_post(client, member, space, make_token):
    actions.do_accept_guidelines(member, space)
    _, plaintext = make_token(member, scopes=("read",))
    response = post_json(
        client,
        f"{API}/spaces/{space.slug}/threads",
        {"title": "t", "body": "b"},
        **bearer(plaintext),
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "This token lacks the 'write' scope."}
    assert not Thread.objects.exists()


def test_a_write_token_can_post(client, member, space, make_token):
    actions.do_accept_guidelines(member, space)
    _, plaintext = make_token(member, scopes=("read", "write"))
    response = post_json(
        client,
        f"{API}/spaces/{space.slug}/threads",
        {"title": "t", "body": "b"},
        **bearer(plaintext),
    )
    assert response.status_code == 201
    assert Thread.objects.get().author == member


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"body": "no title"}, "title"),
        ({"title": "t"}, "body"),
        ({"title": "t", "body": "b", "author": 1}, "author"),
        ({"title": "t", "body": "x" * 20_001}, "body"),
        ({"title": "t", "body": "b", "content_warning": "c" * 121}, "content_warning"),
        ({"title": ["t"], "body": "b"}, "title"),
    ],
)
def test_bad_thread_bodies_get_422(login, member, space, body, field):
    actions.do_accept_guidelines(member, space)
    response = post_json(login(member), f"{API}/spaces/{space.slug}/threads", body)
    assert response.status_code == 422
    assert field in response.json()["detail"]
    assert not Thread.objects.exists()


def test_a_blank_body_gets_422_with_the_actions_reason(login, member, space):
    actions.do_accept_guidelines(member, space)
    response = start(login(member), body="   ")
    assert response.status_code == 422
    assert response.json() == {"detail": "Write something first."}


def test_malformed_json_gets_400(login, member, space):
    response = login(member).generic(
        "POST", f"{API}/spaces/{space.slug}/threads", b'{"title": ', content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Cannot parse request body")


def test_session_writes_need_the_csrf_token(csrf_client, member, space):
    actions.do_accept_guidelines(member, space)
    csrf_client.force_login(member)
    response = post_json(
        csrf_client, f"{API}/spaces/{space.slug}/threads", {"title": "t", "body": "b"}
    )
    assert response.status_code == 403
    assert not Thread.objects.exists()


# --- Posts --------------------------------------------------------------------


def test_visitors_can_read_a_public_thread(client, thread, opening):
    response = client.get(f"{API}/threads/{thread.pk}/posts")
    assert response.status_code == 200
    body = response.json()
    assert body["thread"]["id"] == thread.pk and body["thread"]["space"] == "depression-anxiety"
    assert body["next_cursor"] is None
    (post,) = body["posts"]
    assert post["id"] == opening.pk
    assert post["author"] == "member_maya"
    assert post["body"] == "Some days are harder."
    assert post["body_html"] == "<p>Some days are harder.</p>\n"
    assert post["is_opening"] is True
    assert post["edited_at"] is None and post["content_warning"] == ""
    assert post["reactions"] == [] and post["reaction_counts"] is None and post["mine"] == []


def test_threads_in_spaces_you_cannot_see_look_missing(
    login, client, member, teen, members_space, write
):
    members_thread = write(member, members_space)
    teen_thread = write(teen, Space.objects.get(slug="teen-support"))
    assert_not_found(client.get(f"{API}/threads/{members_thread.pk}/posts"), "thread")
    assert_not_found(client.get(f"{API}/threads/{teen_thread.pk}/posts"), "thread")
    assert_not_found(client.get(f"{API}/threads/999999/posts"), "thread")
    assert_not_found(login(member).get(f"{API}/threads/{teen_thread.pk}/posts"), "thread")
    client.logout()
    assert_not_found(login(teen).get(f"{API}/threads/{members_thread.pk}/posts"), "thread")


def test_posts_of_blocked_people_are_absent(login, member, member2, peer_supporter, thread, write):
    reply = write.reply(member2, thread)
    kind = write.reply(peer_supporter, thread)
    do_block(member, member2)
    assert post_ids(login(member), thread.pk) == [thread.posts.get(is_opening=True).pk, kind.pk]
    assert reply.pk not in post_ids(login(member), thread.pk)


def test_held_and_hidden_posts_show_only_to_their_author_and_moderators(
    login, client, member, member2, moderator, thread, opening, make_token, write
):
    hidden = write.reply(member2, thread, body="something unkind")
    actions.do_set_post_hidden(moderator, hidden, True, "Unkind")
    held = write.reply(member2, thread, body=HIGH_RISK)
    assert held.is_held

    assert post_ids(client, thread.pk) == [opening.pk]
    assert post_ids(login(member), thread.pk) == [opening.pk]
    client.logout()
    rows = login(member2).get(f"{API}/threads/{thread.pk}/posts").json()["posts"]
    assert [p["id"] for p in rows] == [opening.pk, hidden.pk, held.pk]
    assert (rows[1]["hidden"], rows[1]["hidden_reason"]) == (True, "Unkind")
    assert rows[2]["held"] is True
    client.logout()
    _, plaintext = make_token(moderator, scopes=("read",))
    response = client.get(f"{API}/threads/{thread.pk}/posts", **bearer(plaintext))
    assert [p["id"] for p in response.json()["posts"]] == [opening.pk, hidden.pk, held.pk]


def test_only_the_author_sees_reaction_counts(
    login, client, member, member2, peer_supporter, opening, thread
):
    actions.do_toggle_reaction(member2, opening, "me_too")
    actions.do_toggle_reaction(peer_supporter, opening, "me_too")
    actions.do_toggle_reaction(peer_supporter, opening, "strength")

    mine = login(member).get(f"{API}/threads/{thread.pk}/posts").json()["posts"][0]
    assert mine["reaction_counts"] == {"me_too": 2, "strength": 1}
    assert mine["reactions"] == ["me_too", "strength"]
    client.logout()
    theirs = login(member2).get(f"{API}/threads/{thread.pk}/posts").json()["posts"][0]
    assert theirs["reaction_counts"] is None
    assert theirs["reactions"] == ["me_too", "strength"]
    assert theirs["mine"] == ["me_too"]
    client.logout()
    assert client.get(f"{API}/threads/{thread.pk}/posts").json()["posts"][0]["mine"] == []


def make_replies(thread, author, n):
    return Post.objects.bulk_create(
        Post(thread=thread, author=author, body=f"r{i}", body_html=f"<p>r{i}</p>") for i in range(n)
    )


def test_post_pages_cover_every_post_once(client, member2, thread, opening):
    make_replies(thread, member2, POSTS_PER_PAGE * 2 + 3)
    seen: list[int] = []
    after = ""
    pages = 0
    while True:
        body = client.get(f"{API}/threads/{thread.pk}/posts", {"after": after}).json()
        seen += [p["id"] for p in body["posts"]]
        pages += 1
        after = body["next_cursor"]
        if after is None:
            break
    assert pages == 3
    expected = list(Post.objects.filter(thread=thread).order_by("id").values_list("id", flat=True))
    assert seen == expected
    assert len(seen) == len(set(seen)) == POSTS_PER_PAGE * 2 + 4


@pytest.mark.parametrize("n", [1, 40])
def test_the_post_list_takes_a_fixed_number_of_queries(
    login, member, member2, peer_supporter, thread, n, django_assert_max_num_queries
):
    for reply in make_replies(thread, member, n):
        Reaction.objects.create(post=reply, user=peer_supporter, kind="me_too")
        Reaction.objects.create(post=reply, user=member2, kind="strength")
    client = login(member2)
    with django_assert_max_num_queries(10):
        assert len(post_ids(client, thread.pk)) == n + 1


def test_the_spaces_list_takes_a_fixed_number_of_queries(
    login, member, django_assert_max_num_queries
):
    for i in range(10):
        Space.objects.create(slug=f"extra-{i}", name=f"Extra {i}", description="d", guidelines="g")
    client = login(member)
    with django_assert_max_num_queries(5):
        assert len(client.get(f"{API}/spaces").json()) >= 15


# --- Replies ------------------------------------------------------------------


def reply_to(client, thread, **body):
    body.setdefault("body", "Sending strength.")
    return post_json(client, f"{API}/threads/{thread.pk}/posts", body)


def test_a_member_replies(login, member2, thread):
    actions.do_accept_guidelines(member2, thread.space)
    response = reply_to(login(member2), thread, content_warning="grief")
    assert response.status_code == 201
    body = response.json()
    post = Post.objects.get(pk=body["id"])
    assert (post.author, post.thread, post.is_opening) == (member2, thread, False)
    assert body["held"] is False and body["support"] is None
    assert body["reaction_counts"] == {} and body["content_warning"] == "grief"
    thread.refresh_from_db()
    assert thread.reply_count == 1


def test_replying_needs_the_guidelines(login, member2, thread):
    response = reply_to(login(member2), thread)
    assert response.status_code == 409
    assert response.json()["code"] == "guidelines_required"


def test_a_locked_thread_gets_409(login, member2, moderator, thread):
    actions.do_accept_guidelines(member2, thread.space)
    actions.do_set_locked(moderator, thread, True)
    response = reply_to(login(member2), thread)
    assert response.status_code == 409
    assert response.json() == {
        "code": "thread_locked",
        "detail": "This thread is locked: no new replies.",
    }
    assert thread.posts.count() == 1


def test_nobody_replies_to_threads_they_cannot_see(login, member, teen, write):
    teen_thread = write(teen, Space.objects.get(slug="teen-support"))
    assert_not_found(reply_to(login(member), teen_thread), "thread")


def test_a_high_risk_reply_supports_the_writer_and_is_held(
    login, client, member, member2, peer_supporter, thread
):
    peer_supporter.country = "GB"
    peer_supporter.save(update_fields=["country"])
    actions.do_accept_guidelines(peer_supporter, thread.space)
    response = reply_to(login(peer_supporter), thread, body=HIGH_RISK)
    assert response.status_code == 201
    body = response.json()
    assert body["held"] is True
    assert "moderator" in body["notice"]
    support = body["support"]
    assert support is not None
    assert support["level"] == "high"
    assert support["message"]
    assert support["country"]["code"] == "GB" and support["country"]["lines"]
    assert support["anywhere"]["code"] == "XX"
    assert support["get_help_url"] == "/help/"
    assert Flag.objects.filter(subject=peer_supporter, source_id=str(body["id"])).exists()

    client.logout()
    assert body["id"] not in post_ids(login(member2), thread.pk)
    client.logout()
    assert body["id"] not in post_ids(login(member), thread.pk)
    client.logout()
    assert body["id"] in post_ids(login(peer_supporter), thread.pk)


def test_support_uses_the_token_callers_country(client, member2, thread, make_token):
    member2.country = "NZ"
    member2.save(update_fields=["country"])
    actions.do_accept_guidelines(member2, thread.space)
    _, plaintext = make_token(member2)
    response = post_json(
        client, f"{API}/threads/{thread.pk}/posts", {"body": HIGH_RISK}, **bearer(plaintext)
    )
    assert response.json()["support"]["country"]["code"] == "NZ"


def test_a_high_risk_thread_is_held_too(login, member, space):
    actions.do_accept_guidelines(member, space)
    body = start(login(member), title="tonight", body=HIGH_RISK).json()
    assert body["held"] is True and body["support"] is not None
    assert Thread.objects.get().is_held


# --- Editing and deleting -----------------------------------------------------


def test_the_author_edits_their_post(login, member, opening):
    response = patch_json(login(member), f"{API}/posts/{opening.pk}", {"body": "Better *now*."})
    assert response.status_code == 200
    body = response.json()
    assert body["body_html"] == "<p>Better <em>now</em>.</p>\n" and body["edited_at"]
    opening.refresh_from_db()
    assert opening.body == "Better *now*."
    assert opening.revisions.count() == 1


def test_editing_keeps_fields_left_out_and_can_retitle_the_thread(login, member, opening, thread):
    opening.content_warning = "low mood"
    opening.save(update_fields=["content_warning"])
    client = login(member)
    response = patch_json(client, f"{API}/posts/{opening.pk}", {"title": "A new title"})
    assert response.status_code == 200
    opening.refresh_from_db()
    thread.refresh_from_db()
    assert opening.body == "Some days are harder." and opening.content_warning == "low mood"
    assert thread.title == "A new title"


def test_only_an_opening_post_has_a_title(login, member2, thread, write):
    reply = write.reply(member2, thread)
    response = patch_json(login(member2), f"{API}/posts/{reply.pk}", {"title": "x"})
    assert response.status_code == 422


def test_editing_into_high_risk_holds_the_post_and_offers_support(login, member, opening):
    body = patch_json(login(member), f"{API}/posts/{opening.pk}", {"body": HIGH_RISK}).json()
    assert body["held"] is True and body["support"] is not None


def test_others_cannot_edit_or_delete_a_post(
    login, member2, moderator, opening, make_token, client
):
    client = login(member2)
    assert_not_found(patch_json(client, f"{API}/posts/{opening.pk}", {"body": "mine now"}), "post")
    assert_not_found(client.delete(f"{API}/posts/{opening.pk}"), "post")
    assert_not_found(patch_json(client, f"{API}/posts/999999", {"body": "x"}), "post")
    client.logout()
    # Moderators hide posts; they do not rewrite or delete them.
    _, plaintext = make_token(moderator)
    response = client.delete(f"{API}/posts/{opening.pk}", **bearer(plaintext))
    assert_not_found(response, "post")
    opening.refresh_from_db()
    assert opening.body == "Some days are harder." and not opening.is_deleted


def test_the_author_deletes_their_reply(login, client, member, member2, thread, write):
    reply = write.reply(member2, thread)
    response = login(member2).delete(f"{API}/posts/{reply.pk}")
    assert response.status_code == 204
    reply.refresh_from_db()
    thread.refresh_from_db()
    assert reply.is_deleted and thread.reply_count == 0
    assert Post.objects.filter(pk=reply.pk).exists()  # soft delete
    client.logout()
    assert reply.pk not in post_ids(login(member), thread.pk)
    assert_not_found(client.delete(f"{API}/posts/{reply.pk}"), "post")


def test_deleting_the_opening_post_deletes_the_thread(login, member, opening, thread):
    client = login(member)
    assert client.delete(f"{API}/posts/{opening.pk}").status_code == 204
    assert_not_found(client.get(f"{API}/threads/{thread.pk}/posts"), "thread")


def test_bad_edit_bodies_get_422(login, member, opening):
    client = login(member)
    assert patch_json(client, f"{API}/posts/{opening.pk}", {"body": ""}).status_code == 422
    assert patch_json(client, f"{API}/posts/{opening.pk}", {"is_held": False}).status_code == 422
    response = patch_json(client, f"{API}/posts/{opening.pk}", {"body": "  "})
    assert response.status_code == 422 and response.json() == {"detail": "Write something first."}


# --- Reactions ----------------------------------------------------------------


def react(client, post, kind="me_too", **extra):
    return post_json(client, f"{API}/posts/{post.pk}/reactions", {"kind": kind}, **extra)


def test_a_reaction_toggles(login, member2, opening):
    client = login(member2)
    assert react(client, opening).json() == {"kind": "me_too", "on": True}
    assert Reaction.objects.filter(post=opening, user=member2, kind="me_too").exists()
    assert react(client, opening).json() == {"kind": "me_too", "on": False}
    assert not Reaction.objects.exists()


def test_you_cannot_react_to_your_own_post(login, member, opening):
    response = react(login(member), opening)
    assert response.status_code == 422
    assert response.json() == {"detail": "You can't react to your own post."}


def test_an_unknown_reaction_gets_422(login, member2, opening):
    assert react(login(member2), opening, kind="like").status_code == 422
    assert not Reaction.objects.exists()


def test_nobody_reacts_to_posts_they_cannot_see(
    login, member, member2, peer_supporter, moderator, thread, write
):
    hidden = write.reply(peer_supporter, thread)
    actions.do_set_post_hidden(moderator, hidden, True, "Unkind")
    assert_not_found(react(login(member2), hidden), "post")
    assert_not_found(react(login(member2), Post(pk=999999)), "post")
    teen = UserFactory(handle="teen_tom", roles=[Role.MEMBER], age_band="teen")
    teen_post = write(teen, Space.objects.get(slug="teen-support")).posts.get()
    assert react(login(member2), teen_post).status_code == 404
    assert not Reaction.objects.exists()


def test_a_post_in_a_thread_you_cannot_see_looks_like_a_missing_post(
    login, member, member2, moderator, opening
):
    actions.do_set_post_hidden(moderator, opening, True, "Unkind")
    assert_not_found(react(login(member2), opening), "post")


def test_a_read_token_cannot_react(client, member2, opening, make_token):
    _, plaintext = make_token(member2, scopes=("read",))
    assert react(client, opening, **bearer(plaintext)).status_code == 403


# --- Reports ------------------------------------------------------------------


def report(client, post, **body):
    body.setdefault("reason", "harassment")
    return post_json(client, f"{API}/posts/{post.pk}/reports", body)


def test_a_member_reports_a_post(login, member, member2, opening):
    response = report(login(member2), opening, details="Not kind")
    assert response.status_code == 201
    assert "moderator" in response.json()["detail"]
    flag = Flag.objects.get(kind=FlagKind.REPORT)
    assert (flag.reporter, flag.subject, flag.reason) == (member2, member, "harassment")
    assert (flag.source_type, flag.source_id) == ("community.post", str(opening.pk))


def test_an_unknown_reason_gets_422(login, member2, opening):
    response = report(login(member2), opening, reason="meh")
    assert response.status_code == 422 and "reason" in response.json()["detail"]
    assert not Flag.objects.exists()


def test_you_cannot_report_yourself(login, member, opening):
    response = report(login(member), opening)
    assert response.status_code == 422
    assert not Flag.objects.exists()


def test_nobody_reports_posts_they_cannot_see(login, member2, moderator, opening):
    assert report(login(member2), opening).status_code == 201
    Flag.objects.all().delete()
    actions.do_set_post_hidden(moderator, opening, True, "Unkind")
    assert report(login(member2), opening).status_code == 404
    assert_not_found(report(login(member2), Post(pk=999999)), "post")
    assert not Flag.objects.filter(kind=FlagKind.REPORT).exists()


# --- The schema ---------------------------------------------------------------


def test_the_endpoints_are_in_the_schema(client):
    paths = client.get(f"{API}/openapi.json").json()["paths"]
    assert set(paths["/api/v1/spaces"]) == {"get"}
    assert set(paths["/api/v1/spaces/{slug}/threads"]) == {"get", "post"}
    assert set(paths["/api/v1/spaces/{slug}/guidelines/accept"]) == {"post"}
    assert set(paths["/api/v1/threads/{thread_id}/posts"]) == {"get", "post"}
    assert set(paths["/api/v1/posts/{post_id}"]) == {"patch", "delete"}
    assert set(paths["/api/v1/posts/{post_id}/reactions"]) == {"post"}
    assert set(paths["/api/v1/posts/{post_id}/reports"]) == {"post"}


def test_threads_and_replies_past_their_limits_get_429(
    login, member, member2, space, thread, rate_limits
):
    rate_limits({"community.thread": "1/h/user", "community.reply": "1/10m/user"})
    actions.do_accept_guidelines(member, space)
    client = login(member)
    assert start(client).status_code == 201
    refused = start(client, title="Again")
    assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
    assert 1 <= int(refused["Retry-After"]) <= 3600
    reply = f"{API}/threads/{thread.pk}/posts"
    assert post_json(client, reply, {"body": "one"}).status_code == 201
    refused = post_json(client, reply, {"body": "two"})
    assert refused.status_code == 429 and "Please wait" in refused.json()["detail"]
    actions.do_accept_guidelines(member2, space)
    assert post_json(login(member2), reply, {"body": "mine"}).status_code == 201
