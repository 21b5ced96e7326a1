"""Keyset (cursor) pagination: pages cost the same at the end as at the start."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.db.models import Q, QuerySet

THREADS_PER_PAGE = 30
POSTS_PER_PAGE = 50


def encode_thread_cursor(thread: Any) -> str:
    micros = int(thread.last_activity_at.timestamp() * 1_000_000)
    return f"{micros}.{thread.pk}"


def decode_thread_cursor(raw: str | None) -> tuple[datetime, int] | None:
    """``None`` for a missing or malformed cursor: a bad link shows the first page."""
    if not raw:
        return None
    try:
        micros, pk = raw.split(".", 1)
        return datetime.fromtimestamp(int(micros) / 1_000_000, tz=UTC), int(pk)
    except (ValueError, OverflowError, OSError):
        return None


def thread_page(threads: QuerySet[Any], cursor: str | None) -> tuple[list[Any], str | None]:
    decoded = decode_thread_cursor(cursor)
    ordered = threads.order_by("-last_activity_at", "-id")
    if decoded is not None:
        at, pk = decoded
        # The redundant ``lte`` gives PostgreSQL an index range to start from; the OR
        # alone is a filter, which would scan every newer thread first.
        ordered = ordered.filter(last_activity_at__lte=at).filter(
            Q(last_activity_at__lt=at) | Q(last_activity_at=at, id__lt=pk)
        )
    rows = list(ordered[: THREADS_PER_PAGE + 1])
    more = len(rows) > THREADS_PER_PAGE
    rows = rows[:THREADS_PER_PAGE]
    return rows, encode_thread_cursor(rows[-1]) if more and rows else None


def post_page(posts: QuerySet[Any], after: str | None) -> tuple[list[Any], str | None]:
    ordered = posts.order_by("id")
    if after and after.isdigit():
        ordered = ordered.filter(id__gt=int(after))
    rows = list(ordered[: POSTS_PER_PAGE + 1])
    more = len(rows) > POSTS_PER_PAGE
    rows = rows[:POSTS_PER_PAGE]
    return rows, str(rows[-1].pk) if more and rows else None
