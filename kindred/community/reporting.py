"""Lets members report posts through the safety layer's report form."""

from __future__ import annotations

from kindred.accounts.models import User
from kindred.safety import reportables


def resolve_post(reporter: User, source_id: str) -> tuple[User, str, str]:
    from kindred.community.access import access_post
    from kindred.core.access import NotFound

    if not source_id.isdigit():
        raise NotFound("post")
    post = access_post(reporter, int(source_id))
    return post.author, post.body, f"community:{post.thread.space.slug}"


def register_reportables() -> None:
    reportables.register("community.post", resolve_post)
