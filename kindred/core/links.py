"""Whether a link stays on this site, judged as a browser will read it."""

from __future__ import annotations

import re

from django.utils.http import url_has_allowed_host_and_scheme

# What a browser does to an href before resolving it (WHATWG URL standard): leading and
# trailing C0 controls and spaces are stripped, tabs and newlines anywhere are removed,
# and "\" counts as "/". "/\t/evil.example" is therefore "//evil.example", another site.
_EDGE_C0_AND_SPACE = "".join(chr(c) for c in range(0x21))
_TAB_OR_NEWLINE = re.compile(r"[\t\n\r]")


def as_browser_reads(url: str) -> str:
    return _TAB_OR_NEWLINE.sub("", url.strip(_EDGE_C0_AND_SPACE)).replace("\\", "/")


def is_local_path(url: str) -> bool:
    """Whether ``url``, used as a link or redirect on our pages, stays on this site.

    Judged on what the browser will read, not on the text as written: it must be a
    path ("/…"), never scheme-relative ("//host") and never carry a scheme. Percent-
    encoded characters stay in the path (browsers do not decode them to find a host).
    """
    read = as_browser_reads(url)
    return (
        read.startswith("/")
        and not read.startswith("//")
        and url_has_allowed_host_and_scheme(read, allowed_hosts=None)
    )
