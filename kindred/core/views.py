from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from kindred.core.health import run_checks
from kindred.core.http import AuthedHttpRequest
from kindred.core.notification_prefs import Choice, do_set_preferences, preference_rows
from kindred.core.notifications import (
    do_mark_all_read,
    do_mark_read,
    latest_notifications,
    unread_count,
)


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    healthy, checks = run_checks()
    return JsonResponse(
        {"status": "ok" if healthy else "degraded", "checks": checks},
        status=200 if healthy else 503,
    )


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request: AuthedHttpRequest) -> HttpResponse:
    """The notifications centre: unread first (``?show=all`` for everything), mark all read."""
    if request.method == "POST":
        do_mark_all_read(request.user)
        return redirect("notifications")
    show_all = request.GET.get("show") == "all"
    rows = latest_notifications(request.user, unread_only=not show_all)
    return render(
        request,
        "core/notifications.html",
        {"notifications": rows, "show_all": show_all, "unread": unread_count(request.user)},
    )


@login_required
@require_POST
def notification_open(request: AuthedHttpRequest, notification_id: int) -> HttpResponse:
    """Mark one notification read and go where it points."""
    row = do_mark_read(request.user, notification_id)
    if row.url and url_has_allowed_host_and_scheme(row.url, allowed_hosts=None):
        return redirect(row.url)
    return redirect("notifications")


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request: AuthedHttpRequest) -> HttpResponse:
    """Each category switched on or off, in-app and by e-mail (unchecked boxes are off)."""
    rows = preference_rows(request.user)
    if request.method == "POST":
        choices = {
            row.category.key: Choice(
                in_app=request.POST.get(f"{row.category.key}-in_app") == "on",
                email=request.POST.get(f"{row.category.key}-email") == "on",
            )
            for row in rows
        }
        do_set_preferences(request.user, choices)
        messages.success(request, gettext("Your notification settings are saved."))
        return redirect("notification_settings")
    return render(request, "core/notification_settings.html", {"rows": rows})
