"""The few room endpoints that are plain HTTP (the room itself is a WebSocket)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from kindred.core.http import AuthedHttpRequest
from kindred.rooms import actions
from kindred.rooms.access import access_room


@login_required
@require_POST
def dismiss_support(request: AuthedHttpRequest, room_id: int) -> HttpResponse:
    """Hide the caller's own support panel in a room they are in.

    room.js posts here with ``Accept: application/json`` and removes the panel
    itself; a plain form post (no JavaScript) returns to the page it came from.
    """
    room = access_room(request.user, room_id)
    dismissed = actions.do_dismiss_support(request.user, room)
    if "application/json" in request.headers.get("Accept", ""):
        return JsonResponse({"dismissed": dismissed})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    return redirect(target)
