"""The record of a deletion: when it was asked for, when it runs, what was chosen.

It holds dates and choices, never content. It outlives the erasure (the user reference
is cleared when the account row itself finally goes) so that staff can answer
"was this account deleted, and when".
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class DeletionState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")
    DONE = "done", _("Done")


class PostsChoice(models.TextChoices):
    DELETE = "delete", _("Delete my community posts")
    ANONYMISE = "anonymise", _("Keep my posts, shown as written by “deleted member”")


class AccountDeletion(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deletion",
    )
    state = models.CharField(max_length=10, choices=DeletionState.choices)
    posts = models.CharField(max_length=10, choices=PostsChoice.choices)
    requested_at = models.DateTimeField()
    # When the erasure runs; equal to requested_at for staff's ``--now``.
    due_at = models.DateTimeField()
    by_staff = models.BooleanField(default=False)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)
    # When the records kept for CLINICAL_RETENTION_YEARS go; set at erasure.
    retained_until = models.DateTimeField(null=True, blank=True)
    retained_purged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes: ClassVar = [
            models.Index(fields=["state", "due_at"], name="rights_deletion_due"),
            models.Index(
                fields=["retained_purged_at", "retained_until"], name="rights_deletion_retained"
            ),
        ]

    def __str__(self) -> str:
        return f"deletion {self.pk} ({self.state})"
