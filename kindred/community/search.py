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
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.db import connection
from django.utils.html import strip_tags

from kindred.community.access import visible_posts, visible_spaces, visible_threads
from kindred.community.models import Post, Space

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


@dataclass(frozen=True)
class _Candidate:
    post_id: int
    thread_id: int
    space_id: int


def search_posts(
    user: Any, query: str, *, space: Space | None = None, limit: int = 50
) -> list[SearchHit]:
    """The best ``limit`` posts matching ``query`` that ``user`` may read, best first.

    ``space`` narrows the search to one space; one the user may not open gives nothing.
    """
    query = query.strip()
    if not query or limit < 1:
        return []
    spaces = {s.pk: s for s in visible_spaces(user) if space is None or s.pk == space.pk}
    if not spaces:
        return []
    fetch = _candidates_postgres if connection.vendor == "postgresql" else _candidates_sqlite
    batch = min(limit * 4, MAX_BATCH)
    hits: list[SearchHit] = []
    for round_ in range(MAX_ROUNDS):
        candidates = fetch(query, list(spaces), batch, round_ * batch)
        hits += _visible_hits(user, query, candidates, spaces)
        if len(hits) >= limit or len(candidates) < batch:
            break
    return hits[:limit]


def _visible_hits(
    user: Any, query: str, candidates: list[_Candidate], spaces: dict[int, Space]
) -> list[SearchHit]:
    """The candidates ``user`` may see, in the candidates' (rank) order."""
    if not candidates:
        return []
    # One query each for threads and posts: the access module's per-space and
    # per-thread querysets OR-ed together, so its rules apply unchanged.
    space_ids = {c.space_id for c in candidates}
    threads = list(
        reduce(or_, (visible_threads(user, spaces[pk]) for pk in space_ids))
        .filter(pk__in={c.thread_id for c in candidates})
        .select_related("space")
    )
    if not threads:
        return []
    posts = (
        reduce(or_, (visible_posts(user, thread) for thread in threads))
        .filter(pk__in=[c.post_id for c in candidates])
        .select_related("author")
        .only("id", "thread_id", "body_html", "content_warning", "author__handle")
    )
    by_id = {post.pk: post for post in posts}
    threads_by_id = {thread.pk: thread for thread in threads}
    terms = _terms(query)
    hits = []
    for candidate in candidates:
        post = by_id.get(candidate.post_id)
        if post is None:
            continue
        thread = threads_by_id[post.thread_id]
        hits.append(
            SearchHit(
                post_id=post.pk,
                thread_id=thread.pk,
                thread_title=thread.title,
                space_slug=thread.space.slug,
                space_name=thread.space.name,
                author_handle=post.author.handle,
                snippet=make_snippet(post, terms),
                content_warning=post.content_warning,
            )
        )
    return hits


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
SELECT p.id, p.thread_id, t.space_id
FROM matches m
JOIN community_post p ON p.id = m.id
JOIN community_thread t ON t.id = p.thread_id
WHERE t.space_id = ANY(%(spaces)s)
GROUP BY p.id, p.thread_id, t.space_id, p.created_at
ORDER BY SUM(m.score) DESC, p.created_at DESC, p.id DESC
LIMIT %(limit)s OFFSET %(offset)s
"""


def _candidates_postgres(
    query: str, space_ids: list[int], limit: int, offset: int
) -> list[_Candidate]:
    # websearch_to_tsquery accepts any input (quotes, "or", "-word") without a syntax error.
    params: dict[str, Any] = {"q": query, "spaces": space_ids, "limit": limit, "offset": offset}
    with connection.cursor() as cursor:
        cursor.execute(_POSTGRES_SQL, params)
        return [_Candidate(*row) for row in cursor.fetchall()]


# --- SQLite -------------------------------------------------------------------------

# bm25 ranks: lower is better. Thread titles are matched once, for the opening post.
_SQLITE_SQL = """
SELECT p.id, p.thread_id, t.space_id
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


def _candidates_sqlite(
    query: str, space_ids: list[int], limit: int, offset: int
) -> list[_Candidate]:
    match = fts5_query(query)
    if not match:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_SQLITE_SQL, [match, match, json.dumps(space_ids), limit, offset])
        return [_Candidate(*row) for row in cursor.fetchall()]


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
