"""Inline SVG icons from the vendored Lucide set (``kindred/static/vendor/lucide``).

Icons are inlined rather than linked so that they take the text colour
(``currentColor``) and need no extra request; the SVG carries presentation
attributes only (no ``style``), so the strict CSP is untouched. An unknown name is a
programming error and raises at render time, so a typo fails the page's tests.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

ICON_DIR = Path(settings.BASE_DIR) / "kindred" / "static" / "vendor" / "lucide"
_NAME = re.compile(r"^[a-z0-9-]+$")
_BODY = re.compile(r"<svg[^>]*>(?P<body>.*)</svg>", re.DOTALL)


class UnknownIcon(LookupError):
    pass


@cache
def _icon_body(name: str) -> str:
    if not _NAME.match(name):
        raise UnknownIcon(name)
    try:
        source = (ICON_DIR / f"{name}.svg").read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UnknownIcon(name) from None
    match = _BODY.search(source)
    if match is None:
        raise UnknownIcon(name)
    return " ".join(line.strip() for line in match["body"].splitlines() if line.strip())


def available_icons() -> list[str]:
    return sorted(p.stem for p in ICON_DIR.glob("*.svg"))


def render_icon(name: str, label: str = "", css_class: str = "") -> SafeString:
    """The icon as inline SVG.

    Decorative by default (hidden from assistive technology, the text beside it
    says what it means); with ``label`` it is announced as an image with that name.
    """
    body = _icon_body(name)
    classes = escape(" ".join(filter(None, ["icon", f"icon-{name}", css_class])))
    a11y = f'role="img" aria-label="{escape(label)}"' if label else 'aria-hidden="true"'
    return mark_safe(  # noqa: S308 - vendored file contents and escaped attributes only
        f'<svg class="{classes}" {a11y} focusable="false" xmlns="http://www.w3.org/2000/svg" '
        'viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" '
        f'stroke-linecap="round" stroke-linejoin="round">{body}</svg>'
    )


def initials(name: str) -> str:
    """Up to two letters for an ``.avatar``: the first letters of the first two words
    (handles split on ``_``, ``-``, ``.`` and spaces), upper-cased."""
    words = [w for w in re.split(r"[\s_.\-]+", str(name or "")) if w]
    if not words:
        return "?"
    letters = [w[0] for w in words[:2]] if len(words) > 1 else list(words[0][:2])
    return "".join(letters).upper()
