"""The export's part about live rooms (see kindred/core/export.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kindred.accounts.models import User
from kindred.core.export import EXPORT_SECTIONS, ExportSection
from kindred.rooms.models import MessageKind, RoomMessage, RoomSupport


def export_for(user: User) -> dict[str, Any]:
    return {
        # Group sessions and peer chats alike: the room's kind says which.
        "messages": list(
            RoomMessage.objects.filter(author=user, kind=MessageKind.TEXT)
            .order_by("created_at", "pk")
            .values(
                "room__kind",
                "room__object_id",
                "body",
                "created_at",
                "is_held",
                "is_hidden",
            )
        ),
        "support_offered": list(
            RoomSupport.objects.filter(user=user)
            .order_by("shown_at", "pk")
            .values("room__kind", "room__object_id", "level", "shown_at", "dismissed_at")
        ),
    }


EXPORT_SECTIONS.register(
    "rooms",
    ExportSection(
        title=_("Live rooms and peer chats"),
        export_for=export_for,
        parts={
            "messages": _("Messages you wrote in group sessions and peer chats"),
            "support_offered": _("Support shown to you in rooms"),
        },
        covers=("rooms.RoomMessage.author", "rooms.RoomSupport.user"),
        excluded={
            "rooms.RoomConnection.user": (
                "An open socket for presence, gone within minutes of leaving a room."
            ),
        },
    ),
)
