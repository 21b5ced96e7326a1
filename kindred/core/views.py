from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache

from kindred.core.health import run_checks
from kindred.core.http import AuthedHttpRequest
from kindred.core.models import Notification
from kindred.core.notifications import do_mark_all_read


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


@login_required
def notifications(request: AuthedHttpRequest) -> HttpResponse:
    rows = list(Notification.objects.filter(recipient=request.user).order_by("-created_at")[:100])
    if request.method == "POST":
        do_mark_all_read(request.user)
        return redirect("notifications")
    return render(request, "core/notifications.html", {"notifications": rows})
