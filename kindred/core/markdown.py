"""Markdown for what people and hosts write: CommonMark without raw HTML or images,
then sanitised by nh3.

Two layers on purpose: markdown-it with ``html`` off never emits raw HTML, and nh3
(Ammonia) removes anything that slips through a future parser change.
"""

from __future__ import annotations

import re

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).disable(
    "image"
)

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "a",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "hr",
    "h3",
    "h4",
    "h5",
    "h6",
}


def render_markdown(text: str) -> str:
    html = _md.render(text)
    # Headings inside a post must not outrank the page's own h1/h2.
    html = re.sub(r"<(/?)h[12]>", r"<\1h3>", html)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener noreferrer ugc",
    )
