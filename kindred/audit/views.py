"""The staff area's home page: where staff go next, and the latest audit events."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kindred.audit.models import AuditEvent

LATEST = 20


def staff_home(request: HttpRequest) -> HttpResponse:
    # Reached only through RoleMFAMiddleware (staff + second factor).
    latest = list(AuditEvent.objects.order_by("-seq")[:LATEST])
    return render(request, "audit/staff_home.html", {"latest_events": latest})
