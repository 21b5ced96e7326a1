"""Keep what a signed-in person sees out of every cache between them and us.

Rather than mark clinical views one by one (notes, measures, plans, care, safety plans,
messages, bookings…), where a new view could forget, every response to a signed-in
person and every API response is marked ``no-store``: a shared computer's browser
cache, its back button after sign-out, or a proxy never keeps a copy. What stays
cacheable: static files (WhiteNoise answers them before this middleware runs) and
pages for anonymous readers, which hold nothing personal. A response a view marks
``public`` itself (the API's Swagger assets, the same for everyone) keeps that.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

API_PREFIX = "/api/"


def is_private(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    # A token caller is not a session user, so the API is matched by path.
    return request.path.startswith(API_PREFIX) or bool(user and user.is_authenticated)


class NoStoreMiddleware:
    """Place after AuthenticationMiddleware (it reads ``request.user``)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if is_private(request) and "public" not in response.get("Cache-Control", ""):
            # max-age=0, no-cache, no-store, must-revalidate, private, and a past Expires
            # for caches that predate Cache-Control.
            add_never_cache_headers(response)
        return response
