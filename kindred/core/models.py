"""In-app notifications, shared by every app."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone


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


class ServiceMark(models.Model):
    """The last time a background part reported in: the task worker's heartbeat, the last
    mail failure. One row per ``name``, overwritten; read by /healthz.

    In the database rather than the cache, so a Redis outage neither fakes a dead
    worker nor hides one. ``detail`` holds kinds and error class names, never content
    or addresses.
    """

    name = models.CharField(max_length=40, primary_key=True)
    at = models.DateTimeField()
    detail = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"


class IdempotencyKey(models.Model):
    """A create request a client may retry (``Idempotency-Key``): what it made, so a retry
    answers the same instead of storing it twice (kindred.core.idempotency).

    The unique (user, key) is what makes two identical requests in flight store one
    thing: the second insert waits for the first transaction and then fails. Rows go
    after ``KEEP_FOR`` (24 h) by a periodic task. ``ref`` names the object
    (``community.post:12``); ``detail`` holds what the answer needs beyond it, never content.
    """

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    # A hash of the request (what it does, to what, with which fields): the same key
    # sent with a different request is refused, not answered with the first's result.
    fingerprint = models.CharField(max_length=64)
    ref = models.CharField(max_length=60, blank=True)
    status = models.PositiveSmallIntegerField(default=0)
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["user", "key"], name="core_idempotency_user_key")
        ]

    def __str__(self) -> str:
        return f"{self.ref or 'pending'} for {self.user_id}"
