"""What pages and the API read about posts, with the community's privacy rules applied here.

The thread page and ``GET /api/v1/.../posts`` both call these, so a rule such as "only a
post's author sees how many of each reaction it has" or "a moderator's reason shows only
while the post is hidden" is written once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, Q

from kindred.community.models import Post, Reaction

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from kindred.accounts.models import User


@dataclass(frozen=True, slots=True)
class PostReactions:
    """One post's reactions as ``reader`` may see them."""

    # The kinds of reaction the post has had, sorted: everyone sees these.
    kinds: tuple[str, ...]
    # How many of each kind: the post's author only, so no post carries a popularity score
    # for others to compare. None for everyone else.
    counts: dict[str, int] | None
    # The kinds ``reader`` gave it.
    mine: frozenset[str]


def post_reactions(reader: User | AnonymousUser, posts: Sequence[Post]) -> dict[int, PostReactions]:
    """Every post's reactions for ``reader``, in one query however many posts there are."""
    if not posts:
        return {}
    reader_id = reader.pk if reader.is_authenticated else None
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    mine: dict[int, set[str]] = defaultdict(set)
    rows = (
        Reaction.objects.filter(post__in=[p.pk for p in posts])
        .values("post_id", "kind")
        .annotate(n=Count("id"), mine=Count("id", filter=Q(user_id=reader_id)))
        .order_by("post_id", "kind")
    )
    for row in rows:
        counts[row["post_id"]][row["kind"]] = row["n"]
        if row["mine"]:
            mine[row["post_id"]].add(row["kind"])
    out: dict[int, PostReactions] = {}
    for p in posts:
        is_author = reader_id is not None and p.author_id == reader_id
        out[p.pk] = PostReactions(
            kinds=tuple(sorted(counts.get(p.pk, {}))),
            counts=dict(counts.get(p.pk, {})) if is_author else None,
            mine=frozenset(mine.get(p.pk, ())),
        )
    return out


@dataclass(frozen=True, slots=True)
class PostStanding:
    """Where moderation has left a post, as the thread page and the API tell it."""

    held: bool
    hidden: bool
    # Why a moderator hid it; empty unless it is hidden now, so a reason never outlives
    # the hiding it explained.
    hidden_reason: str
    deleted: bool


def post_standing(post: Post) -> PostStanding:
    return PostStanding(
        held=post.is_held,
        hidden=post.is_hidden,
        hidden_reason=post.hidden_reason if post.is_hidden else "",
        deleted=post.is_deleted,
    )


@dataclass(frozen=True, slots=True)
class ActivityRow:
    """One of a member's own posts on their activity page, and where moderation left it."""

    post: Post
    standing: PostStanding


ACTIVITY_LIMIT = 50


def activity_of(user: User, limit: int = ACTIVITY_LIMIT) -> list[ActivityRow]:
    """The member's latest posts (not deleted), newest first, in one query."""
    posts = (
        Post.objects.filter(author=user, is_deleted=False)
        .select_related("thread", "thread__space")
        .order_by("-created_at")[:limit]
    )
    return [ActivityRow(post=p, standing=post_standing(p)) for p in posts]
