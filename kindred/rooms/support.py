"""The writer's crisis support in a room: is it showing, and what the panel needs.

The row is written by :func:`kindred.rooms.actions.do_offer_support` when a message
screens at ``low`` or above, and hidden only by its owner
(:func:`kindred.rooms.actions.do_dismiss_support`).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.urls import reverse

from kindred.accounts.models import User
from kindred.rooms.models import Room, RoomSupport
from kindred.safety.crisis import crisis_context


def open_support(user: User | AnonymousUser, room: Room) -> RoomSupport | None:
    """``user``'s support in ``room`` that they have not hidden yet."""
    if not user.is_authenticated:
        return None
    return RoomSupport.objects.filter(room=room, user=user, dismissed_at__isnull=True).first()


def support_panel_context(request: HttpRequest, room: Room) -> dict[str, Any]:
    """Context for ``rooms/_support.html``.

    The lines are always loaded, even with no support showing: the page keeps a copy
    of the panel ready for the live ``support`` event, so a panel that arrives live
    and one rendered after a reload are the same panel, for the same country as every
    other page picks (:func:`kindred.safety.crisis.choose_country_code`).
    """
    crisis = crisis_context(request)
    return {
        "room": room,
        "room_support": open_support(request.user, room),
        "support_country": crisis["country"] or crisis["anywhere"],
        "support_id": f"room-support-{room.pk}",
        "dismiss_url": reverse("rooms_dismiss_support", args=[room.pk]),
    }
