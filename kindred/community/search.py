"""Full-text search over community posts, never returning what the searcher may not see.

Two steps. The database's own full-text engine (PostgreSQL ``tsvector`` with
``websearch_to_tsquery``; SQLite FTS5 with the porter stemmer, see migration
``0003_search``) ranks candidate posts in the spaces the searcher may open. The
candidates then pass through the querysets of :mod:`kindred.community.access`
(``visible_threads``, ``visible_posts``), so the hidden, held, deleted and blocked
rules live in one place only. A thread's title counts as text of its opening post.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import F, QuerySet
from django.utils.html import strip_tags

from kindred.accounts.models import User
from kindred.community.access import visible_posts, visible_spaces, visible_threads
from kindred.community.models import Post, Space, Thread

SNIPPET_CHARS = 200
MAX_BATCH = 200  # candidates fetched per round
MAX_ROUNDS = 3  # rounds before giving up on filling ``limit`` (mostly invisible matches)


@dataclass(frozen=True)
class SearchHit:
    post_id: int
    thread_id: int
    thread_title: str
    space_slug: str
    space_name: str
    author_handle: str
    snippet: str  # plain text: the template escapes it
    content_warning: str


def search_posts(
    user: User | AnonymousUser, query: str, *, space: Space | None = None, limit: int = 50
) -> list[SearchHit]:
    """The best ``limit`` posts matching ``query`` that ``user`` may read, best first.

    ``space`` narrows the search to one space; one the user may not open gives nothing.
    """
    query = query.strip()
    if not query or limit < 1:
        return []
    spaces = visible_spaces(user)
    if space is not None:
        spaces = spaces.filter(pk=space.pk)
    space_ids = list(spaces.values_list("pk", flat=True))
    if not space_ids:
        return []
    fetch = _candidates_postgres if connection.vendor == "postgresql" else _candidates_sqlite
    batch = min(limit * 4, MAX_BATCH)
    hits: list[SearchHit] = []
    for round_ in range(MAX_ROUNDS):
        candidates = fetch(query, space_ids, batch, round_ * batch)
        hits += _visible_hits(user, query, candidates, space_ids)
        if len(hits) >= limit or len(candidates) < batch:
            break
    return hits[:limit]


def visible_posts_in_spaces(user: User | AnonymousUser, space_ids: Iterable[int]) -> QuerySet[Post]:
    """Posts ``user`` may see in the given spaces (which the caller took from ``visible_spaces``).

    ``visible_threads`` and ``visible_posts`` take one space or thread, used only in
    ``filter(space=…)`` / ``filter(thread=…)``; the rest of their rules do not depend on
    it. Given each row's own foreign key (``F("space")``, ``F("thread")``) that filter
    holds for every row, so their rules apply across all threads at once, in one
    query. Should they ever read an attribute of the argument, they raise rather than
    leak. (Candidate for ``kindred.community.access``.)
    """
    threads = visible_threads(user, cast(Space, F("space"))).filter(space_id__in=space_ids)
    return visible_posts(user, cast(Thread, F("thread"))).filter(thread__in=threads)


def _visible_hits(
    user: User | AnonymousUser, query: str, candidates: list[int], space_ids: list[int]
) -> list[SearchHit]:
    """The candidates ``user`` may see, in the candidates' (rank) order. One query."""
    if not candidates:
        return []
    posts = (
        visible_posts_in_spaces(user, space_ids)
        .filter(pk__in=candidates)
        .select_related("author", "thread__space")
        .only(
            "id",
            "body_html",
            "content_warning",
            "author__handle",
            "thread__title",
            "thread__space__slug",
            "thread__space__name",
        )
    )
    by_id = {post.pk: post for post in posts}
    terms = _terms(query)
    return [
        SearchHit(
            post_id=post.pk,
            thread_id=post.thread_id,
            thread_title=post.thread.title,
            space_slug=post.thread.space.slug,
            space_name=post.thread.space.name,
            author_handle=post.author.handle,
            snippet=make_snippet(post, terms),
            content_warning=post.content_warning,
        )
        for post in (by_id.get(post_id) for post_id in candidates)
        if post is not None
    ]


# --- PostgreSQL ---------------------------------------------------------------------

# The to_tsvector expressions match the GIN indexes of migration 0003 exactly.
_POSTGRES_SQL = """
WITH matches AS (
    SELECT p.id,
        ts_rank(to_tsvector('english', p.body), websearch_to_tsquery('english', %(q)s)) AS score
    FROM community_post p
    WHERE to_tsvector('english', p.body) @@ websearch_to_tsquery('english', %(q)s)
    UNION ALL
    SELECT p.id, ts_rank(to_tsvector('english', t.title), websearch_to_tsquery('english', %(q)s))
    FROM community_thread t JOIN community_post p ON p.thread_id = t.id AND p.is_opening
    WHERE to_tsvector('english', t.title) @@ websearch_to_tsquery('english', %(q)s)
)
SELECT p.id
FROM matches m
JOIN community_post p ON p.id = m.id
JOIN community_thread t ON t.id = p.thread_id
WHERE t.space_id = ANY(%(spaces)s)
GROUP BY p.id, p.created_at
ORDER BY SUM(m.score) DESC, p.created_at DESC, p.id DESC
LIMIT %(limit)s OFFSET %(offset)s
"""


