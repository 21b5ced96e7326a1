"""The export's part about secure messages with therapists (see kindred/core/export.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from kindred.accounts.models import User
from kindred.core.export import EXPORT_SECTIONS, ExportSection, handle_of
from kindred.messaging.models import Conversation, Message


def export_for(user: User) -> dict[str, Any]:
    conversations = list(
        Conversation.objects.filter(member=user).select_related("therapist").order_by("pk")
    )
    messages: dict[int, list[dict[str, Any]]] = {}
    for m in Message.objects.filter(conversation__in=conversations).order_by("created_at", "pk"):
        messages.setdefault(m.conversation_id, []).append(
            {
                "from_you": m.sender_id == user.pk,
                "body": m.body,
                "created_at": m.created_at,
                "read_at": m.read_at,
            }
        )
    return {
        "conversations": [
            {
                "therapist": handle_of(c.therapist),
                "created_at": c.created_at,
                "messages": messages.get(c.pk, []),
            }
            for c in conversations
        ]
    }


EXPORT_SECTIONS.register(
    "messaging",
    ExportSection(
        title=_("Messages with your therapists"),
        export_for=export_for,
        parts={"conversations": _("Conversations")},
        covers=("messaging.Conversation.member", "messaging.Message.sender"),
        excluded={
            "messaging.Conversation.therapist": (
                "A client's conversation, exported to that client rather than to the therapist."
            ),
        },
    ),
)
