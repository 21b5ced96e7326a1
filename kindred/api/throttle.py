"""The API's rate limit, through ninja's throttle hook and counted by kindred.core.ratelimit.

ninja runs throttles after authentication, so a caller is counted per account (a token
and the website session of one person share one budget) and a visitor per address.
A wrong bearer token never gets this far (401 first): those are counted in
:mod:`kindred.api.auth`. ninja's own throttle classes are not used; the reasons are in
:mod:`kindred.core.ratelimit`.
"""

from __future__ import annotations

from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from kindred.core.ratelimit import RateLimited, limit


class ApiThrottle(BaseThrottle):
    def allow_request(self, request: HttpRequest) -> bool:
        caller = getattr(request, "auth", None)
        user = caller if getattr(caller, "is_authenticated", False) else None
        try:
            if user is not None:
                limit(request, "api", user=user)
            else:
                limit(request, "api.anonymous", user=None)
        except RateLimited as refusal:
            # ninja's wait() has no request to read it from, and one throttle object
            # serves every thread: the refusal travels on the request to the error
            # handler (kindred.api.errors), which answers 429 with Retry-After.
            request.rate_limited = refusal  # type: ignore[attr-defined]
            return False
        return True
