"""What deleting an account means for the community.

Posts go or stay as the member chose. Either way replies from others keep their place:
a deleted opening post leaves its thread standing with a neutral title, and an
anonymised post moves to the shared "deleted member" account.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kindred.accounts.deletion import ERASERS, ErasePlan, Eraser
from kindred.community.models import (
    GuidelineAcceptance,
    Post,
    PostRevision,
    Reaction,
    Space,
    SpaceVisit,
    Suspension,
    Thread,
    ThreadRead,
)
from kindred.community.pagecache import invalidate_on_commit

if TYPE_CHECKING:
    from kindred.accounts.models import User

# Stored, not translated: the page shows it to everyone in their own language
# only if it is a msgid; a thread title is data.
DELETED_THREAD_TITLE = "(deleted)"


def shown_changed(user: User) -> None:
    """Forget cached pages that show the person's posts (hidden now, or back)."""
    posts = Post.objects.filter(author=user)
    threads = tuple(posts.values_list("thread_id", flat=True).distinct())
    spaces = tuple(Thread.objects.filter(author=user).values_list("space_id", flat=True).distinct())
    invalidate_on_commit(threads=threads, spaces=spaces)


def erase(user: User, plan: ErasePlan) -> dict[str, int]:
    shown_changed(user)
    ghost = plan.deleted_member
    posts = Post.objects.filter(author=user)
    revisions = PostRevision.objects.filter(post__in=posts).delete()[0]
    if plan.anonymise_posts:
        moved = posts.update(author=ghost)
        threads = Thread.objects.filter(author=user).update(author=ghost)
        removed = 0
    else:
        moved = 0
        removed = posts.update(
            author=ghost, body="", body_html="", content_warning="", is_deleted=True
        )
        # Others may have replied: the thread stays, its title does not.
        threads = Thread.objects.filter(author=user).update(
            author=ghost, title=DELETED_THREAD_TITLE
        )
    counts = {
        "posts_anonymised": moved,
        "posts_deleted": removed,
        "threads": threads,
        "post_revisions": revisions,
        "reactions": Reaction.objects.filter(user=user).delete()[0],
        "thread_reads": ThreadRead.objects.filter(user=user).delete()[0],
        "space_visits": SpaceVisit.objects.filter(user=user).delete()[0],
        "guideline_acceptances": GuidelineAcceptance.objects.filter(user=user).delete()[0],
        "suspensions": Suspension.objects.filter(user=user).delete()[0],
    }
    Suspension.objects.filter(created_by=user).update(created_by=None)
    Space.moderators.through.objects.filter(user=user).delete()
    return counts


ERASERS.register(
    "community",
    Eraser(
        erase=erase,
        shown_changed=shown_changed,
        models=(
            "community.Thread",
            "community.Post",
            "community.Reaction",
            "community.ThreadRead",
            "community.SpaceVisit",
            "community.GuidelineAcceptance",
            "community.Suspension",
            "community.Space",
        ),
    ),
)
