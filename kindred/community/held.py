"""Posts on the moderators' flag page.

A post screened moderate or above, or reported, is flagged as ``community.post`` with
the post's id. From the flag a moderator opens the post in its thread, releases it when
the community policy held it (:mod:`kindred.safety.heldcontent`) and hides or unhides it
(:mod:`kindred.safety.flaggedcontent`), with the same rule as the thread page's buttons:
only the space's moderators (every moderator, where none are named).
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kindred.accounts.models import User
from kindred.community.access import can_moderate_space
from kindred.community.actions import do_release_held, do_set_post_hidden
from kindred.community.models import Post
from kindred.core.access import NotFound
from kindred.safety import flaggedcontent, heldcontent
from kindred.safety.actions import SafetyActionError
from kindred.safety.flaggedcontent import ContentState

SOURCE_TYPE = "community.post"
NOT_HELD = "This post is not held any more: it was released already, or it is gone."


def is_held(source_id: str) -> bool:
    pk = heldcontent.source_pk(source_id)
    return pk is not None and Post.objects.filter(pk=pk, is_held=True, is_deleted=False).exists()


def release(moderator: User, source_id: str) -> None:
    pk = heldcontent.source_pk(source_id)
    with transaction.atomic():
        # Locked and checked here: a second release must not count the reply twice.
        post = Post.objects.select_for_update().filter(pk=pk).first() if pk is not None else None
        if post is None:
            raise SafetyActionError(NOT_HELD)
        if not can_moderate_space(moderator, post.thread.space):
            raise NotFound("post")
        if not post.is_held or post.is_deleted:
            raise SafetyActionError(NOT_HELD)
        do_release_held(moderator, post)


def register_held_content() -> None:
    heldcontent.register(
        SOURCE_TYPE,
        is_held=is_held,
        release=release,
        noun="post",
        action_label="Release",
        done_message="Released: others can see it now.",
    )


GONE = _lazy("This post is gone: its writer deleted it.")
HIDDEN_REASON = _lazy("A moderator has hidden this post.")


def content_state(source_id: str) -> ContentState | None:
    pk = heldcontent.source_pk(source_id)
    row = (
        Post.objects.filter(pk=pk, is_deleted=False)
        .values("is_hidden", "thread_id", "thread__space__slug")
        .first()
        if pk is not None
        else None
    )
    if row is None:
        return None
    url = reverse("community_thread", args=[row["thread__space__slug"], row["thread_id"]])
    return ContentState(url=f"{url}#post-{pk}", is_hidden=row["is_hidden"])


def _locked_post(moderator: User, source_id: str) -> Post:
    pk = heldcontent.source_pk(source_id)
    post = Post.objects.select_for_update().filter(pk=pk).first() if pk is not None else None
    if post is None or post.is_deleted:
        raise SafetyActionError(str(GONE))
    if not can_moderate_space(moderator, post.thread.space):
        raise NotFound("post")
    return post


def hide(moderator: User, source_id: str, reason: str) -> None:
    with transaction.atomic():
        post = _locked_post(moderator, source_id)
        if post.is_hidden:
            raise SafetyActionError(_("This post is hidden already."))
        # The writer reads the reason on their post: the moderator's, or a plain one.
        do_set_post_hidden(moderator, post, True, reason or str(HIDDEN_REASON))


def unhide(moderator: User, source_id: str) -> None:
    with transaction.atomic():
        post = _locked_post(moderator, source_id)
        if not post.is_hidden:
            raise SafetyActionError(_("This post is not hidden."))
        if post.is_held:
            # Restoring a held post releases it (the thread page's rule); releasing it
            # first counts a held reply in its thread, once.
            do_release_held(moderator, post)
        do_set_post_hidden(moderator, post, False)


def register_flagged_content() -> None:
    flaggedcontent.register(SOURCE_TYPE, noun="post", state=content_state, hide=hide, unhide=unhide)
