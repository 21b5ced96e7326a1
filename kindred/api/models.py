"""Personal access tokens for the JSON API.

A token reads ``kdr_<public_id>_<secret>``. The public id finds the row; only
the SHA-256 of the secret is stored, so a copy of the database cannot be used
to call the API. SHA-256 (not a slow password hash) is enough because the
secret is 256 random bits, not something a person chose.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    """What a token may do.

    ``read``: the ``GET`` endpoints. ``write``: also the endpoints that change
    data (``POST``, ``PUT``, ``PATCH``, ``DELETE``); it includes ``read``.
    """

    READ = "read", _("Read: see your data")
    WRITE = "write", _("Write: also change your data")


# A scope that includes others.
IMPLIED_SCOPES: dict[str, set[str]] = {Scope.WRITE: {Scope.READ}}


def default_expiry() -> datetime:
    return timezone.now() + timedelta(days=settings.API_TOKEN_MAX_AGE_DAYS)


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100, help_text=_("So you can tell your tokens apart."))
    public_id = models.CharField(max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Every token ends (API_TOKEN_MAX_AGE_DAYS at most); a new password revokes them all.
    expires_at = models.DateTimeField(default=default_expiry)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [models.Index(fields=["user", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.display_prefix}…)"

    @property
    def display_prefix(self) -> str:
        """The public part of the token, to recognise it; not enough to use it."""
        return f"{settings.API_TOKEN_PREFIX}_{self.public_id}"

    def granted_scopes(self) -> set[str]:
        granted = set(self.scopes)
        for scope in list(granted):
            granted |= IMPLIED_SCOPES.get(scope, set())
        return granted

    def status(self, now: datetime | None = None) -> str:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at <= now:
            return "expired"
        return "active"

    def is_usable(self, now: datetime | None = None) -> bool:
        return self.status(now) == "active"
