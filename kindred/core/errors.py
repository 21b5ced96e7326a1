from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": "Not found."}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"detail": "Something went wrong on our side."}, status=500)
    return render(request, "500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent after its page went stale (often an expired session).

    The browser keeps drafts of posts (app.js), so the kind thing is to say so and
    send the person back, not to show Django's technical 403.
    """
    if _wants_json(request):
        return JsonResponse(
            {"detail": "CSRF check failed: reload the page and try again."}, status=403
        )
    return render(request, "403_csrf.html", status=403)