def _candidates_postgres(query: str, space_ids: list[int], limit: int, offset: int) -> list[int]:
    # websearch_to_tsquery accepts any input (quotes, "or", "-word") without a syntax error.
    params: dict[str, Any] = {"q": query, "spaces": space_ids, "limit": limit, "offset": offset}
    with connection.cursor() as cursor:
        cursor.execute(_POSTGRES_SQL, params)
        return [post_id for (post_id,) in cursor.fetchall()]


# --- SQLite -------------------------------------------------------------------------

# bm25 ranks: lower is better. Thread titles are matched once, for the opening post.
_SQLITE_SQL = """
SELECT p.id
FROM (
    SELECT rowid AS id, rank AS score FROM community_post_fts WHERE community_post_fts MATCH %s
    UNION ALL
    SELECT p.id, community_thread_fts.rank
    FROM community_thread_fts
    JOIN community_post p ON p.thread_id = community_thread_fts.rowid AND p.is_opening
    WHERE community_thread_fts MATCH %s
) m
JOIN community_post p ON p.id = m.id
JOIN community_thread t ON t.id = p.thread_id
WHERE t.space_id IN (SELECT value FROM json_each(%s))
GROUP BY p.id
ORDER BY SUM(m.score), p.created_at DESC, p.id DESC
LIMIT %s OFFSET %s
"""


def _candidates_sqlite(query: str, space_ids: list[int], limit: int, offset: int) -> list[int]:
    match = fts5_query(query)
    if not match:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_SQLITE_SQL, [match, match, json.dumps(space_ids), limit, offset])
        return [post_id for (post_id,) in cursor.fetchall()]


_QUERY_PART = re.compile(r'(-?)"([^"]*)"?|(-?)([^\s"]+)')
_WORD = re.compile(r"\w+")


def fts5_query(query: str) -> str:
    """Turn what a person typed into a safe FTS5 expression, like ``websearch_to_tsquery``.

    Words must all match; ``"a phrase"`` matches as a phrase; ``-word`` excludes;
    ``or`` between words means either. Every word reaches FTS5 inside double
    quotes and contains only word characters, so no input is FTS5 syntax (``*``,
    ``NEAR``, ``:``, parentheses…). Returns "" when nothing searchable is left.
    """
    groups: list[tuple[list[str], list[str]]] = [([], [])]
    for match in _QUERY_PART.finditer(query):
        negated = bool(match.group(1) or match.group(3))
        text = match.group(2) if match.group(2) is not None else match.group(4)
        if match.group(4) is not None and text.lower() == "or" and not negated:
            groups.append(([], []))
            continue
        words = _WORD.findall(text)
        if not words:
            continue
        if match.group(2) is not None:
            parts = ['"' + " ".join(words) + '"']
        else:
            parts = [f'"{word}"' for word in words]
        (groups[-1][1] if negated else groups[-1][0]).extend(parts)
    clauses = [
        " ".join(positive) + "".join(f" NOT {part}" for part in negative)
        for positive, negative in groups
        if positive  # FTS5 has no "everything except": a group needs a positive term
    ]
    return " OR ".join(f"({clause})" for clause in clauses)


# --- Snippets -----------------------------------------------------------------------


def _terms(query: str) -> list[str]:
    words = (word.lower() for word in _WORD.findall(query))
    return [word for word in words if word != "or"]


def make_snippet(post: Post, terms: list[str]) -> str:
    """About SNIPPET_CHARS of the post as plain text, around the first matching word."""
    text = " ".join(html.unescape(strip_tags(post.body_html)).split())
    if len(text) <= SNIPPET_CHARS:
        return text
    at = _first_match(text, terms)
    start = max(0, min(at - SNIPPET_CHARS // 3, len(text) - SNIPPET_CHARS))
    end = start + SNIPPET_CHARS
    if start > 0:
        # Start on a word boundary.
        space = text.find(" ", start, at if at > start else end)
        start = space + 1 if space != -1 else start
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    return ("…" if start > 0 else "") + text[start:end] + ("…" if end < len(text) else "")


def _first_match(text: str, terms: list[str]) -> int:
    """Where the earliest query word (or its stem, roughly) starts; 0 if none does."""
    lowered = text.lower()
    positions = []
    for term in terms:
        # "sleeping" matched "sleep" by stemming: try shorter prefixes down to 4 letters.
        for size in range(len(term), min(len(term), 4) - 1, -1):
            found = re.search(r"\b" + re.escape(term[:size]), lowered)
            if found:
                positions.append(found.start())
                break
    return min(positions, default=0)
