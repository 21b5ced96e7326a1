"""In-app notifications, shared by every app."""

from __future__ import annotations

from typing import ClassVar

from django.db import models


class Notification(models.Model):
    recipient = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    # A short, content-free title ("A high-risk flag needs a moderator"): notifications
    # may be shown on shared screens, so they never quote what anyone wrote.
    title = models.CharField(max_length=200)
    url = models.CharField(max_length=300, blank=True)
    # Set for notifications that are updated rather than repeated ("3 people reacted to
    # your post"): one row per recipient and key.
    key = models.CharField(max_length=80, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["recipient", "read_at", "-created_at"]),
            models.Index(
                fields=["recipient", "key"],
                name="core_notification_key",
                condition=~models.Q(key=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"


class NotificationPreference(models.Model):
    """One person's choice for one category (kindred.core.notification_kinds).

    No row means the category's defaults: in-app on, e-mail as the category says.
    """

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="notification_preferences"
    )
    category = models.CharField(max_length=30)
    in_app = models.BooleanField(default=True)
    email = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "category"], name="core_notification_pref_once")
        ]

    def __str__(self) -> str:
        return f"{self.category} for {self.user_id}"
