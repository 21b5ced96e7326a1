"""Community spaces, threads and posts: the same people may do the same things as on
the pages, because both go through :mod:`kindred.community.access` and
:mod:`kindred.community.actions`.

Reading a public adult space needs no login; everything that writes does. Missing
and not-yours both answer 404 with the same detail.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import HttpError
from pydantic import ConfigDict

from kindred.accounts.models import User
from kindred.api.auth import READ_AUTH, get_api_user, get_reader
from kindred.api.idempotency import IDEMPOTENT, request_key
from kindred.api.schemas import InputSchema, PathText
from kindred.community import actions
from kindred.community.access import (
    CannotPost,
    access_post,
    access_space,
    access_thread,
    visible_posts,
    visible_spaces,
    visible_threads,
)
from kindred.community.models import Post, ReactionKind, Space, Thread
from kindred.community.pagination import post_page, thread_page
from kindred.community.queries import post_reactions, post_standing
from kindred.core.idempotency import (
    KeyReused,
    Replay,
    fingerprint,
    once,
    previous,
)
from kindred.core.ratelimit import limit
from kindred.safety.actions import do_report
from kindred.safety.api import AsCaller, SupportOut, describe_support
from kindred.safety.models import Flag
from kindred.safety.report_api import ReportIn, send_report_once

router = Router(tags=["community"])

HELD_MESSAGE = (
    "Your post is saved. Because of what it says, a moderator will look at it before "
    "others can see it — usually within minutes. You are not in trouble."
)


# --- Schemas -----------------------------------------------------------------


class SpaceOut(Schema):
    slug: str
    name: str
    description: str
    visibility: str = Field(description="public (anyone reads) or members")
    age_band: str = Field(description="adult or teen")


class SpaceDetailOut(SpaceOut):
    guidelines: str = Field(description="Markdown. Accept them before your first post here.")
    guidelines_accepted: bool | None = Field(description="null for visitors")


class ThreadOut(Schema):
    id: int
    space: str = Field(description="The space's slug.")
    title: str
    author: str = Field(description="The author's handle.")
    reply_count: int
    created_at: datetime
    last_activity_at: datetime
    is_locked: bool
    held: bool = Field(description="Waiting for a moderator; only its author sees it.")


class ThreadPageOut(Schema):
    threads: list[ThreadOut]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page.")


class PostOut(Schema):
    id: int
    thread_id: int
    author: str = Field(description="The author's handle.")
    is_opening: bool
    body: str = Field(description="Markdown, as written.")
    body_html: str = Field(description="The body rendered and sanitised.")
    content_warning: str
    created_at: datetime
    edited_at: datetime | None
    held: bool = Field(description="Waiting for a moderator; only its author sees it.")
    hidden: bool = Field(description="Hidden by a moderator; only its author sees it.")
    hidden_reason: str = Field(description="Why a moderator hid it.")
    deleted: bool = Field(description="Deleted by its author (only moderators see these).")
    reactions: list[ReactionKind] = Field(description="The kinds of reaction it has had.")
    reaction_counts: dict[ReactionKind, int] | None = Field(
        description="How many of each, for the post's author only; null for everyone else."
    )
    mine: list[ReactionKind] = Field(description="The reactions you gave it.")


class PostPageOut(Schema):
    thread: ThreadOut
    posts: list[PostOut]
    next_cursor: str | None = Field(description="Pass as ?after= for the next page.")


class PostWrittenOut(PostOut):
    support: SupportOut | None = Field(
        description="When set, show the writer these crisis resources now, privately."
    )
    notice: str = Field(description="Something to tell the writer, or empty.")


class ErrorOut(Schema):
    detail: str
    code: str


class GuidelinesOut(Schema):
    accepted: bool


class ReactionOut(Schema):
    kind: ReactionKind
    on: bool = Field(description="Whether your reaction is there now.")


class ReportOut(Schema):
    detail: str


class ThreadIn(InputSchema):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=actions.MAX_TITLE)
    body: str = Field(min_length=1, max_length=actions.MAX_BODY, description="Markdown.")
    content_warning: str = Field(default="", max_length=actions.MAX_CW)


class ReplyIn(InputSchema):
    model_config = ConfigDict(extra="forbid")

    body: str = Field(min_length=1, max_length=actions.MAX_BODY, description="Markdown.")
    content_warning: str = Field(default="", max_length=actions.MAX_CW)


class PostEditIn(InputSchema):
    """Fields left out keep their current value."""

    model_config = ConfigDict(extra="forbid")

    body: str | None = Field(default=None, min_length=1, max_length=actions.MAX_BODY)
    content_warning: str | None = Field(default=None, max_length=actions.MAX_CW)
    title: str | None = Field(
        default=None,
        min_length=1,
        max_length=actions.MAX_TITLE,
        description="Only for a thread's opening post.",
    )


class ReactionIn(InputSchema):
    model_config = ConfigDict(extra="forbid")

    kind: ReactionKind


class PostReportIn(ReportIn):
    """A report of a post."""


class ThreadQuery(InputSchema):
    cursor: str = Field(default="", max_length=64)


class PostQuery(InputSchema):
    after: str = Field(default="", max_length=20)


# --- Building responses -------------------------------------------------------


def describe_space(space: Space) -> dict[str, Any]:
    return {field: getattr(space, field) for field in SpaceOut.model_fields}


def describe_thread(thread: Thread) -> dict[str, Any]:
    return {
        "id": thread.pk,
        "space": thread.space.slug,
        "title": thread.title,
        "author": thread.author.handle,
        "reply_count": thread.reply_count,
        "created_at": thread.created_at,
        "last_activity_at": thread.last_activity_at,
        "is_locked": thread.is_locked,
        "held": thread.is_held,
    }


def describe_posts(reader: User | AnonymousUser, posts: list[Post]) -> list[dict[str, Any]]:
    """Posts with their reactions: one query however many posts there are; who may see
    which counts, and which moderation reason, is decided in :mod:`kindred.community.queries`."""
    reactions = post_reactions(reader, posts)
    standings = [post_standing(p) for p in posts]
    return [
        {
            "id": p.pk,
            "thread_id": p.thread_id,
            "author": p.author.handle,
            "is_opening": p.is_opening,
            "body": p.body,
            "body_html": p.body_html,
            "content_warning": p.content_warning,
            "created_at": p.created_at,
            "edited_at": p.edited_at,
            "held": standing.held,
            "hidden": standing.hidden,
            "hidden_reason": standing.hidden_reason,
            "deleted": standing.deleted,
            "reactions": list(reactions[p.pk].kinds),
            "reaction_counts": reactions[p.pk].counts,
            "mine": sorted(reactions[p.pk].mine),
        }
        for p, standing in zip(posts, standings, strict=True)
    ]


def replayed_post(request: HttpRequest, replay: Replay) -> Status[dict[str, Any]]:
    """The answer to a retried thread or reply: the post as it is now, support again."""
    post = Post.objects.select_related("author", "thread").get(pk=replay.object_id)
    return Status(replay.status, describe_written_post(request, post, replay.detail["support"]))


def describe_written(request: HttpRequest, written: actions.Written) -> dict[str, Any]:
    level = written.screen.result.level if written.screen.support else ""
    return describe_written_post(request, written.post, level)


def describe_written_post(request: HttpRequest, written_post: Post, level: str) -> dict[str, Any]:
    user = get_api_user(request)
    support = describe_support(AsCaller(request, user), level) if level else None
    (post,) = describe_posts(user, [written_post])
    return {
        **post,
        "support": support,
        "notice": HELD_MESSAGE if written_post.is_held else "",
    }


def posting_refused(space: Space, check: Callable[[], None]) -> Status[dict[str, str]] | None:
    """Runs the action's own ``check``: 403 when this person may not post here; a 409
    to return when the guidelines still need accepting or the thread is locked."""
    try:
        check()
    except CannotPost as exc:
        raise HttpError(403, str(exc)) from None
    except actions.GuidelinesRequired:
        return Status(
            409,
            {
                "code": "guidelines_required",
                "detail": "Read and accept this space's guidelines first: "
                f"GET /api/v1/spaces/{space.slug}, then "
                f"POST /api/v1/spaces/{space.slug}/guidelines/accept.",
            },
        )
    except actions.ThreadLocked as exc:
        return Status(409, {"code": "thread_locked", "detail": str(exc)})
    return None


def refused(exc: Exception) -> HttpError:
    """A community rule said no (empty body, own post, …): 422 with its reason."""
    return HttpError(422, str(exc))


# --- Endpoints ----------------------------------------------------------------


@router.get("/spaces", auth=READ_AUTH, response=list[SpaceOut], summary="Spaces you can read")
def list_spaces(request: HttpRequest) -> list[dict[str, Any]]:
    return [describe_space(s) for s in visible_spaces(get_reader(request))]


@router.get(
    "/spaces/{slug}", auth=READ_AUTH, response=SpaceDetailOut, summary="A space and its guidelines"
)
def get_space(request: HttpRequest, slug: PathText) -> dict[str, Any]:
    reader = get_reader(request)
    space = access_space(reader, slug)
    accepted = actions.has_accepted_guidelines(reader, space) if reader.is_authenticated else None
    return {
        **describe_space(space),
        "guidelines": space.guidelines,
        "guidelines_accepted": accepted,
    }


@router.post(
    "/spaces/{slug}/guidelines/accept",
    response=GuidelinesOut,
    summary="Accept a space's guidelines",
)
def accept_guidelines(request: HttpRequest, slug: PathText) -> dict[str, bool]:
    user = get_api_user(request)
    actions.do_accept_guidelines(user, access_space(user, slug))
    return {"accepted": True}


@router.get(
    "/spaces/{slug}/threads",
    auth=READ_AUTH,
    response=ThreadPageOut,
    summary="Threads in a space, most recently active first",
)
def list_threads(request: HttpRequest, slug: PathText, query: Query[ThreadQuery]) -> dict[str, Any]:
    reader = get_reader(request)
    space = access_space(reader, slug)
    threads, next_cursor = thread_page(
        visible_threads(reader, space).select_related("space", "author"), query.cursor
    )
    return {"threads": [describe_thread(t) for t in threads], "next_cursor": next_cursor}


@router.post(
    "/spaces/{slug}/threads",
    response={201: PostWrittenOut, 409: ErrorOut},
    summary="Start a thread",
    openapi_extra=IDEMPOTENT,
)
def create_thread(
    request: HttpRequest, slug: PathText, payload: ThreadIn
) -> Status[dict[str, Any]]:
    """Answers with the opening post. When ``support`` is set, show it to the writer
    now; when ``held`` is true, only they and the moderators see the thread. 429 when
    you start threads faster than one person may."""
    user = get_api_user(request)
    space = access_space(user, slug)
    key = request_key(request)
    fields = payload.model_dump()
    print_ = fingerprint("community.thread", space.pk, fields)
    try:
        replay = previous(user, key, print_)
        if replay is not None:
            return replayed_post(request, replay)
        blocked = posting_refused(space, lambda: actions.check_posting(user, space))
        if blocked is not None:
            return blocked
        limit(request, "community.thread", user=user)
        written, replay = once(
            user,
            key,
            print_,
            lambda: actions.do_create_thread(user, space, **fields),
            actions.written_ref,
        )
    except (actions.CommunityError, CannotPost, KeyReused) as exc:
        raise refused(exc) from None
    if replay is not None:
        return replayed_post(request, replay)
    assert written is not None
    return Status(201, describe_written(request, written))


@router.get(
    "/threads/{thread_id}/posts",
    auth=READ_AUTH,
    response=PostPageOut,
    summary="A thread's posts, oldest first",
)
def list_posts(request: HttpRequest, thread_id: int, query: Query[PostQuery]) -> dict[str, Any]:
    reader = get_reader(request)
    thread = access_thread(reader, thread_id)
    posts, next_cursor = post_page(
        visible_posts(reader, thread).select_related("author"), query.after
    )
    return {
        "thread": describe_thread(thread),
        "posts": describe_posts(reader, posts),
        "next_cursor": next_cursor,
    }


@router.post(
    "/threads/{thread_id}/posts",
    response={201: PostWrittenOut, 409: ErrorOut},
    summary="Reply to a thread",
    openapi_extra=IDEMPOTENT,
)
def create_reply(request: HttpRequest, thread_id: int, payload: ReplyIn) -> Status[dict[str, Any]]:
    user = get_api_user(request)
    thread = access_thread(user, thread_id)
    key = request_key(request)
    fields = payload.model_dump()
    print_ = fingerprint("community.reply", thread.pk, fields)
    try:
        replay = previous(user, key, print_)
        if replay is not None:
            return replayed_post(request, replay)
        blocked = posting_refused(thread.space, lambda: actions.check_reply(user, thread))
        if blocked is not None:
            return blocked
        limit(request, "community.reply", user=user)
        written, replay = once(
            user, key, print_, lambda: actions.do_reply(user, thread, **fields), actions.written_ref
        )
    except (actions.CommunityError, CannotPost, KeyReused) as exc:
        raise refused(exc) from None
    if replay is not None:
        return replayed_post(request, replay)
    assert written is not None
    return Status(201, describe_written(request, written))


@router.patch("/posts/{post_id}", response=PostWrittenOut, summary="Edit your post")
def edit_post(request: HttpRequest, post_id: int, payload: PostEditIn) -> dict[str, Any]:
    user = get_api_user(request)
    post = access_post(user, post_id, write=True)
    try:
        written = actions.do_edit_post(
            user,
            post,
            body=post.body if payload.body is None else payload.body,
            content_warning=(
                post.content_warning if payload.content_warning is None else payload.content_warning
            ),
            title=payload.title,
        )
    except actions.CommunityError as exc:
        raise refused(exc) from None
    return describe_written(request, written)


@router.delete("/posts/{post_id}", response={204: None}, summary="Delete your post")
def delete_post(request: HttpRequest, post_id: int) -> Status[None]:
    """Deleting the opening post deletes the thread."""
    user = get_api_user(request)
    actions.do_delete_post(user, access_post(user, post_id, write=True))
    return Status(204, None)


@router.post("/posts/{post_id}/reactions", response=ReactionOut, summary="Toggle a reaction")
def toggle_reaction(request: HttpRequest, post_id: int, payload: ReactionIn) -> dict[str, Any]:
    user = get_api_user(request)
    post = access_post(user, post_id)
    try:
        on = actions.do_toggle_reaction(user, post, payload.kind)
    except actions.CommunityError as exc:
        raise refused(exc) from None
    return {"kind": payload.kind, "on": on}


@router.post(
    "/posts/{post_id}/reports",
    response={201: ReportOut},
    summary="Report a post",
    openapi_extra=IDEMPOTENT,
)
def report_post(
    request: HttpRequest, post_id: int, payload: PostReportIn
) -> Status[dict[str, str]]:
    """Moderators see the post as it was when reported. Its author is not told who.

    A post already reported and still open for the moderators counts your report on the
    same flag. 429 when you have sent as many reports this hour as one member may."""
    user = get_api_user(request)
    post = access_post(user, post_id)

    def report(details: str) -> Flag:
        return do_report(
            user,
            reason=payload.reason,
            details=details,
            subject=post.author,
            source_type="community.post",
            source_id=str(post.pk),
            quoted_text=post.body,
            scope=f"community:{post.thread.space.slug}",
        )

    sent = send_report_once(
        request,
        user,
        payload,
        action="safety.report",
        target=f"community.post:{post.pk}",
        report=report,
    )
    return Status(201, sent)
