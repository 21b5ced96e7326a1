"""Secure messages between a member and a therapist who treats them."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.timezone import now

from kindred.core.fields import EncryptedTextField


class Conversation(models.Model):
    """One thread per member and therapist. Who may write is decided by the treatment
    relationship at the time of writing (:mod:`kindred.messaging.access`), not stored."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="member_conversations"
    )
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="therapist_conversations"
    )
    created_at = models.DateTimeField(default=now, editable=False)
    last_message_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["member", "therapist"], name="messaging_one_conversation_per_pair"
            ),
        ]
        indexes: ClassVar = [models.Index(fields=["therapist", "last_message_at"])]

    def __str__(self) -> str:
        return f"Conversation {self.pk}"


class Message(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages"
    )
    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    body = EncryptedTextField()
    created_at = models.DateTimeField(default=now, editable=False)
    read_at = models.DateTimeField(null=True, blank=True)
    # The screening level of a member's message ("none" for therapists' messages).
    risk_level = models.CharField(max_length=10, default="none")

    class Meta:
        ordering: ClassVar = ["created_at", "pk"]
        indexes: ClassVar = [
            # The messages of a conversation in order.
            models.Index(fields=["conversation", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"Message {self.pk}"
