"""Live text rooms: a room per (kind, object), its messages in seq order, open sockets.

What a room belongs to (a group session, a peer connection) is named by ``kind`` and
``object_id`` rather than a foreign key, so one engine serves every app; the app's
:class:`kindred.rooms.kinds.RoomKind` decides who may join and write.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.timezone import now
from django.utils.translation import gettext_lazy as _

from kindred.core.fields import EncryptedTextField


class Room(models.Model):
    kind = models.CharField(max_length=40)
    object_id = models.PositiveBigIntegerField()
    is_open = models.BooleanField(default=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The seq of the newest message; advanced only under this row's lock.
    last_seq = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=now, editable=False)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="rooms_one_room_per_object"),
        ]
        indexes: ClassVar = [
            # The retention sweep: closed rooms by closing time.
            models.Index(fields=["is_open", "closed_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"


class MessageKind(models.TextChoices):
    TEXT = "text", _("Text")
    SYSTEM = "system", _("System")


class RoomMessage(models.Model):
    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="messages")
    seq = models.PositiveBigIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(max_length=10, choices=MessageKind.choices, default=MessageKind.TEXT)
    body = EncryptedTextField()
    created_at = models.DateTimeField(default=now, editable=False)
    # The screen's level ("none" for system messages).
    risk_level = models.CharField(max_length=10, default="none")
    # Held by the safety policy: only its author sees it until a moderator releases it.
    is_held = models.BooleanField(default=False)
    # Hidden by a moderator (from the flag page): only its author still sees it.
    is_hidden = models.BooleanField(default=False)
    # The sender's own id for this message: a resend after a dropped connection (the
    # ack never arrived) carries the same id and is answered with the stored message.
    client_id = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering: ClassVar = ["room", "seq"]
        constraints: ClassVar = [
            # Also the index for "messages of a room after seq N".
            models.UniqueConstraint(fields=["room", "seq"], name="rooms_unique_seq_per_room"),
            models.UniqueConstraint(
                fields=["room", "author", "client_id"],
                condition=~models.Q(client_id=""),
                name="rooms_unique_client_id_per_author",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.room_id}#{self.seq}"


class RoomConnection(models.Model):
    """One open WebSocket in a room, written by whichever ASGI process holds it.

    The table is the presence list shared by all processes. A process that dies
    cannot delete its rows, so each socket refreshes ``seen_at`` on the client's
    pings and presence ignores rows older than ``ROOM_PRESENCE_STALE_SECONDS``.
    """

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="connections")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    channel_name = models.CharField(max_length=200, unique=True)
    connected_at = models.DateTimeField(default=now, editable=False)
    seen_at = models.DateTimeField(default=now)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["room", "seen_at"]),
            models.Index(fields=["seen_at"]),
        ]

    def __str__(self) -> str:
        return self.channel_name


class RoomSupport(models.Model):
    """Crisis support shown to one person in one room, kept until they hide it.

    The live ``support`` event reaches only the sockets open at that moment; this row
    lets the room page show the same support after a reload, on another device, or
    after a dropped connection, until the person dismisses it. It records that support
    was offered, never what was written.
    """

    room = models.ForeignKey(Room, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The screen's level when support was last offered here.
    level = models.CharField(max_length=10)
    shown_at = models.DateTimeField(default=now)
    dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["room", "user"], name="rooms_one_support_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.room_id}:{self.user_id}"
