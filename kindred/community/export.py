"""The export's part about the community spaces (see kindred/core/export.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kindred.accounts.models import User
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
from kindred.core.export import EXPORT_SECTIONS, ExportSection


def export_for(user: User) -> dict[str, Any]:
    revisions: dict[int, list[dict[str, Any]]] = {}
    for revision in PostRevision.objects.filter(post__author=user).order_by("created_at", "pk"):
        revisions.setdefault(revision.post_id, []).append(
            {
                "body": revision.body,
                "content_warning": revision.content_warning,
                "created_at": revision.created_at,
            }
        )
    posts = [
        {
            "id": post.pk,
            "space": post.thread.space.name,
            "thread": post.thread.title,
            "is_opening": post.is_opening,
            "body": post.body,
            "content_warning": post.content_warning,
            "created_at": post.created_at,
            "edited_at": post.edited_at,
            "is_deleted": post.is_deleted,
            "is_hidden": post.is_hidden,
            "hidden_reason": post.hidden_reason,
            "is_held": post.is_held,
            "earlier_versions": revisions.get(post.pk, []),
        }
        for post in Post.objects.filter(author=user)
        .select_related("thread__space")
        .order_by("created_at", "pk")
    ]
    return {
        "threads": list(
            Thread.objects.filter(author=user)
            .order_by("created_at", "pk")
            .values(
                "id", "space__name", "title", "created_at", "is_locked", "is_hidden", "is_deleted"
            )
        ),
        "posts": posts,
        "reactions": list(
            Reaction.objects.filter(user=user)
            .order_by("created_at", "pk")
            .values("post_id", "kind", "created_at")
        ),
        "guidelines_accepted": list(
            GuidelineAcceptance.objects.filter(user=user)
            .order_by("accepted_at")
            .values("space__name", "accepted_at")
        ),
        "threads_read": list(
            ThreadRead.objects.filter(user=user)
            .order_by("thread_id")
            .values("thread_id", "last_read_post_id", "muted")
        ),
        "space_visits": list(
            SpaceVisit.objects.filter(user=user)
            .order_by("space_id")
            .values("space__name", "previous_visit_at", "last_visit_at")
        ),
        "suspensions": list(
            Suspension.objects.filter(user=user)
            .order_by("created_at", "pk")
            .values("space__name", "reason", "until", "created_at", "lifted_at")
        ),
        "spaces_moderated": list(
            Space.objects.filter(moderators=user).order_by("name").values("slug", "name")
        ),
    }


EXPORT_SECTIONS.register(
    "community",
    ExportSection(
        title=_("Community spaces"),
        export_for=export_for,
        parts={
            "threads": _("Threads you started"),
            "posts": _("Your posts and replies"),
            "reactions": _("Your reactions"),
            "guidelines_accepted": _("Guidelines you accepted"),
            "threads_read": _("Reading positions"),
            "space_visits": _("Space visits"),
            "suspensions": _("Suspensions"),
            "spaces_moderated": _("Spaces you moderate"),
        },
        covers=(
            "community.Thread.author",
            "community.Post.author",
            "community.Reaction.user",
            "community.GuidelineAcceptance.user",
            "community.ThreadRead.user",
            "community.SpaceVisit.user",
            "community.Suspension.user",
            "community.Space.moderators",
        ),
        excluded={
            "community.Suspension.created_by": (
                "A moderator's work on another member's account: that member's data."
            ),
        },
    ),
)
