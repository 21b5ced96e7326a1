"""Held room messages on the moderators' flag page (see :mod:`kindred.safety.heldcontent`).

A message held by its kind's safety policy is flagged as ``rooms.message`` with the
message's id; releasing it is :func:`kindred.rooms.actions.do_release_message`.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from kindred.rooms.actions import do_release_message
from kindred.rooms.models import RoomMessage
from kindred.safety import heldcontent
from kindred.safety.actions import SafetyActionError

SOURCE_TYPE = "rooms.message"
NOT_HELD = "This message is not held any more: it was released already, or it is gone."


def is_held(source_id: str) -> bool:
    pk = heldcontent.source_pk(source_id)
    return pk is not None and RoomMessage.objects.filter(pk=pk, is_held=True).exists()


def release(moderator: Any, source_id: str) -> None:
    pk = heldcontent.source_pk(source_id)
    with transaction.atomic():
        # Locked and checked here: two moderators releasing at once release it once.
        message = (
            RoomMessage.objects.select_for_update().filter(pk=pk, is_held=True).first()
            if pk is not None
            else None
        )
        if message is None:
            raise SafetyActionError(NOT_HELD)
        do_release_message(moderator, message)


def register_held_content() -> None:
    heldcontent.register(
        SOURCE_TYPE,
        is_held=is_held,
        release=release,
        noun="room message",
        action_label="Release to the room",
        done_message="Released. Everyone in the room can see it now.",
    )
