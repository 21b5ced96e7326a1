from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kindred.safety.crisis import ANYWHERE, SESSION_KEY, crisis_context


def get_help(request: HttpRequest) -> HttpResponse:
    """Crisis resources, no login needed. Must work even when everything else is broken."""
    context = crisis_context(request)
    if request.GET.get("country") and context["selected"] != ANYWHERE:
        request.session[SESSION_KEY] = context["selected"]
    return render(request, "safety/get_help.html", context)
