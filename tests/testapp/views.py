"""A page that shows one live room, for the browser journeys of the rooms engine."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from kindred.rooms import conf
from kindred.rooms.access import access_room
from kindred.rooms.kinds import get_kind


@login_required
def room_page(request: HttpRequest, room_id: int) -> HttpResponse:
    room = access_room(request.user, room_id)
    kind = get_kind(room.kind)
    return render(
        request,
        "testapp/room_page.html",
        {
            "room": room,
            "label": kind.label(room),
            "can_write": room.is_open and kind.write_refusal(request.user, room) is None,
            "max_length": conf.get("ROOM_MAX_MESSAGE_LENGTH"),
        },
    )
