"""Every API error is JSON with a human ``detail``; never HTML, never a traceback."""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils.translation import gettext
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from kindred.accounts.access import MFARequired, describe_mfa_required
from kindred.core.access import NotFound
from kindred.core.ratelimit import RateLimited

logger = logging.getLogger("kindred.api")

SERVER_ERROR = "Something went wrong on our side."


def describe_validation_errors(errors: list[dict[str, Any]]) -> str:
    """ninja's error list as one sentence: ``body.name: Field required; …``."""
    parts = []
    for error in errors[:5]:
        where = ".".join(str(p) for p in error.get("loc", ()))
        parts.append(f"{where}: {error.get('msg', 'invalid')}" if where else error.get("msg", ""))
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    return "Invalid request: " + "; ".join(parts) + more


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request: HttpRequest, status: int, **data: Any) -> HttpResponse:
        return api.create_response(request, data, status=status)

    @api.exception_handler(ValidationError)
    def on_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        # ninja's list stays under "errors" for programs; "detail" is for people.
        return respond(
            request, 422, detail=describe_validation_errors(exc.errors), errors=exc.errors
        )

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        response = respond(request, exc.status_code, detail=str(exc))
        if isinstance(exc, AuthenticationError):
            response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    @api.exception_handler(RateLimited)
    def on_rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
        response = respond(
            request, 429, detail=str(exc), code="rate_limited", retry_after=exc.retry_after
        )
        response["Retry-After"] = str(exc.retry_after)
        return response

    @api.exception_handler(Throttled)
    def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        # kindred.api.throttle leaves its refusal on the request.
        refusal = getattr(request, "rate_limited", None)
        if not isinstance(refusal, RateLimited):
            refusal = RateLimited("api", 60)
        return on_rate_limited(request, refusal)

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        # NotFound's message is the same for missing and not-yours.
        return respond(request, 404, detail=str(exc) if isinstance(exc, NotFound) else "Not found.")

    @api.exception_handler(PermissionDenied)
    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, 403, detail=str(exc) or "You cannot do this.")

    @api.exception_handler(MFARequired)
    def on_mfa_required(request: HttpRequest, exc: MFARequired) -> HttpResponse:
        # The same body RoleMFAMiddleware sends for session callers.
        return respond(request, 403, **describe_mfa_required(exc))

    @api.exception_handler(RequestDataTooBig)
    def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        return respond(request, 413, detail=f"The request body is larger than {limit} bytes.")

    @api.exception_handler(Exception)
    def on_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        # ninja's default shows the traceback when DEBUG is on; we never do.
        logger.exception("Unhandled error in API %s %s", request.method, request.path)
        return respond(request, 500, detail=SERVER_ERROR)


def json_method_not_allowed(view: Callable[..., Any]) -> Callable[..., Any]:
    """Turn ninja's plain-text 405 into JSON (keeping the Allow header)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            json_response = HttpResponse(
                b'{"detail": "Method not allowed."}',
                status=405,
                content_type="application/json; charset=utf-8",
            )
            json_response["Allow"] = response["Allow"]
            return json_response
        return response

    return wrapper


# PostgreSQL text cannot hold NUL, so a string with one would fail as a 500 wherever it
# reached a query (a lookup by slug, a saved title). Django's forms refuse it; ninja's
# schemas do not, so the API refuses it for every operation before it reaches one.
NUL = "\x00"


def find_nul(value: Any, loc: tuple[str | int, ...]) -> tuple[str | int, ...] | None:
    """Where in parsed JSON (or a plain string) a NUL character is, or None."""
    if isinstance(value, str):
        return loc if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = find_nul(key, (*loc, key)) or find_nul(item, (*loc, key))
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = find_nul(item, (*loc, index))
            if found is not None:
                return found
    return None


def _request_nul(request: HttpRequest, path_params: dict[str, Any]) -> tuple[str | int, ...] | None:
    found = find_nul(path_params, ("path",))
    for key, values in request.GET.lists():
        if found is None and (NUL in key or any(NUL in v for v in values)):
            found = ("query", key)
    if found is None:
        try:
            body = json.loads(request.body) if request.body else None
        except (RequestDataTooBig, ValueError):
            # ninja answers these itself (413, or 400 for a body that is not JSON).
            return None
        found = find_nul(body, ("body",))
    return found


def refuse_nul_characters(view: Callable[..., Any]) -> Callable[..., Any]:
    """422, as ninja's validation would answer, for a NUL anywhere in the path, the
    query or a JSON body."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        loc = _request_nul(request, kwargs)
        if loc is None:
            return view(request, *args, **kwargs)
        errors = [
            {
                "type": "string_nul",
                "loc": list(loc),
                "msg": gettext("Text cannot contain the NUL character (\\u0000)."),
            }
        ]
        body = {"detail": describe_validation_errors(errors), "errors": errors}
        return HttpResponse(
            json.dumps(body), status=422, content_type="application/json; charset=utf-8"
        )

    return wrapper
