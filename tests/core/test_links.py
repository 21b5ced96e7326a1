"""Which links count as a page on this site, as a browser would read them."""

from __future__ import annotations

import pytest

from kindred.core.links import is_local_path

# Each of these sends a browser to another site (or runs script) when used as an href
# on our pages: browsers drop tabs and newlines anywhere, strip leading and trailing
# control characters and spaces, and read "\" as "/".
OFF_SITE = [
    "//evil.example",
    "//evil.example/login",
    "/\\evil.example",
    "\\\\evil.example",
    "\\/evil.example",
    "/\t/evil.example/login",
    "/\n/evil.example",
    "/\r/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "\x00//evil.example",
    "\x1f/\\evil.example",
    "///evil.example",
    "https://evil.example/",
    "http:evil.example",
    "HTTPS://evil.example",
    "javascript:alert(1)",
    "java\tscript:alert(1)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "evil.example/login",
    "groups/1/",
    "",
    " ",
]

ON_SITE = [
    "/",
    "/groups/1/",
    "/spaces/depression-anxiety/?page=2#top",
    "/guide/",
    # Percent-encoding stays inside the path: browsers do not decode it to find a host.
    "/%09/evil.example",
    "/%2F/evil.example",
    "/%5Cevil.example",
    "/search?q=a%20b",
]


@pytest.mark.parametrize("url", OFF_SITE)
def test_it_refuses_links_that_leave_the_site(url):
    assert not is_local_path(url)


@pytest.mark.parametrize("url", ON_SITE)
def test_it_accepts_paths_on_this_site(url):
    assert is_local_path(url)
