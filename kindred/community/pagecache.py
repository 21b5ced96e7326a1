"""Whole-page cache for anonymous readers of community pages.

Most forum traffic is people reading without an account, and their pages are the
same for everyone. Each thread and space has a version in the cache; every change
that anonymous readers could see (a reply, an edit, a hide, a lock, a move) sets a
new version after commit, so a cached page is never served once it is out of date.
Versions are nanosecond timestamps, not counters, so an evicted version can never
come back and revive an old page. Pages also expire after ``TTL`` seconds, which
bounds staleness from changes outside the community (a renamed handle).

With the embedded default the cache is per process (one process); in production it
is Redis, shared by every process.

Redis trouble degrades, never fails: a version that cannot be bumped after a commit is
logged and skipped (the write is stored; a page cached before it may be served until
``TTL`` ends), and a page that cannot be read from or written to the cache is rendered
as for a signed-in reader.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from kindred.core.sharedcache import shared_cache

logger = logging.getLogger("kindred.community.pagecache")

TTL = 300


def _version_key(kind: str, pk: int) -> str:
    return f"community:{kind}:{pk}:version"


def version(kind: str, pk: int) -> int:
    key = _version_key(kind, pk)
    cache = shared_cache()
    value = cache.get(key)
    if value is None:
        value = time.time_ns()
        cache.add(key, value, None)
        value = cache.get(key, value)
    return int(value)


def bump(kind: str, pk: int) -> None:
    shared_cache().set(_version_key(kind, pk), time.time_ns(), None)


def invalidate_on_commit(*, threads: tuple[int, ...] = (), spaces: tuple[int, ...] = ()) -> None:
    def run() -> None:
        try:
            for pk in threads:
                bump("thread", pk)
            for pk in spaces:
                bump("space", pk)
        except Exception as error:
            # After commit: the change is stored, so a cache failure must not answer 500
            # (a client retrying would post twice).
            logger.warning(
                "Page cache not invalidated (%s); pages may be stale for %s s",
                type(error).__name__,
                TTL,
            )

    transaction.on_commit(run)


def cacheable(request: HttpRequest) -> bool:
    """An anonymous GET with no session and no pending messages: the page is everyone's."""
    return (
        settings.COMMUNITY_PAGE_CACHE
        and request.method == "GET"
        and not request.user.is_authenticated
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "messages" not in request.COOKIES
    )


def cached_page(
    request: HttpRequest, kind: str, pk: int, render: Callable[[], HttpResponse]
) -> HttpResponse:
    if not cacheable(request):
        return render()
    try:
        # The language is part of the page: a reader must never get a page cached for
        # a reader who asked for another one.
        language = translation.get_language()
        path = request.get_full_path()
        key = f"community:page:{kind}:{pk}:{version(kind, pk)}:{language}:{path}"
        content: Any = shared_cache().get(key)
    except Exception as error:
        _warn_unavailable(error)
        return render()
    if content is not None:
        return HttpResponse(content)
    response = render()
    if response.status_code == 200 and not response.streaming:
        try:
            shared_cache().set(key, response.content, TTL)
        except Exception as error:
            _warn_unavailable(error)
    return response


def _warn_unavailable(error: Exception) -> None:
    logger.warning("Page cache unavailable (%s); rendering uncached", type(error).__name__)
