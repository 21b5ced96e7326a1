"""Raw-SQL baseline for the community pages: the floor for the same data.

One hand-written SQL query per page, rendered with f-strings into an ``HttpResponse``: no
ORM, no templates, and the views never touch ``request.user`` or the session (the
middleware stack still runs, as it would for any Django view). Visibility is the anonymous
reader's: public, adult, not archived; threads and posts that are not hidden, deleted or held.

Mounted only by ``bench.bench_urls`` (``DJANGO_SETTINGS_MODULE=bench.bench_settings``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from html import escape

from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse

THREADS_PER_PAGE = 30
POSTS_PER_PAGE = 50
_MAX_ID = 2**63 - 1

_SPACE_VISIBLE = (
    "s.slug = %s AND NOT s.is_archived AND s.visibility = 'public' AND s.age_band = 'adult'"
)

THREAD_SQL = f"""
SELECT t.title, s.name, p.id, p.created_at, p.content_warning, p.body_html, u.handle
FROM community_thread t
JOIN community_space s ON s.id = t.space_id
LEFT JOIN LATERAL (
    SELECT id, created_at, content_warning, body_html, author_id
    FROM community_post
    WHERE thread_id = t.id AND id > %s AND NOT is_hidden AND NOT is_held AND NOT is_deleted
    ORDER BY id
    LIMIT {POSTS_PER_PAGE + 1}
) p ON true
LEFT JOIN accounts_user u ON u.id = p.author_id
WHERE t.id = %s AND NOT t.is_hidden AND NOT t.is_deleted AND NOT t.is_held AND {_SPACE_VISIBLE}
ORDER BY p.id
"""  # noqa: S608 - constants only; values are bound parameters

INDEX_SQL = f"""
SELECT s.name, s.description, t.id, t.title, t.reply_count, t.last_activity_at, t.is_locked,
       u.handle
FROM community_space s
LEFT JOIN LATERAL (
    SELECT id, title, reply_count, last_activity_at, is_locked, author_id
    FROM community_thread
    WHERE space_id = s.id AND NOT is_hidden AND NOT is_deleted AND NOT is_held
      AND (last_activity_at, id) < (%s, %s)
    ORDER BY last_activity_at DESC, id DESC
    LIMIT {THREADS_PER_PAGE + 1}
) t ON true
LEFT JOIN accounts_user u ON u.id = t.author_id
WHERE {_SPACE_VISIBLE}
ORDER BY t.last_activity_at DESC, t.id DESC
"""  # noqa: S608 - constants only; values are bound parameters


def _page(title: str, body: str) -> HttpResponse:
    return HttpResponse(
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body><main>{body}</main></body></html>"
    )


def thread_detail(request: HttpRequest, slug: str, thread_id: int) -> HttpResponse:
    after = request.GET.get("after", "")
    after_id = int(after) if after.isdigit() else 0
    with connection.cursor() as cursor:
        cursor.execute(THREAD_SQL, [after_id, thread_id, slug])
        rows = cursor.fetchall()
    if not rows:
        raise Http404("thread")
    title, space_name = rows[0][0], rows[0][1]
    posts = [r for r in rows if r[2] is not None]
    more = len(posts) > POSTS_PER_PAGE
    posts = posts[:POSTS_PER_PAGE]
    items = "".join(
        f'<li id="post-{pid}"><article><header><span class="author">{escape(handle)}</span> '
        f'<time datetime="{created.isoformat()}">{created:%Y-%m-%d %H:%M}</time></header>'
        + (
            f"<details><summary>Content warning: {escape(cw)}</summary>{body_html}</details>"
            if cw
            else f'<div class="body">{body_html}</div>'
        )
        + "</article></li>"
        for _t, _s, pid, created, cw, body_html, handle in posts
    )
    nxt = f'<p><a href="?after={posts[-1][2]}" rel="next">More replies</a></p>' if more else ""
    return _page(
        f"{title} · {space_name}",
        f"<h1>{escape(title)}</h1><ol class='posts'>{items}</ol>{nxt}",
    )


def _decode_cursor(raw: str) -> tuple[datetime, int]:
    try:
        micros, pk = raw.split(".", 1)
        return datetime.fromtimestamp(int(micros) / 1_000_000, tz=UTC), int(pk)
    except (ValueError, OverflowError, OSError):
        return datetime.max.replace(tzinfo=UTC), _MAX_ID


def space_index(request: HttpRequest, slug: str) -> HttpResponse:
    at, pk = _decode_cursor(request.GET.get("before", ""))
    with connection.cursor() as cursor:
        cursor.execute(INDEX_SQL, [at, pk, slug])
        rows = cursor.fetchall()
    if not rows:
        raise Http404("space")
    name, description = rows[0][0], rows[0][1]
    threads = [r for r in rows if r[2] is not None]
    more = len(threads) > THREADS_PER_PAGE
    threads = threads[:THREADS_PER_PAGE]
    items = "".join(
        f'<li><a href="/spaces/{slug}/threads/{tid}/">{escape(title)}</a>'
        + (" <span>locked</span>" if locked else "")
        + f' <span class="meta">by {escape(handle)} · {replies} replies · active '
        f"{active:%Y-%m-%d %H:%M}</span></li>"
        for _n, _d, tid, title, replies, active, locked, handle in threads
    )
    nxt = ""
    if more:
        last = threads[-1]
        cursor_value = f"{int(last[5].timestamp() * 1_000_000)}.{last[2]}"
        nxt = f'<p><a href="?before={cursor_value}" rel="next">Older threads</a></p>'
    return _page(
        name,
        f"<h1>{escape(name)}</h1><p>{escape(description)}</p><ul>{items}</ul>{nxt}",
    )
