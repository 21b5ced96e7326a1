from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from kindred.core.health import run_checks


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    healthy, checks = run_checks()
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", "checks": checks},
        status=200 if healthy else 503,
    )


def staff_home(request: HttpRequest) -> HttpResponse:
    # Reached only through RoleMFAMiddleware (staff + second factor).
    from kindred.audit.models import AuditEvent

    latest = AuditEvent.objects.order_by("-seq")[:20]
    return render(request, "core/staff_home.html", {"latest_events": latest})
