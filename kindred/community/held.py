"""Held posts on the moderators' flag page (see :mod:`kindred.safety.heldcontent`).

A post held by the community policy is flagged as ``community.post`` with the post's
id. Releasing it from the flag follows the same rule as the thread page's release
button: only the space's moderators (every moderator, where none are named).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from kindred.community.access import can_moderate_space
from kindred.community.actions import do_release_held
from kindred.community.models import Post
from kindred.core.access import NotFound
from kindred.safety import heldcontent
from kindred.safety.actions import SafetyActionError

SOURCE_TYPE = "community.post"
NOT_HELD = "This post is not held any more: it was released already, or it is gone."


def is_held(source_id: str) -> bool:
    pk = heldcontent.source_pk(source_id)
    return pk is not None and Post.objects.filter(pk=pk, is_held=True, is_deleted=False).exists()


def release(moderator: Any, source_id: str) -> None:
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
