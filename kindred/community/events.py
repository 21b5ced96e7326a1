"""Real-time events of the community spaces (see :mod:`kindred.core.events`)."""

from __future__ import annotations

from typing import Literal

from typing_extensions import TypedDict

from kindred.core.events import event_schema


def thread_group(thread_id: int) -> str:
    return f"thread.{thread_id}"


@event_schema("post.created")
class PostCreated(TypedDict):
    """A visible reply was posted in a thread (held replies are not announced)."""

    type: Literal["post.created"]
    thread: int
    post: int


def post_created(*, thread: int, post: int) -> PostCreated:
    return {"type": "post.created", "thread": thread, "post": post}
