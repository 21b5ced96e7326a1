"""Every page a persona can reach by following links fits 390 px and 1280 px, and passes axe.

``test_layout`` checks a hand-picked list of pages; this test finds the pages itself. For
each persona of the demo (``kindred demo``'s data, so there are threads, groups, bookings,
plans and questionnaires to link to) it starts from the home page and follows every
same-origin link, breadth first, and on each page asserts:

- the server answered below 500;
- at 390 px (a phone, ``is_mobile``) and at 1280 px nothing scrolls sideways
  (``scrollWidth <= clientWidth``);
- "Get help now" is on screen without opening the menu;
- axe finds no WCAG 2.1 A/AA violation. Axe runs at 1280 px only, on the first URL of each
  route, to keep the crawl within a few minutes; ``test_layout`` runs it at 390 px on the
  main pages and on the open phone menu.

It stays bounded by visiting at most :data:`PER_ROUTE` URLs per Django URL pattern (so
``/spaces/<slug>/threads/<id>/`` is tried twice, not for every thread). Links it does not
follow: anything that is not an HTML page for a person (the API, the admin, static files,
calendar feeds, data exports and downloads), signing out, and GET pages whose only purpose is
to confirm a destructive step (:data:`DESTRUCTIVE`); forms are never submitted.
"""

from __future__ import annotations

import importlib
import re
from collections import deque
from typing import Any
from urllib.parse import urldefrag, urlsplit

import pytest
from django.apps import apps
from django.urls import Resolver404, resolve
from playwright.sync_api import expect

from kindred.accounts.demo import PERSONAS
from kindred.accounts.models import User
from kindred.demo.loaders import load_all
from tests.browser.steps import assert_no_axe_violations

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:No directory at:UserWarning"),
]

PHONE = {"width": 390, "height": 844}
WIDE = {"width": 1280, "height": 900}
PER_ROUTE = 2
# A safety net: a persona reaching more pages than this means the dedupe broke.
MAX_PAGES = 120

SKIPPED_PATHS = re.compile(
    r"^/(api|admin|static|media)/"
    r"|logout|download|export|\.ics$|\.json$"
)
# The last path segment of a page that exists to confirm something that cannot be undone
# (or ends something for other people): never opened, even by GET.
DESTRUCTIVE = {
    "archive",
    "cancel",
    "close",
    "delete",
    "dismiss",
    "end",
    "leave",
    "remove",
    "revoke",
    "stop",
}
# Each demo persona key, by the role the crawl stands for.
CRAWLED = {
    "anonymous": None,
    "member": "member",
    "peer supporter": "peer",
    "facilitator": "facilitator",
    "therapist": "therapist",
    "moderator": "moderator",
    "admin": "staff",
}

LINKS_JS = "() => Array.from(document.querySelectorAll('a[href]'), a => a.href)"
OVERFLOW_JS = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


@pytest.fixture
def demo(transactional_db: None, settings: Any) -> dict[str, User]:
    """``kindred demo``'s data on the spaces the transactional flush removed."""
    settings.DEMO_MODE = True
    importlib.import_module("kindred.community.migrations.0002_seed_spaces").seed(apps, None)
    return load_all(lambda line: None).users


def route_of(path: str) -> str | None:
    """The URL pattern that serves ``path`` (``None`` for a path nothing serves)."""
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route or match.view_name


def followable(url: str, origin: str) -> str | None:
    """The same-origin path (with its query) worth opening, or ``None``."""
    url, _ = urldefrag(url)
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return None
    path = parts.path or "/"
    if SKIPPED_PATHS.search(path):
        return None
    if path.rstrip("/").rsplit("/", 1)[-1] in DESTRUCTIVE:
        return None
    return f"{path}?{parts.query}" if parts.query else path


def check_page(page: Any, path: str, *, axe: bool) -> list[str]:
    """Open ``path`` at both widths and assert the standards; returns the links on the page.

    The page loads once at 1280 px and is then narrowed to 390 px: the CSS lays out again
    for the narrow window as on a phone (``test_layout`` loads its pages on an emulated phone).
    """
    page.set_viewport_size(WIDE)
    response = page.goto(path)
    assert response is not None and response.status < 500, (path, response)
    if not response.headers.get("content-type", "").startswith("text/html"):
        return []  # Not a page (a health check's JSON): nothing to lay out.
    links: list[str] = page.evaluate(LINKS_JS)
    for viewport in (WIDE, PHONE):
        page.set_viewport_size(viewport)
        scroll, client = page.evaluate(OVERFLOW_JS)
        width = viewport["width"]
        assert scroll <= client, f"{path} at {width}px scrolls sideways: {scroll} > {client}"
        expect(page.get_by_role("link", name="Get help now", exact=True)).to_be_in_viewport()
        if axe and viewport is WIDE:
            assert_no_axe_violations(page)
    return links


def crawl(page: Any, origin: str) -> list[str]:
    """Breadth-first from the home page; returns the paths visited, in order.

    Axe runs on the first URL of each route; the second (another thread, another group)
    is the same template with other data, checked for layout only.
    """
    queue: deque[str] = deque(["/"])
    seen: set[str] = {"/"}
    per_route: dict[str, int] = {}
    visited: list[str] = []
    while queue:
        path = queue.popleft()
        route = route_of(urlsplit(path).path)
        if route is None or per_route.get(route, 0) >= PER_ROUTE:
            continue
        per_route[route] = per_route.get(route, 0) + 1
        visited.append(path)
        assert len(visited) <= MAX_PAGES, visited
        for link in check_page(page, path, axe=per_route[route] == 1):
            target = followable(link, origin)
            if target is not None and target not in seen:
                seen.add(target)
                queue.append(target)
    return visited


@pytest.mark.parametrize("role", list(CRAWLED))
def test_every_reachable_page_fits_both_widths_and_passes_axe(
    new_context: Any, sign_in: Any, live_server: Any, demo: dict[str, User], role: str
) -> None:
    context = new_context(viewport=WIDE, bypass_csp=True)
    key = CRAWLED[role]
    if key is not None:
        assert key in {persona.key for persona in PERSONAS}
        sign_in(context, demo[key])
    visited = crawl(context.new_page(), live_server.url)
    # The crawl really went somewhere: more than the navigation's top level.
    assert len(visited) >= 10, visited
