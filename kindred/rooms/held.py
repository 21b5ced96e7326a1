"""Room messages on the moderators' flag page.

A message screened moderate or above is flagged as ``rooms.message`` with the message's
id. Held ones are released from the flag (:mod:`kindred.safety.heldcontent`, through
:func:`kindred.rooms.actions.do_release_message`); any of them can be hidden from the
room and unhidden (:mod:`kindred.safety.flaggedcontent`, through
:func:`kindred.rooms.actions.do_set_message_hidden`). A room message has no page of its
own, so the flag's content page shows it with the lines around it, as many as the
room's kind allows (``moderation_context_lines``; none by default: a 1:1 chat is
private beyond the message that raised the flag).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kindred.accounts.models import User
from kindred.rooms.actions import do_release_message, do_set_message_hidden
from kindred.rooms.kinds import get_kind
from kindred.rooms.models import RoomMessage
from kindred.safety import flaggedcontent, heldcontent
from kindred.safety.actions import SafetyActionError
from kindred.safety.flaggedcontent import ContentState, ContextLine

SOURCE_TYPE = "rooms.message"
NOT_HELD = "This message is not held any more: it was released already, or it is gone."


def is_held(source_id: str) -> bool:
    pk = heldcontent.source_pk(source_id)
    return pk is not None and RoomMessage.objects.filter(pk=pk, is_held=True).exists()


def release(moderator: User, source_id: str) -> None:
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


GONE = _lazy("This message is gone: the room's messages are deleted some days after it closes.")


def content_state(source_id: str) -> ContentState | None:
    pk = heldcontent.source_pk(source_id)
    if pk is None:
        return None
    hidden = RoomMessage.objects.filter(pk=pk).values_list("is_hidden", flat=True).first()
    return None if hidden is None else ContentState(url="", is_hidden=hidden)


def _set_hidden(moderator: User, source_id: str, hidden: bool) -> None:
    pk = heldcontent.source_pk(source_id)
    message = RoomMessage.objects.filter(pk=pk).first() if pk is not None else None
    if message is None:
        raise SafetyActionError(str(GONE))
    if not do_set_message_hidden(moderator, message, hidden):
        raise SafetyActionError(
            _("This message is hidden already.") if hidden else _("This message is not hidden.")
        )


def hide(moderator: User, source_id: str, reason: str) -> None:
    # A room message has no place for a reason: the writer sees a plain note.
    _set_hidden(moderator, source_id, True)


def unhide(moderator: User, source_id: str) -> None:
    _set_hidden(moderator, source_id, False)


def context(source_id: str) -> list[ContextLine]:
    pk = heldcontent.source_pk(source_id)
    message = (
        RoomMessage.objects.select_related("room").filter(pk=pk).first() if pk is not None else None
    )
    if message is None:
        return []
    try:
        around = int(getattr(get_kind(message.room.kind), "moderation_context_lines", 0))
    except LookupError:
        around = 0
    rows = RoomMessage.objects.filter(pk=message.pk)
    if around > 0:
        rows = RoomMessage.objects.filter(
            room_id=message.room_id,
            seq__gte=message.seq - around,
            seq__lte=message.seq + around,
        )
    return [
        ContextLine(
            author=m.author.handle if m.author is not None else "Kindred",
            body=m.body,
            at=m.created_at,
            is_flagged=m.pk == message.pk,
            is_hidden=m.is_hidden,
            is_held=m.is_held,
        )
        for m in rows.select_related("author").order_by("seq")
    ]


def register_flagged_content() -> None:
    flaggedcontent.register(
        SOURCE_TYPE,
        noun="room message",
        state=content_state,
        hide=hide,
        unhide=unhide,
        context=context,
    )
