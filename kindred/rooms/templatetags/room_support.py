"""``{% room_support_panel %}``: the writer's support panel inside ``rooms/_room.html``.

A tag, so every page that includes a room (a group session, a peer chat, the test
page) shows the same panel without each view having to remember to load it.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from kindred.rooms.support import support_panel_context

register = template.Library()


@register.simple_tag(takes_context=True)
def room_support_panel(context: template.Context) -> SafeString:
    request: Any = context.get("request")
    room = context.get("room")
    if request is None or room is None:
        return SafeString("")
    return render_to_string(
        "rooms/_support.html", support_panel_context(request, room), request=request
    )
