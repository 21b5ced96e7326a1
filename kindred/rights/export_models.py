"""An export built by a task for a large account, kept for a day behind a signed link.

Small accounts download theirs at once and leave no row. The file lives under
``settings.EXPORT_DIR`` with a random name; the row says whose it is, and the link only
works for that person while signed in (:mod:`kindred.rights.export_access`).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready to download")
    FAILED = "failed", _("Could not be prepared")


class DataExport(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="data_exports"
    )
    status = models.CharField(
        max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    # Rows counted when it was asked for: why it went to a task.
    rows = models.PositiveIntegerField(default=0)
    # The file's name under EXPORT_DIR (random), empty until it is written.
    file_name = models.CharField(max_length=80, blank=True, default="")
    size = models.PositiveBigIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    ready_at = models.DateTimeField(null=True, blank=True)
    # Set when ready: the link stops working and the sweep deletes file and row.
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering: ClassVar = ["-created_at", "-id"]
        indexes: ClassVar = [
            models.Index(fields=["user", "status"]),
            models.Index(fields=["expires_at"]),
        ]

    def __str__(self) -> str:
        return f"export {self.pk} ({self.status})"


@receiver(post_delete, sender=DataExport)
def _remove_file(sender: type[DataExport], instance: DataExport, **kwargs: Any) -> None:
    # However the row goes (the sweep, or the account deleted with everything it owns),
    # the archive on disk must not outlive it.
    if instance.file_name:
        with contextlib.suppress(FileNotFoundError):
            (Path(settings.EXPORT_DIR) / instance.file_name).unlink()
