"""Saved decision guides: only for a signed-in person who chose to save one."""

from __future__ import annotations

from typing import ClassVar

from django.db import models
from django.utils import timezone

from kindred.core.fields import EncryptedJSONField


class SavedGuide(models.Model):
    """One saved pass through the guide.

    ``answers`` (a :class:`kindred.guide.questions.GuideAnswers` as JSON) and
    ``outcome`` (screening scores, the options suggested, the person's choice) are
    encrypted: screening answers and the safety check are clinical. Read them only
    through :func:`kindred.guide.access.access_saved_guide`, which audits the read.
    """

    owner = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="saved_guides"
    )
    answers = EncryptedJSONField()
    outcome = EncryptedJSONField()
    # Which version of the option content and rules the guide was made with.
    content_version = models.CharField(max_length=20)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes: ClassVar = [
            # "My saved guides", newest first, and "the save before this one".
            models.Index(fields=["owner", "created_at"], name="guide_saved_owner_time"),
        ]

    def __str__(self) -> str:
        return f"Saved guide {self.pk}"
