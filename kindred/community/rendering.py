"""Markdown for posts (rendered by :mod:`kindred.core.markdown`) and @mentions."""

from __future__ import annotations

import re

from kindred.core.markdown import ALLOWED_TAGS, render_markdown

__all__ = ["ALLOWED_TAGS", "MENTION_RE", "mentioned_handles", "render_markdown"]

MENTION_RE = re.compile(r"(?<![\w@])@([A-Za-z0-9_.-]{3,30})\b")


def mentioned_handles(text: str) -> set[str]:
    return {m.lower() for m in MENTION_RE.findall(text)}
