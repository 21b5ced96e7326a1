"""Search finds posts by their words and never returns one the searcher may not see."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.urls import reverse

from kindred.community import actions
from kindred.community.models import Post, Space, Thread
from kindred.community.search import fts5_query, search_posts
from kindred.safety.actions import do_block
from tests.factories import UserFactory

HIGH_RISK = "I have the pills ready and I am going to take them all tonight"
ANONYMOUS = AnonymousUser()


def found(user, query, **kw):
    return [hit.post_id for hit in search_posts(user, query, **kw)]


def opening(thread):
    return thread.posts.get(is_opening=True).pk


@pytest.fixture
def other_space():
    return Space.objects.get(slug="grief-loss")


# --- Matching and ranking ------------------------------------------------------------


def test_it_finds_posts_by_word_and_stemmed_form(member, member2, space, write):
    thread = write(member, space, title="Nights", body="I cannot sleep before 3am.")
    reply = write.reply(member2, thread, body="Walking helped me a lot.")
    assert found(member2, "sleep") == [opening(thread)]
    assert found(member2, "sleeping") == [opening(thread)]
    assert found(member2, "walks") == [reply.pk]
    assert found(member2, "gardening") == []


def test_a_thread_title_matches_its_opening_post_only(member, member2, space, write):
    thread = write(member, space, title="Insomnia again", body="Three nights now.")
    write.reply(member2, thread, body="Same here.")
    assert found(member2, "insomnia") == [opening(thread)]
    hit = search_posts(member2, "insomnia")[0]
    assert (hit.thread_id, hit.thread_title, hit.space_slug, hit.space_name, hit.author_handle) == (
        thread.pk,
        "Insomnia again",
        space.slug,
        space.name,
        member.handle,
    )


def test_it_follows_edits_of_bodies_and_titles(member, member2, space, write):
    thread = write(member, space, title="Old title", body="Old words")
    post = thread.posts.get()
    actions.do_edit_post(member, post, body="Fresh words", title="Shiny heading")
    assert found(member2, "old") == []
    assert found(member2, "fresh") == found(member2, "shiny") == [post.pk]


def test_deleted_rows_leave_the_index(member, member2, space, write):
    thread = write(member, space, body="Ephemeral words")
    write.reply(member2, thread, body="Ephemeral reply")
    # What a test-database flush or a cascade does: rows gone, index still consistent.
    Post.objects.filter(thread=thread).delete()
    Thread.objects.filter(pk=thread.pk).delete()
    assert found(member2, "ephemeral") == []
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT rowid FROM community_post_fts WHERE community_post_fts MATCH 'ephemeral'"
            )
            assert cursor.fetchall() == []
            # Checks the index against the rows: "database disk image is malformed" if they differ.
            cursor.execute(
                "INSERT INTO community_post_fts(community_post_fts, rank)"
                " VALUES ('integrity-check', 1)"
            )
            cursor.execute(
                "INSERT INTO community_thread_fts(community_thread_fts, rank)"
                " VALUES ('integrity-check', 1)"
            )


def test_better_matches_come_first_then_newer_posts(member, member2, space, write):
    once = write(
        member,
        space,
        title="Walks",
        body="The garden was quiet and the path was long and muddy today.",
    )
    thrice = write(member, space, title="Patch", body="Garden, garden, garden.")
    older = write(member, space, title="One", body="Kettle on.")
    newer = write(member, space, title="Two", body="Kettle on.")
    assert found(member2, "garden") == [opening(thrice), opening(once)]
    assert found(member2, "kettle") == [opening(newer), opening(older)]


def test_it_returns_at_most_limit_hits(member, member2, space, write):
    for n in range(5):
        write(member, space, title=f"Day {n}", body="Breathing exercises again.")
    assert len(found(member2, "breathing", limit=3)) == 3
    assert len(found(member2, "breathing")) == 5


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"unterminated phrase',
        "*",
        "sleep*",
        "NEAR(sleep night)",
        "body:sleep",
        "-sleep",
        "- - -",
        "((( )))",
        "AND OR NOT",
        "^sleep",
        "'; DROP TABLE community_post; --",
        "!@#$%^&*()_+{}|:<>?",
        "%",
        "sleep OR",
        "OR sleep",
    ],
)
def test_search_syntax_in_a_query_never_errors(client, member, space, write, query):
    write(member, space, title="Nights", body="I cannot sleep.")
    search_posts(member, query)
    assert client.get(reverse("community_search"), {"q": query}).status_code == 200


def test_a_query_of_only_punctuation_finds_nothing(member, space, write):
    write(member, space, body="Anything at all.")
    assert found(member, "!?*()-:") == []


def test_phrases_exclusions_and_or_work_like_websearch(member, member2, space, write):
    bad_night = write(member, space, title="a", body="A bad night, then sunrise.")
    night_bad = write(member, space, title="b", body="The night was calm, not bad.")
    assert found(member2, '"bad night"') == [opening(bad_night)]
    assert found(member2, "night -sunrise") == [opening(night_bad)]
    assert set(found(member2, "sunrise or calm")) == {opening(bad_night), opening(night_bad)}
    assert fts5_query('x NEAR(y) "z" -w') == '("x" "NEAR" "y" "z" NOT "w")'


# --- Never returns what the searcher may not see -------------------------------------


def test_teens_and_adults_never_find_each_others_posts(member, space, teen_space, write):
    teen = UserFactory(handle="teen_tia", age_band="teen")
    adult_thread = write(member, space, body="Exams and worry.")
    teen_thread = write(teen, teen_space, body="Exams and worry.")
    assert found(member, "exams") == [opening(adult_thread)]
    assert found(teen, "exams") == [opening(teen_thread)]
    assert found(ANONYMOUS, "exams") == [opening(adult_thread)]


def test_members_only_spaces_are_not_searched_for_anonymous_visitors(member, members_space, write):
    thread = write(member, members_space, body="Private circle chat.")
    assert found(ANONYMOUS, "circle") == []
    assert found(member, "circle") == [opening(thread)]


def test_hidden_held_and_deleted_posts_stay_out_of_others_results(
    member, member2, peer_supporter, moderator, space, write
):
    thread = write(member, space, title="Evenings", body="Evenings are long.")
    hidden = write.reply(member2, thread, body="Evenings hidden reply.")
    actions.do_set_post_hidden(moderator, hidden, True, "Off topic")
    held = write.reply(member2, thread, body=f"Evenings. {HIGH_RISK}")
    assert held.is_held
    deleted = write.reply(member2, thread, body="Evenings deleted reply.")
    actions.do_delete_post(member2, deleted)
    assert found(peer_supporter, "evenings") == [opening(thread)]
    assert found(ANONYMOUS, "evenings") == [opening(thread)]
    # Authors still see their own held or hidden posts (as on the thread page)...
    assert set(found(member2, "evenings")) == {opening(thread), hidden.pk, held.pk}
    # ...and moderators see them to review them.
    assert {hidden.pk, held.pk} <= set(found(moderator, "evenings"))
    assert deleted.pk not in found(member2, "evenings")


def test_hidden_and_held_threads_stay_out_of_others_results(
    member, member2, moderator, space, write
):
    held_thread = write(member, space, title="Tonight", body=HIGH_RISK)
    hidden_thread = write(member, space, title="Pills question", body="About my pills")
    actions.do_set_post_hidden(moderator, hidden_thread.posts.get(), True, "Medical advice")
    reply = write.reply(member, hidden_thread, body="More about pills")
    assert found(member2, "pills") == []
    assert set(found(member, "pills")) == {opening(held_thread), opening(hidden_thread), reply.pk}


def test_blocked_authors_are_left_out_both_ways(member, member2, peer_supporter, space, write):
    mine = write(member, space, body="Journaling every day.")
    theirs = write(member2, space, body="Journaling at night.")
    do_block(member, member2)
    assert found(member, "journaling") == [opening(mine)]
    assert found(member2, "journaling") == [opening(theirs)]
    assert set(found(peer_supporter, "journaling")) == {opening(mine), opening(theirs)}


def test_a_space_search_returns_that_space_only(member, member2, space, other_space, write):
    here = write(member, space, body="Memories today.")
    write(member, other_space, body="Memories today.")
    assert found(member2, "memories", space=space) == [opening(here)]
    assert len(found(member2, "memories")) == 2


def test_a_space_the_searcher_cannot_open_gives_nothing(member, space, teen_space):
    teen = UserFactory(handle="teen_tia", age_band="teen")
    actions.do_accept_guidelines(teen, teen_space)
    actions.do_create_thread(teen, teen_space, title="t", body="Homework stress.")
    assert found(member, "homework", space=teen_space) == []


# --- The page ------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["anonymous", "member2"])
def test_the_search_page_lists_hits_with_plain_text_snippets(
    client, member, member2, space, write, who
):
    write(
        member,
        space,
        title="Rough week",
        body="**Bold** advice <script>alert(1)</script> about anxiety.",
    )
    if who == "member2":
        client.force_login(member2)
    response = client.get(reverse("community_search"), {"q": "anxiety"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Rough week" in body and "1 result" in body
    assert "Bold advice &lt;script&gt;alert(1)&lt;/script&gt; about anxiety." in body
    assert "<script>alert" not in body and "<strong>" not in body


def test_the_search_page_within_a_space(client, member, member2, space, other_space, write):
    write(member, space, title="Here", body="Tides and anxiety.")
    write(member, other_space, title="There", body="Tides and grief.")
    client.force_login(member2)
    body = client.get(
        reverse("community_search"), {"q": "tides", "space": space.slug}
    ).content.decode()
    assert "Here" in body and "There" not in body


def test_long_posts_get_a_snippet_around_the_match(member, member2, space, write):
    filler = "Words about the weather and nothing much. " * 20
    write(member, space, title="Long", body=f"{filler}Then the lighthouse appeared. {filler}")
    snippet = search_posts(member2, "lighthouse")[0].snippet
    assert "lighthouse" in snippet and len(snippet) <= 202
    assert snippet.startswith("…") and snippet.endswith("…")


def test_the_search_page_needs_few_queries(
    client, member, member2, space, write, django_assert_max_num_queries
):
    for n in range(5):
        thread = write(member, space, title=f"Thread {n}", body="Gratitude list.")
        write.reply(member2, thread, body="Gratitude for you.")
    client.force_login(member2)
    # Session, user, roles, the nav's unread count; search: spaces, matches, blocks, posts.
    with django_assert_max_num_queries(8):
        response = client.get(reverse("community_search"), {"q": "gratitude"})
    assert "10 results" in response.content.decode()
