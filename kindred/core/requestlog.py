"""One line per request, with nothing in it that opens a door or says what someone looked for.

uvicorn's own access log writes the full path and query string: a calendar feed's
secret (``/calendar/<id>_<secret>.ics``), a password-reset key or a search for
"self harm" would sit in plain text wherever the logs go. ``kindred serve`` turns
it off and this middleware logs each request instead, to ``kindred.access``:
method, a redacted path, status, duration and the client address (as the rate
limits see it). Never bodies, cookies or headers.

Redaction: a URL parameter named like a secret (``token``, ``key``…) that holds
text is replaced by ``…``; a path that matches no route has its token-like segments
replaced; query string values are replaced and only the parameter names are kept.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from urllib.parse import parse_qsl

from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, ResolverMatch, resolve

from kindred.core.clientip import client_ip

logger = logging.getLogger("kindred.access")

HIDDEN = "…"
# URL parameter names that carry a credential: calendar feed tokens, allauth's email
# confirmation and password-reset keys (``uidb36`` names the account being reset).
SECRET_NAMES = frozenset({"token", "key", "secret", "uidb36", "uidb64", "code"})
# For paths no route matched (a mistyped or stale feed address): a segment with a run
# of 16 or more URL-safe characters mixing letters and digits reads as a token.
_TOKEN_LIKE = re.compile(r"(?=[\w-]*\d)(?=[\w-]*[A-Za-z])[\w-]{16,}")


def redact_query(query: str) -> str:
    names = [name for name, _ in parse_qsl(query, keep_blank_values=True)]
    return "&".join(f"{name}={HIDDEN}" for name in names)


def _match(request: HttpRequest) -> ResolverMatch | None:
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match
    # A middleware answered before the view was resolved (a redirect to log in, or to
    # add a slash): resolve here, as CommonMiddleware would, so those lines are
    # redacted the same way.
    urlconf = getattr(request, "urlconf", None)
    for path in (request.path_info, f"{request.path_info}/"):
        try:
            return resolve(path, urlconf)
        except Resolver404:
            continue
    return None


def redact_path(request: HttpRequest) -> str:
    path = request.path
    match = _match(request)
    if match is None:
        path = _TOKEN_LIKE.sub(HIDDEN, path)
    else:
        # Longest first, so a value inside another is not left half-replaced.
        secrets = sorted(
            (
                value
                for name, value in match.kwargs.items()
                if name in SECRET_NAMES and isinstance(value, str) and value
            ),
            key=len,
            reverse=True,
        )
        for value in secrets:
            path = path.replace(value, HIDDEN)
    query = request.META.get("QUERY_STRING", "")
    return f"{path}?{redact_query(query)}" if query else path


class AccessLogMiddleware:
    """Place first, so the time and the status include every other middleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        if logger.isEnabledFor(logging.INFO):
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            path = redact_path(request)
            logger.info(
                "%s %s %s %sms",
                request.method,
                path,
                response.status_code,
                duration_ms,
                extra={
                    "method": request.method,
                    "path": path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                    "client": client_ip(request),
                },
            )
        return response
