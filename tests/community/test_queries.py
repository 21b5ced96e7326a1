from django.contrib.auth.models import AnonymousUser

from kindred.community import actions
from kindred.community.queries import activity_of, post_reactions, post_standing
from tests.factories import UserFactory


def _react(post, kinds_by_user):
    for user, kinds in kinds_by_user:
        for kind in kinds:
            actions.do_toggle_reaction(user, post, kind)


def test_only_the_author_sees_how_many_of_each_reaction(member, member2, space, write):
    post = write(member, space).posts.get()
    third = UserFactory()
    _react(post, [(member2, ["me_too", "strength"]), (third, ["me_too"])])

    as_author = post_reactions(member, [post])[post.pk]
    as_reader = post_reactions(member2, [post])[post.pk]
    as_visitor = post_reactions(AnonymousUser(), [post])[post.pk]

    assert as_author.counts == {"me_too": 2, "strength": 1}
    assert as_reader.counts is None and as_visitor.counts is None
    # Everyone sees which kinds it has had.
    assert as_author.kinds == as_reader.kinds == as_visitor.kinds == ("me_too", "strength")
    assert as_reader.mine == {"me_too", "strength"}
    assert as_author.mine == frozenset() and as_visitor.mine == frozenset()


def test_a_post_without_reactions_shows_none(member, member2, space, write):
    post = write(member, space).posts.get()
    seen = post_reactions(member2, [post])[post.pk]
    assert seen.kinds == () and seen.counts is None and seen.mine == frozenset()
    # Its author sees the (empty) counts.
    assert post_reactions(member, [post])[post.pk].counts == {}
    assert post_reactions(member2, []) == {}


def test_one_query_however_many_posts(member, member2, space, write, django_assert_num_queries):
    thread = write(member, space)
    posts = [thread.posts.get(), *(write.reply(member2, thread) for _ in range(6))]
    for post in posts[1:]:
        actions.do_toggle_reaction(member, post, "thank_you")
    with django_assert_num_queries(1):
        seen = post_reactions(member2, posts)
    assert [seen[p.pk].counts for p in posts[1:]] == [{"thank_you": 1}] * 6
    assert all(seen[p.pk].kinds == ("thank_you",) for p in posts[1:])


def test_a_moderators_reason_shows_only_while_the_post_is_hidden(member, space, write, moderator):
    post = write(member, space).posts.get()
    actions.do_set_post_hidden(moderator, post, True, "Unkind")
    assert post_standing(post).hidden and post_standing(post).hidden_reason == "Unkind"
    # A reason left on a post that is no longer hidden is not shown.
    post.is_hidden = False
    assert post_standing(post).hidden_reason == ""


def test_activity_lists_my_live_posts_newest_first_with_their_standing(
    member, member2, space, write, moderator
):
    mine = write(member, space, title="Mine")
    reply = write.reply(member, mine)
    gone = write.reply(member, mine)
    write(member2, space, title="Theirs")
    actions.do_set_post_hidden(moderator, reply, True, "Unkind")
    gone.is_deleted = True
    gone.save()

    rows = activity_of(member)
    assert [r.post.pk for r in rows] == [reply.pk, mine.posts.order_by("created_at").first().pk]
    assert rows[0].standing.hidden and rows[0].standing.hidden_reason == "Unkind"
    assert not rows[1].standing.hidden and rows[1].standing.hidden_reason == ""


def test_activity_is_one_query_and_keeps_to_the_limit(
    member, space, write, django_assert_num_queries
):
    thread = write(member, space)
    for _ in range(4):
        write.reply(member, thread)
    with django_assert_num_queries(1):
        rows = activity_of(member, limit=3)
        [r.post.thread.space.name for r in rows]
    assert len(rows) == 3
